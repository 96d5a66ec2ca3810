// The seed denoising autoencoder's eight convolutions, written once. The trainer
// (host_train/network/seed_network.cc), the model builder (SeedArchitecture in
// model_builder.h) and the tests all read this table.
//
// Layer numbers are the rows of the reference's 14-layer table (docs/reference.md):
// pools and upsamples are layers of their own there, and are fused into the conv
// before (pool) or after (upsample) them here and in the model file. Code, logs and
// docs name a conv by that number: "layer 13" is the 5x5 32->1 ReLU bottleneck.
#ifndef DNZ_HOST_LIB_MODEL_SEED_ARCHITECTURE_H_
#define DNZ_HOST_LIB_MODEL_SEED_ARCHITECTURE_H_

#include <array>

namespace dnz::seed {

constexpr int kImageSide = 28;
constexpr int kImagePixels = kImageSide * kImageSide;

struct SeedConv {
  int layer;  // row of the reference's layer table (1..14)
  int kernel;
  int in_channels, out_channels;
  bool same_padding;     // 'same' (kernel / 2 each side) or 'valid'
  bool sigmoid;          // the last conv; every other one has a ReLU
  bool upsample_before;  // nearest x2 on its input (the table's row before it)
  bool pool_after;       // 2x2 stride-2 max-pool after it, ceil mode (7 -> 4)
  int in_side;           // input H = W as the conv sees it (after the upsample)
  int out_side;          // output H = W before the pool
};

constexpr int kNumConvs = 8;
// clang-format off
constexpr std::array<SeedConv, kNumConvs> kSeedConvs = {{
  // layer kernel in   out  'same' sigmoid upsample pool   in  out
    {1,    3,     1,   32,  true,  false,  false,   true,  28, 28},
    {3,    3,     32,  64,  true,  false,  false,   true,  14, 14},
    {5,    3,     64,  128, true,  false,  false,   true,  7,  7},   // pool 7 -> 4
    {8,    3,     128, 128, true,  false,  true,    false, 8,  8},
    {10,   3,     128, 64,  true,  false,  true,    false, 16, 16},
    {12,   3,     64,  32,  true,  false,  true,    false, 32, 32},
    {13,   5,     32,  1,   false, false,  false,   false, 32, 28},  // 'valid': 32 -> 28
    {14,   3,     1,   1,   true,  true,   false,   false, 28, 28},
}};
// clang-format on

// The one-channel ReLU conv that can start dead (docs/reference.md, "the trap").
constexpr int kBottleneckLayer = 13;

// Index into kSeedConvs of the conv with this layer number, or -1.
constexpr int ConvIndexOfLayer(int layer) {
  for (int i = 0; i < kNumConvs; ++i) {
    if (kSeedConvs[static_cast<size_t>(i)].layer == layer) return i;
  }
  return -1;
}

constexpr int kBottleneckConv = ConvIndexOfLayer(kBottleneckLayer);
static_assert(kSeedConvs[kBottleneckConv].out_channels == 1, "the bottleneck has one channel");

}  // namespace dnz::seed

#endif  // DNZ_HOST_LIB_MODEL_SEED_ARCHITECTURE_H_
