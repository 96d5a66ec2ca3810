#include "tiny_batch.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "data/noise.h"
#include "network/backend.h"
#include "network/seed_network.h"
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
