// CudaNetwork's Adam update on the GPU (Keras 2 semantics, optimize/adam.h). In f16 the loss
// scale is updated first, on the device, and a step whose gradients overflowed is skipped
// there, so that the step counter and the scale never cross to the host during training.
#include <cstdint>

#include "cuda/cuda_network.h"
#include "cuda/cuda_status.h"

namespace dnz::train::cuda {

template <typename T>
bool CudaNetwork<T>::AdamUpdate(const AdamConfig& config, int64_t adam_step, std::string* error) {
  const int64_t total = static_cast<int64_t>(SeedParamLayout().total);
  if (kLossScaling) {
    constexpr int kGrowthInterval = 2000;  // good steps before the scale doubles
    return CudaOk(UpdateLossScale(grads.get(), total, config.learning_rate, config.beta1,
                                  config.beta2, kGrowthInterval, loss_scale.get(), stream),
                  "loss-scale kernel", error) &&
           CudaOk(AdamScaled(loss_scale.get(), config.beta1, config.beta2, config.epsilon, total,
                             params.get(), grads.get(), m.get(), v.get(), stream),
                  "Adam kernel", error);
  }
  return CudaOk(Adam(AdamStepSize(config, adam_step), config.beta1, config.beta2, config.epsilon,
                     total, params.get(), grads.get(), m.get(), v.get(), stream),
                "Adam kernel", error);
}

#define DNZ_INSTANTIATE(T) \
  template bool CudaNetwork<T>::AdamUpdate(const AdamConfig&, int64_t, std::string*);
DNZ_CUDA_STORAGE_TYPES(DNZ_INSTANTIATE)
#undef DNZ_INSTANTIATE

}  // namespace dnz::train::cuda
