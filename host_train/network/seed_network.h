// The seed denoising autoencoder (host_lib/model/seed_architecture.h) as the trainer
// sees it: eight conv layers with the pools and upsamples around them, plus the flat parameter
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

struct ConvSpec {
  int layer;  // the reference table's row: messages say "layer 13"
  int in_channels;
  int out_channels;
  int kernel;
  int padding;           // each side: 'same' = kernel / 2, 'valid' = 0
  bool relu;             // false only for the last conv (logits; sigmoid is in the loss)
  bool upsample_before;  // nearest x2 on the input
  bool pool_after;       // 2x2 stride-2 max pool; ceil mode (Keras 'same') when odd
  int in_side;           // H = W of the conv input (after any upsample)
  int out_side;          // H = W of the conv output (before any pool)
};

const std::array<ConvSpec, kNumConvs>& SeedConvs();

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

// Output side of a 2x2 stride-2 pool in ceil mode: (side + 1) / 2.
constexpr int PooledSide(int side) { return (side + 1) / 2; }

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_SEED_NETWORK_H_
