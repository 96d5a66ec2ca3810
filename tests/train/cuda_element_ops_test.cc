// The GPU trainer's element-wise steps (host_train/cuda/element_ops.h) run here in plain
// loops on the CPU, against the double reference layers: the kernels' indexing (ceil-mode
// pool, the polyphase map, interleaving, the loss) is checked on every machine, GPU or not.
// What only a GPU can check (the launches, cuDNN) is in cuda_backend_test.cc.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "cuda/element_ops.h"

#ifdef DNZ_TRAIN_WITH_CUDA
#include "cuda/half_types.h"
#endif
#include "cuda/polyphase_taps.h"
#include "data/noise.h"
#include "optimize/adam.h"
#include "optimize/bce_loss.h"
#include "reference/reference_layers.h"

namespace dnz::train::cuda {
namespace {

using reference::Tensor;

Tensor RandomTensor(int n, int c, int h, int w, uint64_t seed) {
  Tensor t(n, c, h, w);
  data::Xoshiro256 rng(seed);
  for (double& v : t.data) v = static_cast<float>(rng.NextDouble() * 2.0 - 1.0);
  return t;
}

std::vector<float> ToFloat(const std::vector<double>& v) { return {v.begin(), v.end()}; }

std::vector<double> RandomValues(size_t count, uint64_t seed) {
  data::Xoshiro256 rng(seed);
  std::vector<double> v(count);
  for (double& x : v) x = static_cast<float>(rng.NextDouble() * 2.0 - 1.0);
  return v;
}

void ExpectNear(const std::vector<float>& got, const std::vector<double>& want, double tolerance,
                const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], tolerance) << what << " at " << i;
  }
}

TEST(CudaElementOps, MaxPoolMatchesReferenceInCeilMode) {
  for (int side : {7, 28, 14}) {
    Tensor in = RandomTensor(2, 3, side, side, 11);
    // A tie for a window's maximum: the first must win, as in the reference.
    in.data[0] = in.data[1] = 5.0;
    Tensor want;
    std::vector<size_t> argmax;
    reference::MaxPoolForward(in, &want, &argmax);
    const std::vector<float> x = ToFloat(in.data);
    std::vector<float> got(want.data.size());
    std::vector<uint8_t> slots(want.data.size());
    for (int64_t o = 0; o < static_cast<int64_t>(got.size()); ++o)
      MaxPoolElement(x.data(), side, side, o, got.data(), slots.data());
    ExpectNear(got, want.data, 0.0, "pool forward");

    const Tensor diff_out = RandomTensor(2, 3, want.h, want.w, 12);
    Tensor want_in;
    reference::MaxPoolBackward(in, argmax, diff_out, &want_in);
    const std::vector<float> g = ToFloat(diff_out.data);
    std::vector<float> got_in(in.data.size());
    for (int64_t i = 0; i < static_cast<int64_t>(got_in.size()); ++i)
      got_in[i] = MaxPoolBackwardElement(g.data(), slots.data(), side, side, i);
    ExpectNear(got_in, want_in.data, 0.0, "pool backward");
  }
}

TEST(CudaElementOps, UpsampleMatchesReference) {
  const Tensor in = RandomTensor(2, 3, 4, 4, 21);
  Tensor want;
  reference::UpsampleForward(in, &want);
  const std::vector<float> x = ToFloat(in.data);
  std::vector<float> got(want.data.size());
  for (int64_t o = 0; o < static_cast<int64_t>(got.size()); ++o)
    got[o] = UpsampleElement(x.data(), 4, 4, o);
  ExpectNear(got, want.data, 0.0, "upsample forward");

  const Tensor diff_out = RandomTensor(2, 3, 8, 8, 22);
  Tensor want_in;
  reference::UpsampleBackward(diff_out, &want_in);
  const std::vector<float> g = ToFloat(diff_out.data);
  std::vector<float> got_in(in.data.size());
  for (int64_t i = 0; i < static_cast<int64_t>(got_in.size()); ++i)
    got_in[i] = UpsampleBackwardElement(g.data(), 4, 4, i);
  ExpectNear(got_in, want_in.data, 1e-6, "upsample backward");
}

// Upsample + 3x3 conv + bias + ReLU, forward and backward, the plain way in the reference
// layers and the GPU's way: kernels from the map, one 2x2 conv with 4C outputs and padding 1
// (also in the reference layers, standing in for cuDNN), interleave; gradients back through
// deinterleave, the 2x2 conv's backward and the fold.
TEST(CudaElementOps, PolyphaseUpsampleConvMatchesThePlainPath) {
  const int n = 2, in_c = 3, channels = 5, s = 4;
  const PolyphaseTaps taps = MakePolyphaseTaps();
  const Tensor small = RandomTensor(n, in_c, s, s, 31);
  const std::vector<double> weights = RandomValues(static_cast<size_t>(channels) * in_c * 9, 32);
  const std::vector<double> bias = RandomValues(channels, 33);

  Tensor up, want;
  reference::UpsampleForward(small, &up);
  reference::ConvForward(up, weights, bias, channels, 3, 1, &want);
  reference::ReluForward(&want);

  const std::vector<float> w = ToFloat(weights), b = ToFloat(bias);
  std::vector<float> kernels(static_cast<size_t>(16) * channels * in_c);
  for (int64_t k = 0; k < static_cast<int64_t>(kernels.size()); ++k)
    kernels[k] = PolyphaseKernelElement(w.data(), channels, in_c, taps, k);
  Tensor parity_out;
  const std::vector<double> kernels_d(kernels.begin(), kernels.end());
  reference::ConvForward(small, kernels_d, std::vector<double>(4 * channels, 0.0), 4 * channels, 2,
                         1, &parity_out);
  ASSERT_EQ(parity_out.h, s + 1);
  const std::vector<float> q = ToFloat(parity_out.data);
  std::vector<float> got(want.data.size());
  for (int64_t o = 0; o < static_cast<int64_t>(got.size()); ++o)
    got[o] = InterleaveParitiesElement(q.data(), b.data(), channels, s, true, o);
  ExpectNear(got, want.data, 1e-5, "polyphase forward");

  // Backward from a random gradient at the activation.
  Tensor diff = RandomTensor(n, channels, 2 * s, 2 * s, 34);
  reference::ReluBackward(want, &diff);
  Tensor want_up_diff, want_small_diff;
  std::vector<double> want_weight_diff, want_bias_diff;
  reference::ConvBackward(up, weights, diff, 3, 1, &want_up_diff, &want_weight_diff,
                          &want_bias_diff);
  reference::UpsampleBackward(want_up_diff, &want_small_diff);

  const std::vector<float> d = ToFloat(diff.data);
  Tensor parity_diff(n, 4 * channels, s + 1, s + 1);
  for (int64_t e = 0; e < static_cast<int64_t>(parity_diff.data.size()); ++e)
    parity_diff.data[e] = DeinterleaveParitiesElement(d.data(), channels, s, e);
  Tensor got_small_diff;
  std::vector<double> kernel_diff, unused_bias_diff;
  reference::ConvBackward(small, kernels_d, parity_diff, 2, 1, &got_small_diff, &kernel_diff,
                          &unused_bias_diff);
  const std::vector<float> kd = ToFloat(kernel_diff);
  std::vector<float> got_weight_diff(weights.size());
  for (int64_t g = 0; g < static_cast<int64_t>(got_weight_diff.size()); ++g)
    got_weight_diff[g] = FoldPolyphaseGradientElement(kd.data(), channels, in_c, taps, g);
  ExpectNear(got_weight_diff, want_weight_diff, 1e-4, "polyphase weight gradient");
  ExpectNear(ToFloat(got_small_diff.data), want_small_diff.data, 1e-5, "polyphase input gradient");
}

TEST(CudaElementOps, LossAndAdamMatchTheCpuTrainer) {
  const size_t count = 2 * 784;
  const std::vector<float> z = ToFloat(RandomValues(count, 41));
  std::vector<float> y = ToFloat(RandomValues(count, 42));
  for (float& v : y) v = std::fabs(v);
  std::vector<float> want_grad(count);
  const double want = SigmoidBceMean(z.data(), y.data(), 2, 784, want_grad.data());
  const float scale = static_cast<float>(1.0 / count);
  double sum = 0.0;
  std::vector<float> grad(count);
  for (size_t i = 0; i < count; ++i) sum += SigmoidBceElement(z[i], y[i], scale, &grad[i]);
  EXPECT_NEAR(sum / count, want, 1e-12);
  for (size_t i = 0; i < count; ++i) ASSERT_FLOAT_EQ(grad[i], want_grad[i]) << i;

  AdamConfig config;
  std::vector<float> p = ToFloat(RandomValues(count, 43)), m(count, 0.01f), v(count, 0.02f);
  std::vector<float> p2 = p, m2 = m, v2 = v;
  AdamUpdate(config, 3, count, p.data(), grad.data(), m.data(), v.data());
  const float lr_t = AdamStepSize(config, 3);
  for (size_t i = 0; i < count; ++i) {
    AdamElement(lr_t, config.beta1, config.beta2, config.epsilon, static_cast<int64_t>(i),
                p2.data(), grad.data(), m2.data(), v2.data());
    ASSERT_FLOAT_EQ(p2[i], p[i]) << i;
    ASSERT_FLOAT_EQ(m2[i], m[i]) << i;
    ASSERT_FLOAT_EQ(v2[i], v[i]) << i;
  }
}

// The conv weights' aligned copy (cuda_backend.cc): every element of every piece lands once,
// at its piece's offset, whatever the gaps and the pieces' sizes (one of 1, like layer 14's
// 9-value kernel next to large ones).
TEST(CudaElementOps, WeightSegmentsMoveEveryValueOnce) {
  WeightSegments segments;
  const int64_t from[] = {0, 320, 333313, 400};
  const int64_t to[] = {0, 320, 384, 448};
  const int64_t size[] = {288, 1, 9, 50};
  for (int k = 0; k < 4; ++k) {
    segments.from[k] = from[k];
    segments.to[k] = to[k];
    segments.size[k] = size[k];
    segments.total += size[k];
    ++segments.count;
  }
  std::vector<int64_t> source(segments.total), target(segments.total);
  for (int64_t e = 0; e < segments.total; ++e) SegmentElement(segments, e, &source[e], &target[e]);
  int64_t e = 0;
  for (int k = 0; k < 4; ++k) {
    for (int64_t j = 0; j < size[k]; ++j, ++e) {
      ASSERT_EQ(source[e], from[k] + j) << k << " " << j;
      ASSERT_EQ(target[e], to[k] + j) << k << " " << j;
    }
  }
}

#ifdef DNZ_TRAIN_WITH_CUDA
// The 16-bit storage types (half_types.h) through the same element steps: values that f16
// and bf16 hold exactly give the float results, and stores round to nearest.
template <typename T>
void ExpectSameAsFloat() {
  const int side = 7;
  Tensor in = RandomTensor(1, 2, side, side, 51);
  for (double& v : in.data) v = std::round(v * 64.0) / 64.0;  // 7 significant bits at most
  std::vector<float> x = ToFloat(in.data);
  std::vector<T> xt(x.size());
  for (size_t i = 0; i < x.size(); ++i) xt[i] = Store<T>(x[i]);
  const size_t pooled = 2 * 4 * 4;
  std::vector<float> want(pooled), got(pooled);
  std::vector<T> got_t(pooled);
  std::vector<uint8_t> want_slot(pooled), got_slot(pooled);
  for (int64_t o = 0; o < static_cast<int64_t>(pooled); ++o) {
    MaxPoolElement(x.data(), side, side, o, want.data(), want_slot.data());
    MaxPoolElement(xt.data(), side, side, o, got_t.data(), got_slot.data());
    got[o] = Load(got_t[o]);
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(got_slot, want_slot);
  EXPECT_EQ(Load(Store<T>(1.0f + 1.0f / 4096.0f)), 1.0f);  // below half an ulp of both: rounds
  EXPECT_EQ(Load(Store<T>(-0.75f)), -0.75f);
}

TEST(CudaElementOps, SixteenBitStorageGivesTheFloatResults) {
  ExpectSameAsFloat<__half>();
  ExpectSameAsFloat<__nv_bfloat16>();
}
#endif  // DNZ_TRAIN_WITH_CUDA

}  // namespace
}  // namespace dnz::train::cuda
