#include "network/seed_network.h"

#include <cmath>

#include "data/noise.h"

namespace dnz::train {

const std::array<ConvSpec, kNumConvs>& SeedConvs() {
  static const std::array<ConvSpec, kNumConvs> convs = [] {
    std::array<ConvSpec, kNumConvs> specs{};
    for (int i = 0; i < kNumConvs; ++i) {
      const seed::SeedConv& c = seed::kSeedConvs[static_cast<size_t>(i)];
      specs[static_cast<size_t>(i)] = ConvSpec{c.layer,
                                               c.in_channels,
                                               c.out_channels,
                                               c.kernel,
                                               c.same_padding ? c.kernel / 2 : 0,
                                               !c.sigmoid,
                                               c.upsample_before,
                                               c.pool_after,
                                               c.in_side,
                                               c.out_side};
    }
    return specs;
  }();
  return convs;
}

const ParamLayout& SeedParamLayout() {
  static const ParamLayout layout = [] {
    ParamLayout l{};
    size_t offset = 0;
    for (int i = 0; i < kNumConvs; ++i) {
      const ConvSpec& c = SeedConvs()[i];
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
    const ConvSpec& c = SeedConvs()[i];
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
