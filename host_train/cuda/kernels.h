// Launchers of the GPU trainer's own kernels: the element-wise steps of element_ops.h one
// thread per element, plus the reductions (bias gradient, loss, counts), the noise, the
// precision conversions and the optimizer. Each enqueues on `stream` and returns the launch
// status; none synchronises. The kernels are kernel_bodies.h, the launchers
// kernel_launchers.h; kernels.cu runs them on a GPU, tests/gpu_emulation on the CPU.
//
// T is the activations' storage type: float, __half or __nv_bfloat16 (the three are
// instantiated). Parameters, their gradients, Adam's moments, biases and the loss
// are float in every precision.
#ifndef DNZ_HOST_TRAIN_CUDA_KERNELS_H_
#define DNZ_HOST_TRAIN_CUDA_KERNELS_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/element_ops.h"
#include "cuda/half_types.h"
#include "network/fake_quant.h"
#include "optimize/adam.h"

namespace dnz::train::cuda {

// f16's dynamic loss scaling, kept in GPU memory so that no step waits for the host. The
// kernels below that take a `const LossScaleState*` multiply the loss gradient by `scale`
// (SigmoidBce) or divide the parameter gradients by it; null means a scale of 1.
struct LossScaleState {
  float scale;     // the loss is multiplied by it before the backward pass
  int good_steps;  // steps since the scale last changed
  int overflow;    // the last gradients held an Inf or NaN: that step is skipped
  float lr_t;      // Adam's step size for the next update
  long long step;  // Adam updates done (skipped steps do not count)
};

// After a step's `overflow` is known: on overflow halve the scale (not below 1); else count
// a good step, doubling the scale (up to 2^24) after `growth_interval` of them, and advance
// Adam's step and its lr_t. One thread (AdvanceLossScaleKernel, kernel_bodies.h).
DNZ_HD void AdvanceLossScale(float learning_rate, float beta1, float beta2, int growth_interval,
                             LossScaleState* state) {
  if (state->overflow) {
    state->scale = fmaxf(state->scale * 0.5f, 1.0f);
    state->good_steps = 0;
    return;
  }
  state->step += 1;
  state->lr_t = static_cast<float>(
      AdamStepSizeOf(learning_rate, beta1, beta2, static_cast<double>(state->step)));
  if (++state->good_steps >= growth_interval) {
    state->scale = fminf(state->scale * 2.0f, 65536.0f * 256.0f);
    state->good_steps = 0;
  }
}

// y[n][c][p] = act(y + bias[c]) in place over [n][c][hw].
template <typename T>
cudaError_t BiasActivate(T* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream);
// grad[i] = 0 where activation[i] <= 0.
template <typename T>
cudaError_t ReluBackward(const T* activation, T* grad, int64_t count, cudaStream_t stream);

// Quantization-aware training (network/fake_quant.h): values = FakeQuantize(values) in
// place, and grad = FakeQuantBackward(quantized, grad).
template <typename T>
cudaError_t FakeQuantizeActivations(T* values, int64_t count, FakeQuantGrid grid,
                                    cudaStream_t stream);
template <typename T>
cudaError_t FakeQuantBackwardActivations(const T* quantized, T* grad, int64_t count,
                                         FakeQuantGrid grid, cudaStream_t stream);

template <typename T>
cudaError_t MaxPool(const T* in, int planes, int h, int w, T* out, uint8_t* argmax,
                    cudaStream_t stream);
template <typename T>
cudaError_t MaxPoolBackward(const T* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            T* grad_in, cudaStream_t stream);

template <typename T>
cudaError_t Upsample(const T* in, int planes, int h, int w, T* out, cudaStream_t stream);
template <typename T>
cudaError_t UpsampleBackward(const T* grad_out, int planes, int h, int w, T* grad_in,
                             cudaStream_t stream);

// weights [C][in_c][3][3] (float) -> kernels [4C][in_c][2][2] (T), and the gradients' way
// back (divided by the loss scale).
template <typename T>
cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             T* kernels, cudaStream_t stream);
template <typename T>
cudaError_t FoldPolyphaseGradients(const T* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, const LossScaleState* loss_scale,
                                   float* weight_grads, cudaStream_t stream);
// parity conv output [n][4C][s+1][s+1] -> act(full + bias) [n][C][2s][2s], and back.
template <typename T>
cudaError_t InterleaveParities(const T* parity_out, const float* bias, int n, int channels, int s,
                               bool relu, T* out, cudaStream_t stream);
template <typename T>
cudaError_t DeinterleaveParities(const T* full_grad, int n, int channels, int s, T* parity_grad,
                                 cudaStream_t stream);

// bias_grad[c] = sum over n and hw of grad[n][c][hw] / loss scale (one block per channel,
// fixed order).
template <typename T>
cudaError_t BiasGradient(const T* grad, int n, int c, int hw, const LossScaleState* loss_scale,
                         float* bias_grad, cudaStream_t stream);

// Mean sigmoid-BCE: grad gets the loss scale times d(mean)/d(logit); *loss_sum (device)
// gets the sum over all values of the loss, in double,
// added in a fixed order (one block per image); if `running_sum` is not null, loss_sum /
// pixels (the mean loss times images) is added to it.
template <typename T>
cudaError_t SigmoidBce(const T* logits, const float* target, int images, int pixels,
                       const LossScaleState* loss_scale, T* grad, double* per_image,
                       double* loss_sum, double* running_sum, cudaStream_t stream);

// A training batch from the device-resident set [count][pixels]: clean[n] = set[order[first
// + n]] and noisy[n] = clip(clean[n] + factor * N(0, 1), 0, 1). The normal of pixel p of image
// i comes from cuRAND's Philox stream (seed, subsequence i, offset 2p): the same image gets
// the same noise in any batch, order or launch shape.
template <typename T>
cudaError_t NoisyBatch(const float* set, const int* order, int first, int batch, int pixels,
                       float factor, unsigned long long seed, T* noisy, float* clean,
                       cudaStream_t stream);

// out[to[k] + j] = params[from[k] + j] for every piece k of `segments`, in T (one launch).
template <typename T>
cudaError_t GatherWeights(const float* params, WeightSegments segments, T* out,
                          cudaStream_t stream);

// Host-side images (float) into the activations' type.
template <typename T>
cudaError_t ConvertFromFloat(const float* in, int64_t count, T* out, cudaStream_t stream);
// out = in / loss scale, into float (weight gradients from 16-bit convolutions).
template <typename T>
cudaError_t ConvertToFloat(const T* in, int64_t count, const LossScaleState* loss_scale, float* out,
                           cudaStream_t stream);

// Adam with a step size from the host (f32, bf16).
cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream);

// f16: after a backward pass, overflow = any non-finite gradient; then on overflow halve the
// scale, else count a good step (doubling the scale after `growth_interval` of them) and
// advance Adam's step and its lr_t. `grads` are already divided by the scale.
cudaError_t UpdateLossScale(const float* grads, int64_t count, float learning_rate, float beta1,
                            float beta2, int growth_interval, LossScaleState* state,
                            cudaStream_t stream);
// Adam reading lr_t from `state` and skipping the update when it says overflow.
cudaError_t AdamScaled(const LossScaleState* state, float beta1, float beta2, float epsilon,
                       int64_t count, float* params, const float* grads, float* m, float* v,
                       cudaStream_t stream);

// *counter (device) = number of values > 0.
template <typename T>
cudaError_t CountPositive(const T* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream);

// The explicit instantiations of the templates above for one storage type T: kernels.cu
// makes them for float, __half and __nv_bfloat16, and so does the CPU emulation
// (tests/gpu_emulation/emulated_kernels.cc).
#define DNZ_INSTANTIATE_KERNELS(T)                                                                \
  template cudaError_t BiasActivate<T>(T*, const float*, int, int, int, bool, cudaStream_t);      \
  template cudaError_t ReluBackward<T>(const T*, T*, int64_t, cudaStream_t);                      \
  template cudaError_t FakeQuantizeActivations<T>(T*, int64_t, FakeQuantGrid, cudaStream_t);      \
  template cudaError_t FakeQuantBackwardActivations<T>(const T*, T*, int64_t, FakeQuantGrid,      \
                                                       cudaStream_t);                             \
  template cudaError_t MaxPool<T>(const T*, int, int, int, T*, uint8_t*, cudaStream_t);           \
  template cudaError_t MaxPoolBackward<T>(const T*, const uint8_t*, int, int, int, T*,            \
                                          cudaStream_t);                                          \
  template cudaError_t Upsample<T>(const T*, int, int, int, T*, cudaStream_t);                    \
  template cudaError_t UpsampleBackward<T>(const T*, int, int, int, T*, cudaStream_t);            \
  template cudaError_t PolyphaseKernels<T>(const float*, int, int, PolyphaseTaps, T*,             \
                                           cudaStream_t);                                         \
  template cudaError_t FoldPolyphaseGradients<T>(const T*, int, int, PolyphaseTaps,               \
                                                 const LossScaleState*, float*, cudaStream_t);    \
  template cudaError_t InterleaveParities<T>(const T*, const float*, int, int, int, bool, T*,     \
                                             cudaStream_t);                                       \
  template cudaError_t DeinterleaveParities<T>(const T*, int, int, int, T*, cudaStream_t);        \
  template cudaError_t BiasGradient<T>(const T*, int, int, int, const LossScaleState*, float*,    \
                                       cudaStream_t);                                             \
  template cudaError_t SigmoidBce<T>(const T*, const float*, int, int, const LossScaleState*, T*, \
                                     double*, double*, double*, cudaStream_t);                    \
  template cudaError_t NoisyBatch<T>(const float*, const int*, int, int, int, float,              \
                                     unsigned long long, T*, float*, cudaStream_t);               \
  template cudaError_t GatherWeights<T>(const float*, WeightSegments, T*, cudaStream_t);          \
  template cudaError_t ConvertFromFloat<T>(const float*, int64_t, T*, cudaStream_t);              \
  template cudaError_t ConvertToFloat<T>(const T*, int64_t, const LossScaleState*, float*,        \
                                         cudaStream_t);                                           \
  template cudaError_t CountPositive<T>(const T*, int64_t, unsigned long long*, cudaStream_t);

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_KERNELS_H_
