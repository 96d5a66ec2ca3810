#include "tiny_batch.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "data/noise.h"
#include "loop/activation_fake_quant.h"
#include "network/backend.h"
#include "network/seed_network.h"
#include "optimize/bce_loss.h"
#include "reference/reference_network.h"

namespace dnz::train {

TinyBatch MakeBatch(int batch) {
  TinyBatch b;
  b.clean.resize(static_cast<size_t>(batch) * kImagePixels);
  data::Xoshiro256 rng(99);
  // A blurry blob per image, like a digit: smooth targets in [0, 1].
  for (int n = 0; n < batch; ++n)
    for (int y = 0; y < kImageSide; ++y)
      for (int x = 0; x < kImageSide; ++x) {
        const double dy = y - 14 - 3 * n, dx = x - 12;
        b.clean[static_cast<size_t>(n) * kImagePixels + y * kImageSide + x] = static_cast<float>(
            std::exp(-(dy * dy + dx * dx) / 40.0) * (0.8 + 0.2 * rng.NextDouble()));
      }
  b.noisy.resize(b.clean.size());
  data::AddNoiseToImages(b.clean.data(), static_cast<size_t>(batch), kImagePixels, 0.7, 5, 0, 0,
                         b.noisy.data());
  return b;
}

std::vector<double> AliveParams(const TinyBatch& b, int batch) {
  for (uint64_t seed = 1;; ++seed) {
    const std::vector<float> p = GlorotUniformInit(seed);
    std::vector<double> params(p.begin(), p.end());
    double alive = 0.0;
    reference::NetworkLossAndGradients(params, b.noisy.data(), b.clean.data(), batch, nullptr,
                                       &alive);
    if (alive > 0.05) return params;
  }
}

ReferenceCase MakeReferenceCase(int batch) {
  ReferenceCase c;
  c.batch = batch;
  c.images = MakeBatch(batch);
  c.params = AliveParams(c.images, batch);
  c.loss = reference::NetworkLossAndGradients(
      c.params, c.images.noisy.data(), c.images.clean.data(), batch, &c.grads, nullptr, &c.logits);
  return c;
}

QuantizedReferenceCase MakeQuantizedReferenceCase(int batch) {
  QuantizedReferenceCase c;
  c.batch = batch;
  c.images = MakeBatch(batch);
  c.params = AliveParams(c.images, batch);
  std::vector<std::vector<float>> images;
  for (int n = 0; n < batch; ++n) {
    const float* image = c.images.noisy.data() + static_cast<size_t>(n) * kImagePixels;
    images.emplace_back(image, image + kImagePixels);
  }
  dnz::build::ActivationRanges ranges = CalibrateTrainingRanges(c.FloatParams(), images);
  for (float& hi : ranges.output_max) hi *= 0.7f;
  c.quant = ActivationQuantFor(ranges);
  c.loss =
      reference::NetworkLossAndGradients(c.params, c.images.noisy.data(), c.images.clean.data(),
                                         batch, &c.grads, nullptr, &c.logits, c.quant);
  return c;
}

void ExpectFakeQuantizedPassMatches(TrainBackend* backend, const QuantizedReferenceCase& ref) {
  std::string error;
  ASSERT_TRUE(backend->SetParameters(ref.FloatParams(), &error) &&
              backend->SetActivationQuant(ref.quant, &error))
      << error;
  double loss = 0.0;
  ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), ref.batch,
                                        &loss, &error))
      << error;
  std::vector<float> got;
  ASSERT_TRUE(backend->GetGradients(&got, &error)) << error;
  std::vector<float> logits(static_cast<size_t>(ref.batch) * kImagePixels);
  ASSERT_TRUE(backend->Forward(ref.images.noisy.data(), ref.batch, logits.data(), &error)) << error;
  // Measured at the commit that added this (f32, batch 2; the oneDNN CPU backend and the
  // emulated GPU): loss equal to 8 digits, each layer's worst gradient error at most 3e-7 of
  // its largest gradient, and every logit on the reference's grid level (worst 1.4e-9 off, a
  // level is 1.9e-4). A real GPU's cuDNN sums in another order: a value that lands within
  // rounding of a level's edge may take the next level, so up to 1% of logits may.
  EXPECT_NEAR(loss, ref.loss, 1e-6 * ref.loss);
  const ParamLayout& l = SeedParamLayout();
  for (int i = 0; i < kNumConvs; ++i) {
    double scale = 0.0;
    const size_t begin = l.weight_offset[i];
    const size_t end = l.bias_offset[i] + kSeedConvs[static_cast<size_t>(i)].out_channels;
    for (size_t k = begin; k < end; ++k) scale = std::max(scale, std::fabs(ref.grads[k]));
    ASSERT_GT(scale, 0.0) << "layer " << kSeedConvs[static_cast<size_t>(i)].layer;
    for (size_t k = begin; k < end; ++k) {
      ASSERT_NEAR(got[k], ref.grads[k], 1e-5 * scale)
          << "layer " << kSeedConvs[static_cast<size_t>(i)].layer << " param " << k;
    }
  }
  const double level = ref.quant.outputs[kNumConvs - 1].scale;
  size_t other_level = 0;
  for (size_t k = 0; k < logits.size(); ++k) {
    const double off = std::fabs(logits[k] - ref.logits[k]);
    if (off > 0.5 * level) {
      ++other_level;
      EXPECT_LT(off, 1.5 * level) << "logit " << k << " is more than one level off";
    } else {
      EXPECT_LT(off, 1e-3 * level) << "logit " << k;
    }
  }
  EXPECT_LE(other_level, logits.size() / 100);
}

void ExpectLayerGradientsAlign(const std::vector<float>& got, const std::vector<double>& want,
                               double min_cosine, double length_tolerance) {
  ASSERT_EQ(got.size(), want.size());
  const ParamLayout& l = SeedParamLayout();
  for (int i = 0; i < kNumConvs; ++i) {
    double dot = 0, norm_got = 0, norm_want = 0;
    for (size_t k = l.weight_offset[i];
         k < l.bias_offset[i] + kSeedConvs[static_cast<size_t>(i)].out_channels; ++k) {
      dot += got[k] * want[k];
      norm_got += static_cast<double>(got[k]) * got[k];
      norm_want += want[k] * want[k];
    }
    EXPECT_GT(dot / std::sqrt(norm_got * norm_want), min_cosine)
        << "layer " << kSeedConvs[static_cast<size_t>(i)].layer;
    EXPECT_NEAR(std::sqrt(norm_got / norm_want), 1.0, length_tolerance)
        << "layer " << kSeedConvs[static_cast<size_t>(i)].layer;
  }
}

std::unique_ptr<TrainBackend> MakeCpuBackend(int batch, const std::string& precision,
                                             std::string* error) {
  BackendOptions options;
  options.device = "cpu";
  options.train_batch = batch;
  options.precision = precision;
  return CreateBackend(options, error);
}

void ExpectBottleneckFractionTellsDeadFromAlive(TrainBackend* backend, int batch) {
  const TinyBatch b = MakeBatch(batch);
  const std::vector<double> alive = AliveParams(b, batch);
  const size_t bias = SeedParamLayout().bias_offset[kBottleneckConv];
  std::vector<float> logits(static_cast<size_t>(batch) * kImagePixels);
  for (const double bottleneck_bias : {0.0, -1e4, 1e4}) {  // 0.0: the alive draw's own
    SCOPED_TRACE("layer-13 bias " + std::to_string(bottleneck_bias));
    std::vector<float> params(alive.begin(), alive.end());
    if (bottleneck_bias != 0.0) params[bias] = static_cast<float>(bottleneck_bias);
    std::string error;
    ASSERT_TRUE(backend->SetParameters(params, &error) &&
                backend->Forward(b.noisy.data(), batch, logits.data(), &error))
        << error;
    const double fraction = backend->BottleneckPositiveFraction();
    if (bottleneck_bias < 0.0) {
      EXPECT_EQ(fraction, 0.0);
    } else if (bottleneck_bias > 0.0) {
      EXPECT_EQ(fraction, 1.0);
    } else {
      EXPECT_GT(fraction, 0.05);
      EXPECT_LT(fraction, 1.0);
    }
  }
}

}  // namespace dnz::train
