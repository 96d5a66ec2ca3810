// The seed network in double on the reference layers: loss and gradients in the flat
// parameter layout of SeedParamLayout(). For gradient checks of the whole network.
#ifndef DNZ_HOST_TRAIN_REFERENCE_REFERENCE_NETWORK_H_
#define DNZ_HOST_TRAIN_REFERENCE_REFERENCE_NETWORK_H_

#include <vector>

#include "network/backend.h"

namespace dnz::train::reference {

// Mean sigmoid-BCE of the network on `noisy` against `clean` ([batch][28][28]); fills
// `grads` (flat layout) when not null, and `bottleneck_positive` (fraction of positive
// layer-13 outputs) when not null, and `logits` (the last conv's output before the sigmoid,
// [batch][28][28]) when not null. With `quant` enabled, the input and each conv's output are
// fake-quantized in double with its grids (FakeQuantForward/Backward).
double NetworkLossAndGradients(const std::vector<double>& params, const float* noisy,
                               const float* clean, int batch, std::vector<double>* grads,
                               double* bottleneck_positive = nullptr,
                               std::vector<double>* logits = nullptr,
                               const ActivationQuant& quant = ActivationQuant());

}  // namespace dnz::train::reference

#endif  // DNZ_HOST_TRAIN_REFERENCE_REFERENCE_NETWORK_H_
