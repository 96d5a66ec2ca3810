// Quantization-aware training of the activations (loop/activation_fake_quant.h): the network
// the training sees, with fake-quantized weights and activations, predicts the bytes the
// exported model gives in the runtime. (The gradients against the double reference:
// SeedNetwork.OnednnFakeQuantizedActivationsMatchTheReference and the GPU's twin.)
#include "loop/activation_fake_quant.h"

#include <dnz/dnz.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "checkpoint/export_model.h"
#include "checkpoint/model_source.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "loop/weight_fake_quant.h"
#include "network/seed_network.h"
#include "onednn/fake_quant_loops.h"
#include "reference/reference_layers.h"
#include "reference/reference_network.h"
#include "tiny_batch.h"

namespace dnz::train {
namespace {

constexpr int kImages = DNZ_FAKE_QUANT_TEST_DIGITS;        // a multiple of 100
constexpr int kExactImages = DNZ_FAKE_QUANT_EXACT_DIGITS;  // the double reference's share

// A logit's output byte as the model's table makes it: the sigmoid on the output grid,
// scale 1/255 in float (dnz::build's NonNegativeParams(1)), rounded half away from zero.
double OutputByte(double logit) {
  const double y = 1.0 / (1.0 + std::exp(-logit));
  return std::min(255.0, std::round(y / double(1.0f / 255.0f)));
}

// The runtime's bytes of `model` on `pixels` ([count][28][28] bytes), on ref (the specification).
std::vector<uint8_t> RuntimeBytes(const std::vector<uint8_t>& model_bytes,
                                  const std::vector<uint8_t>& pixels, int count) {
  dnz_model model;
  EXPECT_EQ(dnz_model_load(&model, model_bytes.data(), model_bytes.size()), DNZ_OK)
      << dnz_model_error(&model);
  dnz_session_options options = dnz_session_default_options();
  options.backend = DNZ_BACKEND_REF;
  dnz_session session;
  EXPECT_EQ(dnz_session_init(&session, &model, &options), DNZ_OK) << dnz_session_error(&session);
  const size_t arena_bytes = (dnz_session_arena_bytes(&session) + DNZ_ARENA_ALIGNMENT - 1) /
                             DNZ_ARENA_ALIGNMENT * DNZ_ARENA_ALIGNMENT;
  void* arena = std::aligned_alloc(DNZ_ARENA_ALIGNMENT, arena_bytes);
  EXPECT_EQ(dnz_session_set_arena(&session, arena, arena_bytes), DNZ_OK);
  std::vector<uint8_t> out(pixels.size());
  for (int i = 0; i < count; ++i) {
    const size_t at = static_cast<size_t>(i) * kImagePixels;
    EXPECT_EQ(dnz_run_u8(&session, pixels.data() + at, out.data() + at, 1), DNZ_OK);
  }
  dnz_session_destroy(&session);
  std::free(arena);
  return out;
}

// The op itself, as the CPU backend runs it (onednn/fake_quant_loops.h; the GPU's kernels call
// the same network/fake_quant.h per element), against the double reference's
// FakeQuantForward/Backward: values below, inside and above a ReLU grid and an asymmetric
// logits grid, level edges (half a step off a level) among them, and NaN.
TEST(ActivationFakeQuant, TheOpAndItsGradientMatchTheDoubleReference) {
  const FakeQuantGrid grids[] = {{0.0123f, -128}, {0.34614f, 111}};
  for (const FakeQuantGrid& grid : grids) {
    SCOPED_TRACE("zero point " + std::to_string(grid.zero_point));
    const float low = grid.scale * float(-128 - grid.zero_point);
    const float high = grid.scale * float(127 - grid.zero_point);
    std::vector<float> x;
    data::Xoshiro256 rng(3);
    for (int i = 0; i < 5000; ++i) {
      const double t = rng.NextDouble() * 1.4 - 0.2;  // 20% beyond each end
      x.push_back(float(double(low) + t * double(high - low)));
    }
    for (int level = -130; level <= 130; ++level) {  // half a step off each level, and on it
      x.push_back(grid.scale * (float(level - grid.zero_point) + 0.5f));
      x.push_back(grid.scale * float(level - grid.zero_point));
    }
    std::vector<float> quantized = x;
    onednn::FakeQuantizeValues(quantized.data(), quantized.size(), grid);
    std::vector<float> grad(x.size(), 1.0f);
    onednn::FakeQuantBackwardValues(quantized.data(), grad.data(), grad.size(), grid);

    reference::Tensor t(1, 1, 1, int(x.size()));
    t.data.assign(x.begin(), x.end());
    reference::FakeQuantForward(grid.scale, grid.zero_point, &t);
    reference::Tensor diff(1, 1, 1, int(x.size()));
    diff.data.assign(x.size(), 1.0);
    reference::FakeQuantBackward(grid.scale, grid.zero_point, t, &diff);
    size_t clamped = 0, random_apart = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      // The same level; or, for a value half a step off a level (where float and double round
      // apart: 101 of the 261 such values here), the next one.
      const double apart = std::fabs(double(quantized[i]) - t.data[i]) / grid.scale;
      if (apart > 1e-3) {
        random_apart += i < 5000 ? 1 : 0;
        ASSERT_NEAR(apart, 1.0, 1e-3) << "x " << x[i];
        continue;
      }
      ASSERT_EQ(double(grad[i]), diff.data[i]) << "x " << x[i];
      ASSERT_GE(quantized[i], low * (1.0f + 1e-6f)) << "x " << x[i];
      ASSERT_LE(quantized[i], high * (1.0f + 1e-6f)) << "x " << x[i];
      clamped += grad[i] == 0.0f ? 1 : 0;
    }
    EXPECT_EQ(random_apart, 0u);
    EXPECT_GT(clamped, 1000u);         // the ends stop gradients
    EXPECT_LT(clamped, x.size() / 2);  // and nothing else does
  }
  float nan = std::nanf("");
  onednn::FakeQuantizeValues(&nan, 1, grids[0]);
  EXPECT_EQ(nan, 0.0f);  // NaN takes the lowest level
}

// The shipped model's float weights, fake-quantized as --qat does (int8 and int4; the biases
// on their int32 grids), with activation grids calibrated on noisy test digits: the forward
// pass through the sigmoid onto the output's 1/255 grid, against the exported model's bytes on
// the runtime's ref backend, pixel by pixel.
TEST(ActivationFakeQuant, TheExportGivesTheBytesTheFakeQuantizedForwardPredicts) {
  std::string error;
  dnz::build::FloatNetwork net;
  dnz::build::Provenance provenance;
  ASSERT_TRUE(NetworkFromModelFile(DNZ_DEFAULT_MODEL, &net, &provenance, &error)) << error;
  std::vector<float> master;
  FromFloatNetwork(net, &master);
  data::MnistSet test;
  ASSERT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kImages, &test, &error))
      << error;
  std::vector<float> noisy(test.images.size());
  data::MakeNoisyTestImages(test.images.data(), kImages, kImagePixels, noisy.data());
  // The runtime takes bytes; the trainer the same values as floats.
  std::vector<uint8_t> pixels(noisy.size());
  std::vector<float> input(noisy.size());
  for (size_t i = 0; i < noisy.size(); ++i) {
    pixels[i] = static_cast<uint8_t>(std::lround(noisy[i] * 255.0f));
    input[i] = static_cast<float>(pixels[i]) / 255.0f;
  }
  std::vector<std::vector<float>> calibration;
  for (int i = 0; i < 100; ++i) {
    calibration.emplace_back(input.begin() + i * kImagePixels,
                             input.begin() + (i + 1) * kImagePixels);
  }
  auto backend = MakeCpuBackend(100, "f32", &error);
  ASSERT_TRUE(backend) << error;
  for (const char* format : {"int8", "int4"}) {
    SCOPED_TRACE(format);
    WeightFakeQuant weights;
    ASSERT_TRUE(weights.Init(format, &error)) << error;
    const dnz::build::ActivationRanges ranges =
        CalibrateTrainingRanges(weights.Apply(master), calibration);
    weights.SetInputScales(ConvInputScales(ranges));
    const std::vector<float> quantized = weights.Apply(master);
    ASSERT_TRUE(backend->SetParameters(quantized, &error) &&
                backend->SetActivationQuant(ActivationQuantFor(ranges), &error))
        << error;
    std::vector<float> logits(input.size());
    for (int first = 0; first < kImages; first += 100) {
      const size_t at = static_cast<size_t>(first) * kImagePixels;
      ASSERT_TRUE(backend->Forward(input.data() + at, 100, logits.data() + at, &error)) << error;
    }
    dnz::build::BuildOptions options;
    options.keep_float_weights = false;
    options.weight_formats = dnz::build::WeightFormatsFor(net, format, &error);
    options.activation_ranges = &ranges;
    const std::vector<uint8_t> model = dnz::build::BuildModel(net, {}, {}, options, &error);
    ASSERT_FALSE(model.empty()) << error;
    const std::vector<uint8_t> got = RuntimeBytes(model, pixels, kImages);
    // The double reference's fake-quantized forward pass: every byte of the first digits
    // exactly (the rule is the runtime's, to the last rounding).
    std::vector<double> reference_logits;
    const std::vector<double> params(quantized.begin(), quantized.end());
    reference::NetworkLossAndGradients(params, input.data(), test.images.data(), kExactImages,
                                       nullptr, nullptr, &reference_logits,
                                       ActivationQuantFor(ranges));
    for (size_t i = 0; i < reference_logits.size(); ++i) {
      ASSERT_EQ(OutputByte(reference_logits[i]), double(got[i])) << "pixel " << i;
    }
    // The trainer's float32 pass: a value within float rounding of a level's edge may take the
    // next level, and a changed level moves the layers after it. Measured at the commit that
    // added this (oneDNN f32): int8 99.55% of the bytes as predicted, int4 99.996%; with the
    // weights alone fake-quantized, 75.7% and 74.3%; without the biases', int8 89.9%.
    size_t equal = 0;
    for (size_t i = 0; i < got.size(); ++i)
      equal += OutputByte(logits[i]) == double(got[i]) ? 1 : 0;
    EXPECT_GE(double(equal), 0.99 * double(got.size()))
        << equal << " of " << got.size() << " bytes as predicted";
  }
}

}  // namespace
}  // namespace dnz::train
