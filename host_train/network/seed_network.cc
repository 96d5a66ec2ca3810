#include "network/seed_network.h"

#include <cmath>
#include <cstdint>

#include "data/noise.h"

namespace dnz::train {

const ParamLayout& SeedParamLayout() {
  static const ParamLayout layout = [] {
    ParamLayout l{};
    size_t offset = 0;
    for (int i = 0; i < kNumConvs; ++i) {
      const SeedConv& c = kSeedConvs[static_cast<size_t>(i)];
      l.weight_offset[i] = offset;
      l.weight_count[i] = static_cast<size_t>(c.out_channels) * c.in_channels * c.kernel * c.kernel;
      offset += l.weight_count[i];
      l.bias_offset[i] = offset;
      offset += static_cast<size_t>(c.out_channels);
    }
    l.total = offset;
    return l;
  }();
  return layout;
}

std::vector<float> GlorotUniformInit(uint64_t seed) {
  const ParamLayout& layout = SeedParamLayout();
  std::vector<float> params(layout.total, 0.0f);
  for (int i = 0; i < kNumConvs; ++i) {
    const SeedConv& c = kSeedConvs[static_cast<size_t>(i)];
    const double receptive = static_cast<double>(c.kernel) * c.kernel;
    const double limit = std::sqrt(6.0 / (receptive * c.in_channels + receptive * c.out_channels));
    data::Xoshiro256 rng(data::ImageNoiseSeed(seed, 0x1417, static_cast<uint64_t>(i)));
    float* w = params.data() + layout.weight_offset[i];
    for (size_t k = 0; k < layout.weight_count[i]; ++k) {
      w[k] = static_cast<float>(limit * (2.0 * rng.NextDouble() - 1.0));
    }
  }
  return params;
}

}  // namespace dnz::train
