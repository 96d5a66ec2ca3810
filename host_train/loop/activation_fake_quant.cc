#include "loop/activation_fake_quant.h"

#include <cmath>

#include "checkpoint/export_model.h"

namespace dnz::train {

dnz::build::ActivationRanges CalibrateTrainingRanges(
    const std::vector<float>& params, const std::vector<std::vector<float>>& images) {
  dnz::build::FloatNetwork net;
  std::string error;
  if (!ToFloatNetwork(params, &net, &error)) return {};  // never: the layout is the seed's
  return dnz::build::CalibrateActivationRanges(net, images);
}

ActivationQuant ActivationQuantFor(const dnz::build::ActivationRanges& ranges) {
  const auto Grid = [](const dnz::build::QuantGrid& g) {
    return FakeQuantGrid{g.scale, static_cast<int>(g.zero_point)};
  };
  ActivationQuant quant;
  quant.enabled = true;
  quant.input = Grid(dnz::build::InputGrid());
  const std::vector<dnz::build::QuantGrid> grids =
      dnz::build::ConvOutputGrids(dnz::build::SeedArchitecture(), ranges);
  for (size_t i = 0; i < grids.size() && i < quant.outputs.size(); ++i) {
    quant.outputs[i] = Grid(grids[i]);
  }
  return quant;
}

std::vector<float> ConvInputScales(const dnz::build::ActivationRanges& ranges) {
  const ActivationQuant quant = ActivationQuantFor(ranges);
  std::vector<float> scales = {quant.input.scale};
  for (int i = 0; i + 1 < kNumConvs; ++i)
    scales.push_back(quant.outputs[static_cast<size_t>(i)].scale);
  return scales;
}

bool ValidActivationRanges(const dnz::build::ActivationRanges& ranges, std::string* error) {
  if (ranges.output_max.size() != static_cast<size_t>(kNumConvs)) {
    *error = "activation ranges: \"output_max\" has " + std::to_string(ranges.output_max.size()) +
             " values, the seed network has " + std::to_string(kNumConvs) + " convs";
    return false;
  }
  for (size_t i = 0; i < ranges.output_max.size(); ++i) {
    if (!std::isfinite(ranges.output_max[i]) || ranges.output_max[i] < 0.0f) {
      *error =
          "activation ranges: \"output_max\" " + std::to_string(i) + " is negative or not finite";
      return false;
    }
  }
  if (!std::isfinite(ranges.logit_min) || !std::isfinite(ranges.logit_max) ||
      ranges.logit_min > ranges.logit_max) {
    *error = "activation ranges: \"logit_min\" is above \"logit_max\" or one is not finite";
    return false;
  }
  return true;
}

}  // namespace dnz::train
