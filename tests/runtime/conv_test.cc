// Each conv configuration against a naive implementation written differently:
// materialize the upsampled input, convolve in exact integers, requantize in
// double, then pool. The runtime's int8 result may differ by at most one step
// (the multiplier is a 31-bit approximation of the real scale), and every backend
// must give the ref bytes exactly. The int4 cases store the same kind of conv with packed
// 4-bit weights (odd counts, groups that start mid-byte); the naive conv decodes them itself.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>

#include "dnz_internal/polyphase.h"
#include "test_models.h"

namespace dnz::test {
namespace {

struct ConvCase {
  const char* name;
  int kernel, in_c, out_c;
  bool same, upsample, pool;
  build::Activation activation;
  int height, width;
  bool plain_weights = false;  // upsample convs: weights not made polyphase-friendly
  bool int4 = false;           // packed 4-bit weights
};

// Test names and failure messages show the case's name, not its bytes.
void PrintTo(const ConvCase& c, std::ostream* os) { *os << c.name; }

std::vector<uint8_t> SingleConvModel(const ConvCase& c, uint64_t seed) {
  build::FloatNetwork net;
  net.input_height = c.height;
  net.input_width = c.width;
  net.input_channels = c.in_c;
  build::FloatConv conv =
      build::ZeroConv(c.kernel, c.in_c, c.out_c, c.same, c.activation, c.upsample, c.pool);
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (float& w : conv.weights) w = u(rng) * 0.3f;
  for (float& b : conv.bias) b = u(rng) * 0.2f;
  net.convs.push_back(conv);
  std::vector<std::vector<float>> images(8,
                                         std::vector<float>(size_t(c.height * c.width * c.in_c)));
  for (auto& image : images)
    for (float& p : image) p = 0.5f + 0.5f * u(rng);
  std::string error;
  build::BuildOptions options;
  options.polyphase_weights = !c.plain_weights;
  options.weight_formats = {c.int4 ? build::WeightFormat::kInt4 : build::WeightFormat::kInt8};
  auto bytes = build::BuildModel(net, images, {}, options, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  return bytes;
}

// Weight i of the op, decoded here from the format's definition (docs/quantization.md), not
// through the runtime's reader.
int NaiveWeight(const dnz_op& op, size_t i) {
  if (op.weight_format == DNZ_WEIGHTS_INT8) return op.weights[i];
  const int byte = int(uint8_t(op.weights[i / 2]));
  const int nibble = i % 2 == 0 ? byte % 16 : byte / 16;
  return nibble >= 8 ? nibble - 16 : nibble;
}

// The naive int8 conv: returns the expected output tensor (before clamping to the
// table for sigmoid, which is applied the same way).
std::vector<int> NaiveConv(const dnz_model& m, const std::vector<int8_t>& input) {
  const dnz_op& op = m.ops[0];
  const dnz_tensor_info& in = m.tensors[0];
  const dnz_tensor_info& out = m.tensors[1];
  const int up = op.fused_upsample_input ? 2 : 1;
  const int vh = in.height * up, vw = in.width * up, c = in.channels;
  std::vector<int> virt(size_t(vh * vw * c));  // materialized upsample, (q - zp)
  for (int y = 0; y < vh; ++y)
    for (int x = 0; x < vw; ++x)
      for (int ch = 0; ch < c; ++ch)
        virt[size_t((y * vw + x) * c + ch)] =
            input[size_t(((y / up) * in.width + x / up) * c + ch)] - in.zero_point;
  const int ch_out = out.channels, conv_h = op.conv_out_h, conv_w = op.conv_out_w;
  std::vector<int> conv(size_t(conv_h * conv_w * ch_out));
  for (int oy = 0; oy < conv_h; ++oy)
    for (int ox = 0; ox < conv_w; ++ox)
      for (int oc = 0; oc < ch_out; ++oc) {
        int64_t acc = op.bias[oc];
        for (int ky = 0; ky < op.kernel_h; ++ky)
          for (int kx = 0; kx < op.kernel_w; ++kx) {
            const int y = oy + ky - op.pad_top, x = ox + kx - op.pad_left;
            if (y < 0 || y >= vh || x < 0 || x >= vw) continue;
            for (int ic = 0; ic < c; ++ic)
              acc += int64_t(NaiveWeight(
                         op, size_t(((oc * op.kernel_h + ky) * op.kernel_w + kx) * c + ic))) *
                     virt[size_t((y * vw + x) * c + ic)];
          }
        const double real_scale =
            std::ldexp(double(op.requant_multiplier[oc]), -op.requant_shift[oc]);
        const bool sigmoid = op.activation == DNZ_ACT_SIGMOID;
        const int zp = sigmoid ? op.preact_zero_point : out.zero_point;
        long v = std::lround(std::floor(double(acc) * real_scale + 0.5)) + zp;
        const long lower = op.activation == DNZ_ACT_RELU ? zp : -128;
        v = std::max(lower, std::min(127L, v));
        if (sigmoid) v = op.activation_table[v + 128];
        conv[size_t((oy * conv_w + ox) * ch_out + oc)] = int(v);
      }
  if (!op.fused_maxpool_output) return conv;
  std::vector<int> pooled(size_t(out.height * out.width * ch_out), -1000);
  for (int oy = 0; oy < conv_h; ++oy)
    for (int ox = 0; ox < conv_w; ++ox)
      for (int oc = 0; oc < ch_out; ++oc) {
        int& p = pooled[size_t(((oy / 2) * out.width + ox / 2) * ch_out + oc)];
        p = std::max(p, conv[size_t((oy * conv_w + ox) * ch_out + oc)]);
      }
  return pooled;
}

class ConvTest : public ::testing::TestWithParam<ConvCase> {};

TEST_P(ConvTest, MatchesNaiveWithinOneStepAndBackendsAgree) {
  const ConvCase& c = GetParam();
  const auto bytes = SingleConvModel(c, 17);
  Runner ref(bytes, DNZ_BACKEND_REF);
  ASSERT_EQ(ref.status, DNZ_OK) << ref.model.error << dnz_session_error(&ref.session);
  EXPECT_EQ(ref.model.ops[0].weight_format, c.int4 ? DNZ_WEIGHTS_INT4 : DNZ_WEIGHTS_INT8);
  if (c.upsample && c.kernel == 3 &&
      !c.int4) {  // which onednn path the case takes: polyphase or plain
    const dnz_op& op = ref.model.ops[0];
    int32_t worst = 0;
    for (int oc = 0; oc < c.out_c; ++oc) {
      worst = std::max(worst, PolyphaseMaxAbsSum(op.weights + oc * 9 * c.in_c, c.in_c));
    }
    EXPECT_EQ(worst > 127, c.plain_weights) << c.name << ": largest polyphase sum " << worst;
  }
  const size_t in_count = size_t(c.height * c.width * c.in_c);
  std::mt19937 rng(23);
  std::vector<uint8_t> pixels(in_count);
  for (auto& p : pixels) p = uint8_t(rng());
  const dnz_tensor_info& out_info = ref.model.tensors[1];
  const size_t out_count = size_t(out_info.height * out_info.width * out_info.channels);
  std::vector<float> real_in(in_count), real_out(out_count);
  for (size_t i = 0; i < in_count; ++i) real_in[i] = float(pixels[i]) / 255.0f;
  ASSERT_EQ(dnz_run_f32(&ref.session, real_in.data(), real_out.data(), 1), DNZ_OK);

  std::vector<int8_t> q_in(in_count);  // input scale is 1/255, zero point -128
  for (size_t i = 0; i < in_count; ++i) q_in[i] = int8_t(int(pixels[i]) - 128);
  const auto expected = NaiveConv(ref.model, q_in);
  int off_by_one = 0;
  for (size_t i = 0; i < out_count; ++i) {
    const int got = int(std::lround(real_out[i] / out_info.scale)) + out_info.zero_point;
    ASSERT_LE(std::abs(got - expected[i]), 1) << c.name << " element " << i;
    off_by_one += got != expected[i];
  }
  EXPECT_LE(off_by_one, int(out_count / 50 + 1)) << c.name;

  std::vector<uint8_t> ref_out(out_count);
  ASSERT_EQ(dnz_run_u8(&ref.session, pixels.data(), ref_out.data(), 1), DNZ_OK);
  // Every other built-in int8 backend, in every variant of its kernels this machine runs.
  for (const dnz_backend backend : BuiltInBackendIds()) {
    if (backend == DNZ_BACKEND_REF || !InfoOf(backend).int8) continue;
    ForEachKernelVariant(backend, [&](const char* variant) {
      Runner other(bytes, backend);
      ASSERT_EQ(other.status, DNZ_OK) << dnz_session_error(&other.session);
      std::vector<uint8_t> got(out_count);
      ASSERT_EQ(dnz_run_u8(&other.session, pixels.data(), got.data(), 1), DNZ_OK);
      EXPECT_EQ(got, ref_out) << c.name << " on " << dnz_backend_name(backend) << ", kernels "
                              << variant;
    });
  }
}

using A = build::Activation;
INSTANTIATE_TEST_SUITE_P(
    Configurations, ConvTest,
    ::testing::Values(
        ConvCase{"relu_same", 3, 3, 5, true, false, false, A::kRelu, 9, 7},
        ConvCase{"relu_pool_odd", 3, 4, 6, true, false, true, A::kRelu, 7, 7},
        ConvCase{"relu_pool_even", 3, 2, 8, true, false, true, A::kRelu, 8, 6},
        ConvCase{"upsample_relu", 3, 5, 4, true, true, false, A::kRelu, 4, 5},
        ConvCase{"upsample_pool", 3, 3, 3, true, true, true, A::kRelu, 5, 3},
        ConvCase{"valid_5x5", 5, 6, 1, false, false, false, A::kRelu, 12, 10},
        ConvCase{"sigmoid_1x1ch", 3, 1, 1, true, false, false, A::kSigmoid, 9, 9},
        ConvCase{"no_activation", 3, 2, 3, true, false, false, A::kNone, 6, 6},
        ConvCase{"wide_channels", 3, 64, 32, true, false, true, A::kRelu, 6, 6},
        ConvCase{"one_by_one", 1, 16, 16, true, false, false, A::kRelu, 5, 5},
        // One output channel: the onednn backend's own kernel, deep
        // (contiguous spans, with tails and clipped borders) and shallow.
        ConvCase{"single_out_deep_same", 5, 32, 1, true, false, false, A::kRelu, 9, 11},
        ConvCase{"single_out_deep_tail", 5, 80, 1, false, false, false, A::kNone, 8, 12},
        ConvCase{"single_out_deep_upsample", 3, 16, 1, true, true, true, A::kRelu, 5, 4},
        ConvCase{"single_out_shallow", 3, 3, 1, true, false, false, A::kSigmoid, 7, 8},
        // Upsample convs on the onednn backend: polyphase (4 taps, the
        // parity blocks) when the weights allow it, else the plain way.
        ConvCase{"upsample_polyphase_wide", 3, 40, 48, true, true, false, A::kRelu, 6, 5},
        ConvCase{"upsample_polyphase_pool", 3, 16, 20, true, true, true, A::kRelu, 5, 7},
        ConvCase{"upsample_plain_weights", 3, 24, 16, true, true, false, A::kRelu, 4, 6, true},
        // int4: odd weight counts (a padding nibble), in_c not a multiple of 4 (groups that
        // start mid-byte), the block, polyphase, patch and single-output kernels.
        ConvCase{"int4_relu_same", 3, 3, 5, true, false, false, A::kRelu, 9, 7, false, true},
        ConvCase{"int4_upsample_relu", 3, 5, 4, true, true, false, A::kRelu, 4, 5, false, true},
        ConvCase{"int4_upsample_pool", 3, 3, 3, true, true, true, A::kRelu, 5, 3, false, true},
        ConvCase{"int4_valid_5x5", 5, 6, 1, false, false, false, A::kRelu, 12, 10, false, true},
        ConvCase{"int4_sigmoid_1x1ch", 3, 1, 1, true, false, false, A::kSigmoid, 9, 9, false, true},
        ConvCase{"int4_wide_channels", 3, 64, 32, true, false, true, A::kRelu, 6, 6, false, true},
        ConvCase{"int4_odd_wide", 3, 37, 9, true, false, false, A::kNone, 5, 6, false, true},
        ConvCase{"int4_single_out_deep_tail", 5, 80, 1, false, false, false, A::kNone, 8, 12, false,
                 true},
        ConvCase{"int4_polyphase_wide", 3, 40, 48, true, true, false, A::kRelu, 6, 5, false, true},
        ConvCase{"int4_polyphase_odd", 3, 13, 6, true, true, false, A::kRelu, 4, 4, false, true}),
    [](const ::testing::TestParamInfo<ConvCase>& param) { return param.param.name; });

}  // namespace
}  // namespace dnz::test
