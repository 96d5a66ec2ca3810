// Quantization-aware training of the activations (host_train --qat): the ranges an epoch
// trains with are calibrated the way the export calibrates (dnz::build::
// CalibrateActivationRanges on noisy training images) on the network the training sees (its
// fake-quantized weights), at the start of every epoch; the backend fake-quantizes the input
// and every conv's output to the grids the model file will hold (dnz::build::ConvOutputGrids).
// The run's checkpoint keeps the ranges, and its export stores exactly them, so the file's
// activation grids are the ones the last epoch trained with.
#ifndef DNZ_HOST_TRAIN_LOOP_ACTIVATION_FAKE_QUANT_H_
#define DNZ_HOST_TRAIN_LOOP_ACTIVATION_FAKE_QUANT_H_

#include <string>
#include <vector>

#include "model/model_builder.h"
#include "network/backend.h"

namespace dnz::train {

// The ranges of the network with flat OIHW parameters `params` on `images` ([28*28] each).
dnz::build::ActivationRanges CalibrateTrainingRanges(const std::vector<float>& params,
                                                     const std::vector<std::vector<float>>& images);

// The backend's grids for `ranges` (enabled).
ActivationQuant ActivationQuantFor(const dnz::build::ActivationRanges& ranges);
// The scale of each conv's input grid for `ranges` (for the biases' grids:
// WeightFakeQuant::SetInputScales).
std::vector<float> ConvInputScales(const dnz::build::ActivationRanges& ranges);

// Whether `ranges` fit the seed network (one finite positive maximum per conv, finite logits
// with min <= max); if not, why.
bool ValidActivationRanges(const dnz::build::ActivationRanges& ranges, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_LOOP_ACTIVATION_FAKE_QUANT_H_
