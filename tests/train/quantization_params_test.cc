// The model builder's quantization parameters against an independent computation: the
// activation ranges from a forward pass on the trainer's double-precision reference
// layers (not the builder's float forward), then every scale, zero point, int8 weight,
// bias, multiplier and shift from docs/quantization.md's rules, written out here again.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "dnz_model_generated.h"
#include "reference/reference_layers.h"
#include "test_models.h"

namespace dnz::test {
namespace {

using train::reference::Tensor;

// The builder's input (OHWI float) weights of conv `c` as the reference wants them (OIHW).
std::vector<double> Oihw(const build::FloatConv& c) {
  std::vector<double> w(c.weights.size());
  for (int o = 0; o < c.out_channels; ++o)
    for (int ky = 0; ky < c.kernel; ++ky)
      for (int kx = 0; kx < c.kernel; ++kx)
        for (int i = 0; i < c.in_channels; ++i) {
          w[((size_t(o) * c.in_channels + i) * c.kernel + ky) * c.kernel + kx] =
              c.weights[((size_t(o) * c.kernel + ky) * c.kernel + kx) * c.in_channels + i];
        }
  return w;
}

// Per tensor (1..8): the largest value over all images; and the sigmoid conv's logit range.
struct Ranges {
  std::vector<double> max;
  double logit_min = 0, logit_max = 0;
};

Ranges ReferenceRanges(const build::FloatNetwork& net,
                       const std::vector<std::vector<float>>& images) {
  Ranges r;
  r.max.assign(net.convs.size() + 1, 0.0);
  r.logit_min = 1e30;
  r.logit_max = -1e30;
  for (const auto& image : images) {
    Tensor t(1, 1, 28, 28);
    for (size_t i = 0; i < image.size(); ++i) t.data[i] = image[i];
    for (size_t k = 0; k < net.convs.size(); ++k) {
      const build::FloatConv& c = net.convs[k];
      if (c.fused_upsample_input) {
        Tensor up;
        train::reference::UpsampleForward(t, &up);
        t = up;
      }
      Tensor out;
      train::reference::ConvForward(t, Oihw(c), std::vector<double>(c.bias.begin(), c.bias.end()),
                                    c.out_channels, c.kernel, c.same_padding ? c.kernel / 2 : 0,
                                    &out);
      if (c.activation == build::Activation::kSigmoid) {
        for (double z : out.data) {
          r.logit_min = std::min(r.logit_min, z);
          r.logit_max = std::max(r.logit_max, z);
        }
        for (double& z : out.data) z = 1.0 / (1.0 + std::exp(-z));
      } else {
        train::reference::ReluForward(&out);
      }
      if (c.fused_maxpool_output) {
        Tensor pooled;
        std::vector<size_t> argmax;
        train::reference::MaxPoolForward(out, &pooled, &argmax);
        out = pooled;
      }
      r.max[k + 1] = std::max(r.max[k + 1], *std::max_element(out.data.begin(), out.data.end()));
      t = out;
    }
  }
  return r;
}

void ExpectRelativelyNear(double got, double want, double tolerance, const std::string& what) {
  EXPECT_NEAR(got, want, tolerance * std::fabs(want)) << what;
}

TEST(QuantizationParams, MatchAnIndependentComputation) {
  const build::FloatNetwork net = RandomSeedNetwork(5);
  const auto images = SyntheticImages(6, 16);
  build::Provenance provenance;
  std::string error;
  const std::vector<uint8_t> bytes = build::BuildModel(net, images, provenance, {}, &error);
  ASSERT_FALSE(bytes.empty()) << error;
  AlignedBuffer aligned = AlignedCopy(bytes);
  const fb::Model* model = fb::GetModel(aligned.data());
  const Ranges ranges = ReferenceRanges(net, images);

  // Tensors: [0, max] over the full int8 range (zero point -128); the input is pixels.
  ASSERT_EQ(model->tensors()->size(), net.convs.size() + 1);
  ExpectRelativelyNear(model->tensors()->Get(0)->scale(), 1.0 / 255.0, 1e-6, "input scale");
  for (size_t t = 0; t < model->tensors()->size(); ++t) {
    EXPECT_EQ(model->tensors()->Get(uint32_t(t))->zero_point(), -128) << "tensor " << t;
    if (t == 0 || t == net.convs.size()) continue;  // pixels; the sigmoid's [0, 1]
    ExpectRelativelyNear(model->tensors()->Get(uint32_t(t))->scale(), ranges.max[t] / 255.0, 1e-4,
                         "tensor " + std::to_string(t) + " scale");
  }
  ExpectRelativelyNear(model->tensors()->Get(uint32_t(net.convs.size()))->scale(), 1.0 / 255.0,
                       1e-6, "sigmoid output scale");

  for (size_t k = 0; k < net.convs.size(); ++k) {
    const build::FloatConv& c = net.convs[k];
    const fb::Conv2D* conv = model->ops()->Get(uint32_t(k))->options_as_Conv2D();
    ASSERT_NE(conv, nullptr);
    const std::string op = "op " + std::to_string(k);
    const double in_scale = model->tensors()->Get(uint32_t(k))->scale();
    double out_scale = model->tensors()->Get(uint32_t(k + 1))->scale();
    if (c.activation == build::Activation::kSigmoid) {
      // Pre-activation: asymmetric over [min(logits, 0), max(logits)].
      const double lo = std::min(ranges.logit_min, 0.0), hi = ranges.logit_max;
      ExpectRelativelyNear(conv->preact_scale(), (hi - lo) / 255.0, 1e-4, op + " preact scale");
      EXPECT_NEAR(conv->preact_zero_point(), -128.0 - lo / ((hi - lo) / 255.0), 1.01) << op;
      out_scale = conv->preact_scale();
    }
    const size_t per_channel = c.weights.size() / size_t(c.out_channels);
    for (int oc = 0; oc < c.out_channels; ++oc) {
      const std::string channel = op + " channel " + std::to_string(oc);
      double max_abs = 0;
      for (size_t i = 0; i < per_channel; ++i) {
        max_abs = std::max(max_abs, double(std::fabs(c.weights[size_t(oc) * per_channel + i])));
      }
      const double w_scale = conv->weight_scales()->Get(uint32_t(oc));
      if (c.fused_upsample_input) {
        // Widened so the polyphase sums fit int8: never narrower, at most 4x (two bits).
        EXPECT_GE(w_scale, max_abs / 127.0 * (1 - 1e-6)) << channel;
        EXPECT_LE(w_scale, max_abs / 127.0 * 4) << channel;
      } else {
        ExpectRelativelyNear(w_scale, max_abs / 127.0, 1e-6, channel + " weight scale");
      }
      for (size_t i = 0; i < per_channel; ++i) {
        const double w = c.weights[size_t(oc) * per_channel + i];
        const double q = std::max(-127.0, std::min(127.0, std::round(w / w_scale)));
        ASSERT_EQ(conv->weights()->Get(uint32_t(size_t(oc) * per_channel + i)), int8_t(q))
            << channel << " weight " << i;
      }
      const double acc_scale = in_scale * w_scale;
      EXPECT_NEAR(conv->bias()->Get(uint32_t(oc)), c.bias[size_t(oc)] / acc_scale, 0.5 + 1e-6)
          << channel << " bias";
      // multiplier * 2^-shift is the real ratio, with a 31-bit multiplier in [2^30, 2^31).
      const int32_t m = conv->requant_multiplier()->Get(uint32_t(oc));
      const int shift = conv->requant_shift()->Get(uint32_t(oc));
      EXPECT_GE(m, int32_t{1} << 30) << channel;
      ExpectRelativelyNear(std::ldexp(double(m), -shift), acc_scale / out_scale, 1e-9,
                           channel + " multiplier");
    }
  }
}

}  // namespace
}  // namespace dnz::test
