// The whole seed network: parameter count, reference gradients against finite differences,
// and the oneDNN backend's loss and gradients against the double reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "data/noise.h"
#include "network/backend.h"
#include "network/seed_network.h"
#include "optimize/bce_loss.h"
#include "reference/reference_network.h"
#include "tiny_batch.h"

namespace dnz::train {
namespace {

TEST(SeedNetwork, HasTheReferenceParameterCount) {
  EXPECT_EQ(SeedParamLayout().total, 333323u);
  const std::vector<float> p = GlorotUniformInit(3);
  ASSERT_EQ(p.size(), 333323u);
  // Biases start at zero, kernels inside the Glorot limit of their layer.
  const ParamLayout& l = SeedParamLayout();
  for (int i = 0; i < kNumConvs; ++i) {
    const SeedConv& c = kSeedConvs[static_cast<size_t>(i)];
    const double limit = std::sqrt(6.0 / (c.kernel * c.kernel * (c.in_channels + c.out_channels)));
    for (size_t k = 0; k < l.weight_count[i]; ++k) {
      ASSERT_LE(std::fabs(p[l.weight_offset[i] + k]), limit);
    }
    for (int k = 0; k < c.out_channels; ++k) ASSERT_EQ(p[l.bias_offset[i] + k], 0.0f);
  }
  EXPECT_NE(GlorotUniformInit(3), GlorotUniformInit(4));
}

TEST(SeedNetwork, ReferenceGradientsMatchFiniteDifferences) {
  const int batch = 1;
  const TinyBatch b = MakeBatch(batch);
  std::vector<double> params = AliveParams(b, batch);
  std::vector<double> grads;
  reference::NetworkLossAndGradients(params, b.noisy.data(), b.clean.data(), batch, &grads);
  const ParamLayout& l = SeedParamLayout();
  data::Xoshiro256 rng(1);
  const double h = 1e-5;
  for (int i = 0; i < kNumConvs; ++i) {
    std::vector<size_t> indices = {l.bias_offset[i]};
    for (int k = 0; k < 3; ++k)
      indices.push_back(l.weight_offset[i] + rng.NextBelow(l.weight_count[i]));
    for (size_t idx : indices) {
      const double saved = params[idx];
      params[idx] = saved + h;
      const double up = reference::NetworkLossAndGradients(params, b.noisy.data(), b.clean.data(),
                                                           batch, nullptr);
      params[idx] = saved - h;
      const double down = reference::NetworkLossAndGradients(params, b.noisy.data(), b.clean.data(),
                                                             batch, nullptr);
      params[idx] = saved;
      const double numeric = (up - down) / (2 * h);
      EXPECT_NEAR(grads[idx], numeric, 1e-6 + 1e-3 * std::fabs(numeric))
          << "layer " << kSeedConvs[static_cast<size_t>(i)].layer << " param " << idx;
    }
  }
}

#ifdef DNZ_TRAIN_WITH_ONEDNN  // the CPU backend (a GPU-only build has its own test)
TEST(SeedNetwork, OnednnBackendMatchesReference) {
  const int batch = 2;
  const ReferenceCase ref = MakeReferenceCase(batch);

  std::string error;
  auto backend = MakeCpuBackend(batch, "f32", &error);
  ASSERT_TRUE(backend) << error;
  ASSERT_TRUE(backend->SetParameters(ref.FloatParams(), &error)) << error;
  double loss = 0.0;
  ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), batch,
                                        &loss, &error))
      << error;
  EXPECT_NEAR(loss, ref.loss, 1e-5);
  std::vector<float> got;
  ASSERT_TRUE(backend->GetGradients(&got, &error)) << error;
  const ParamLayout& l = SeedParamLayout();
  for (int i = 0; i < kNumConvs; ++i) {
    const size_t begin = l.weight_offset[i],
                 end = l.bias_offset[i] + kSeedConvs[static_cast<size_t>(i)].out_channels;
    double scale = 0.0;
    for (size_t k = begin; k < end; ++k) scale = std::max(scale, std::fabs(ref.grads[k]));
    ASSERT_GT(scale, 0.0) << "layer " << kSeedConvs[static_cast<size_t>(i)].layer
                          << " has no gradient";
    for (size_t k = begin; k < end; ++k) {
      ASSERT_NEAR(got[k], ref.grads[k], 2e-3 * scale)
          << "layer " << kSeedConvs[static_cast<size_t>(i)].layer << " param " << k;
    }
  }
  // Parameters round-trip through the blocked layouts exactly.
  std::vector<float> back;
  ASSERT_TRUE(backend->GetParameters(&back, &error)) << error;
  EXPECT_EQ(back, ref.FloatParams());
  // The forward-only graph (validation, export) computes the training graph's function:
  // its logits give the reference loss.
  std::vector<float> logits(static_cast<size_t>(batch) * kImagePixels);
  ASSERT_TRUE(backend->Forward(ref.images.noisy.data(), batch, logits.data(), &error)) << error;
  const double forward_loss = SigmoidBceMean(logits.data(), ref.images.clean.data(),
                                             static_cast<size_t>(batch), kImagePixels, nullptr);
  EXPECT_NEAR(forward_loss, ref.loss, 1e-5);
  // And element by element: each logit within 1e-4 of the double reference's, relative, plus
  // 1e-7 for logits near zero. Measured at 4e9515a (batch 2, the alive init, logits up to
  // 0.044 in size): worst relative error 1.8e-5 (logits above 1e-3), worst absolute 4.8e-8.
  ASSERT_EQ(ref.logits.size(), logits.size());
  for (size_t k = 0; k < logits.size(); ++k) {
    ASSERT_NEAR(logits[k], ref.logits[k], 1e-4 * std::fabs(ref.logits[k]) + 1e-7)
        << "logit " << k << " (image " << k / kImagePixels << ")";
  }
  EXPECT_GT(backend->BottleneckPositiveFraction(), 0.05);
}

// Quantization-aware training: fake-quantized activations and their straight-through
// gradients against the double reference's.
TEST(SeedNetwork, OnednnFakeQuantizedActivationsMatchTheReference) {
  const int batch = 2;
  const QuantizedReferenceCase ref = MakeQuantizedReferenceCase(batch);
  std::string error;
  auto backend = MakeCpuBackend(batch, "f32", &error);
  ASSERT_TRUE(backend) << error;
  ExpectFakeQuantizedPassMatches(backend.get(), ref);
}

// bf16 kernels (8-bit mantissa activations and weights): the same gradients, loosely.
TEST(SeedNetwork, OnednnBf16BackendIsCloseToReference) {
  const int batch = 2;
  const ReferenceCase ref = MakeReferenceCase(batch);
  std::string error;
  auto backend = MakeCpuBackend(batch, "bf16", &error);
  if (!backend) GTEST_SKIP() << "no bf16 on this CPU: " << error;
  ASSERT_EQ(backend->Info().name, "onednn-bf16");
  ASSERT_TRUE(backend->SetParameters(ref.FloatParams(), &error)) << error;
  double loss = 0.0;
  ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), batch,
                                        &loss, &error))
      << error;
  EXPECT_NEAR(loss, ref.loss, 2e-3);
  std::vector<float> got;
  ASSERT_TRUE(backend->GetGradients(&got, &error)) << error;
  ExpectLayerGradientsAlign(got, ref.grads, 0.99, 0.05);  // a few degrees, a few percent
  // The f32 master weights are not rounded by the bf16 copy.
  std::vector<float> back;
  ASSERT_TRUE(backend->GetParameters(&back, &error)) << error;
  EXPECT_EQ(back, ref.FloatParams());
}
#endif  // DNZ_TRAIN_WITH_ONEDNN

TEST(SeedNetwork, OnednnBottleneckFractionTellsDeadFromAlive) {
  std::string error;
  auto backend = MakeCpuBackend(2, "f32", &error);
  if (!backend) GTEST_SKIP() << error;
  ExpectBottleneckFractionTellsDeadFromAlive(backend.get(), 2);
}

TEST(SeedNetwork, AdamFollowsKerasFormula) {
  // One parameter, two steps, checked by hand: Keras adds epsilon to sqrt(v), not v_hat.
  AdamConfig c;
  float w = 1.0f, m = 0.0f, v = 0.0f;
  const float g1 = 0.5f, g2 = -0.25f;
  AdamUpdate(c, 1, 1, &w, &g1, &m, &v);
  double lr1 = 0.001 * std::sqrt(1 - 0.999) / (1 - 0.9);
  double m1 = 0.1 * 0.5, v1 = 0.001 * 0.25;
  double want = 1.0 - lr1 * m1 / (std::sqrt(v1) + 1e-7);
  EXPECT_NEAR(w, want, 1e-7);
  AdamUpdate(c, 2, 1, &w, &g2, &m, &v);
  const double lr2 = 0.001 * std::sqrt(1 - 0.999 * 0.999) / (1 - 0.9 * 0.9);
  const double m2 = 0.9 * m1 + 0.1 * g2, v2 = 0.999 * v1 + 0.001 * g2 * g2;
  want -= lr2 * m2 / (std::sqrt(v2) + 1e-7);
  EXPECT_NEAR(w, want, 1e-7);
}

}  // namespace
}  // namespace dnz::train
