// The seed denoising autoencoder (host_lib/model/seed_architecture.h) as the trainer
// sees it: eight conv layers with the pools and upsamples around them, and the flat parameter
// layout every backend, the checkpoint and the export share: for each conv, weights
// [out_c][in_c][kh][kw] (OIHW) then bias [out_c]. 333,323 floats in all.
#ifndef DNZ_HOST_TRAIN_NETWORK_SEED_NETWORK_H_
#define DNZ_HOST_TRAIN_NETWORK_SEED_NETWORK_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/seed_architecture.h"

namespace dnz::train {

using seed::kImagePixels;
using seed::kImageSide;
using seed::kNumConvs;
// Index of the layer-13 conv (5x5 32->1 ReLU) whose single channel can start dead.
using seed::kBottleneckConv;

// The convs are read straight from the one table, seed::kSeedConvs, with its helpers
// (Padding, HasRelu and ChainedSide take a SeedConv; ConvOutputSide and PooledSide a side).
using seed::ConvOutputSide;
using seed::kSeedConvs;
using seed::PooledSide;
using seed::SeedConv;

struct ParamLayout {
  std::array<size_t, kNumConvs> weight_offset;
  std::array<size_t, kNumConvs> weight_count;
  std::array<size_t, kNumConvs> bias_offset;
  size_t total = 0;
};

const ParamLayout& SeedParamLayout();

// Keras defaults: Glorot-uniform kernels (limit sqrt(6 / (fan_in + fan_out))), zero biases.
// Deterministic for a seed; each layer draws from its own stream.
std::vector<float> GlorotUniformInit(uint64_t seed);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_SEED_NETWORK_H_
