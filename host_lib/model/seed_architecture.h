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
#include <cstddef>

#include "dnz_internal/conv_geometry.h"

namespace dnz::seed {

constexpr int kImageSide = 28;
constexpr int kImagePixels = kImageSide * kImageSide;

struct SeedConv {
  int layer;  // row of the reference's layer table (1..14)
  int kernel;
  int in_channels, out_channels;
  bool same_padding;          // 'same' (kernel / 2 each side) or 'valid'
  bool sigmoid;               // the last conv; every other one has a ReLU
  bool fused_upsample_input;  // nearest x2 on its input (the table's row before it)
  bool fused_maxpool_output;  // 2x2 stride-2 max-pool after it, ceil mode (7 -> 4)
  // Computed from the 28x28 input through the chain (WithSides below), never written by hand:
  int in_side = 0;   // input H = W as the conv sees it (after the upsample)
  int out_side = 0;  // output H = W before the pool
};

// Zeros on each side of a conv's input: 'same' kernel / 2, 'valid' none.
constexpr int Padding(const SeedConv& conv) { return conv.same_padding ? conv.kernel / 2 : 0; }
// Every conv but the last (logits; its sigmoid is in the loss or the model) has a ReLU.
constexpr bool HasRelu(const SeedConv& conv) { return !conv.sigmoid; }

// The one definition of a conv's and a pool's output size (shared with the runtime's verifier).
using dnz::ConvOutputSide;
using dnz::PooledSide;
// H = W of what a conv hands the next one: after its pool, if it has one.
constexpr int ChainedSide(const SeedConv& conv) {
  return conv.fused_maxpool_output ? PooledSide(conv.out_side) : conv.out_side;
}

constexpr int kNumConvs = 8;

// The table's sides, from an `input_side` image through each upsample, conv and pool.
constexpr std::array<SeedConv, kNumConvs> WithSides(std::array<SeedConv, kNumConvs> convs,
                                                    int input_side) {
  int side = input_side;
  for (std::size_t i = 0; i < convs.size(); ++i) {
    SeedConv& c = convs[i];
    c.in_side = c.fused_upsample_input ? 2 * side : side;
    c.out_side = ConvOutputSide(c.in_side, c.kernel, Padding(c), Padding(c));
    side = ChainedSide(c);
  }
  return convs;
}

// clang-format off
constexpr std::array<SeedConv, kNumConvs> kSeedConvs = WithSides({{
  // layer kernel in   out  'same' sigmoid upsample pool      sides (computed)
    {1,    3,     1,   32,  true,  false,  false,   true},    // 28 -> 28, pool 14
    {3,    3,     32,  64,  true,  false,  false,   true},    // 14 -> 14, pool 7
    {5,    3,     64,  128, true,  false,  false,   true},    // 7 -> 7, pool 4
    {8,    3,     128, 128, true,  false,  true,    false},   // up 8 -> 8
    {10,   3,     128, 64,  true,  false,  true,    false},   // up 16 -> 16
    {12,   3,     64,  32,  true,  false,  true,    false},   // up 32 -> 32
    {13,   5,     32,  1,   false, false,  false,   false},   // 'valid': 32 -> 28
    {14,   3,     1,   1,   true,  true,   false,   false},   // 28 -> 28
}}, kImageSide);
// clang-format on

// The table's invariants, checked when it compiles.
constexpr bool ChannelsChain() {
  if (kSeedConvs.front().in_channels != 1 || kSeedConvs.back().out_channels != 1) return false;
  for (std::size_t i = 1; i < kSeedConvs.size(); ++i) {
    if (kSeedConvs[i].in_channels != kSeedConvs[i - 1].out_channels) return false;
  }
  return true;
}
constexpr bool OnlyTheLastIsSigmoid() {
  for (std::size_t i = 0; i + 1 < kSeedConvs.size(); ++i) {
    if (kSeedConvs[i].sigmoid) return false;
  }
  return kSeedConvs.back().sigmoid;
}
static_assert(ChannelsChain(), "one grey channel in, each conv reads the one before, one out");
static_assert(OnlyTheLastIsSigmoid(), "the last conv is the sigmoid, every other one a ReLU");
static_assert(ChainedSide(kSeedConvs.back()) == kImageSide, "the chain ends at 28x28");
static_assert(kSeedConvs[2].out_side == 7 && ChainedSide(kSeedConvs[2]) == 4,
              "the encoder ends at 4x4 (7 -> 4 in ceil mode)");
static_assert(kSeedConvs[6].in_side == 32 && kSeedConvs[6].out_side == 28,
              "the 'valid' 5x5 conv takes the decoder's 32x32 back to 28x28");

// The one-channel ReLU conv that can start dead (docs/reference.md, "the trap").
constexpr int kBottleneckLayer = 13;

// Index into kSeedConvs of the conv with this layer number, or -1.
constexpr int ConvIndexOfLayer(int layer) {
  for (int i = 0; i < kNumConvs; ++i) {
    if (kSeedConvs[static_cast<std::size_t>(i)].layer == layer) return i;
  }
  return -1;
}

constexpr int kBottleneckConv = ConvIndexOfLayer(kBottleneckLayer);
static_assert(kSeedConvs[kBottleneckConv].out_channels == 1, "the bottleneck has one channel");

}  // namespace dnz::seed

#endif  // DNZ_HOST_LIB_MODEL_SEED_ARCHITECTURE_H_
