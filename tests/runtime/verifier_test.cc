// Load = verify: a round trip through the schema, specific errors for each kind
// of semantic damage, and thousands of truncated and bit-flipped files that must
// be refused or run without a fault (this test also runs under ASan + UBSan).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "dnz_model_generated.h"
#include "test_models.h"

namespace dnz::test {
namespace {

// A small model (fast to load and run): 10x9x2 input, conv+pool, upsample+conv,
// 5x5 valid conv, sigmoid conv. weights: "int8", "int4" or "mixed" (model_builder.h).
std::vector<uint8_t> SmallModelBytes(const char* weights = "int8") {
  build::FloatNetwork net;
  net.input_height = 10;
  net.input_width = 9;
  net.input_channels = 1;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  auto conv = [&](int k, int in, int out, bool same, build::Activation act, bool up, bool pool) {
    build::FloatConv c = build::ZeroConv(k, in, out, same, act, up, pool);
    for (float& w : c.weights) w = u(rng);
    c.bias.assign(size_t(out), 0.1f);
    net.convs.push_back(c);
  };
  conv(3, 1, 4, true, build::Activation::kRelu, false, true);    // 10x9 -> 5x5
  conv(3, 4, 3, true, build::Activation::kRelu, true, false);    // -> 10x10
  conv(5, 3, 2, false, build::Activation::kRelu, false, false);  // -> 6x6
  conv(3, 2, 1, true, build::Activation::kSigmoid, false, false);
  std::vector<std::vector<float>> images(4, std::vector<float>(90));
  for (auto& image : images)
    for (float& p : image) p = u(rng) + 0.5f;
  build::Provenance provenance;
  provenance.trainer_backend = "unit-test";
  provenance.epochs = 3;
  std::string error;
  build::BuildOptions options;
  options.weight_formats = build::WeightFormatsFor(net, weights, &error);
  auto bytes = build::BuildModel(net, images, provenance, options, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  return bytes;
}

dnz_status Load(const std::vector<uint8_t>& bytes, dnz_model* model) {
  AlignedBuffer aligned = AlignedCopy(bytes);
  return dnz_model_load(model, aligned.data(), aligned.size());
}

TEST(Verifier, RoundTripKeepsShapesWeightsAndProvenance) {
  const build::FloatNetwork net = RandomSeedNetwork(5);
  const auto bytes = RandomSeedModelBytes(5);
  AlignedBuffer aligned = AlignedCopy(bytes);
  dnz_model model;
  ASSERT_EQ(dnz_model_load(&model, aligned.data(), aligned.size()), DNZ_OK) << model.error;
  ASSERT_EQ(model.num_ops, 8u);
  const int expected[9][3] = {{28, 28, 1},  {14, 14, 32}, {7, 7, 64},  {4, 4, 128}, {8, 8, 128},
                              {16, 16, 64}, {32, 32, 32}, {28, 28, 1}, {28, 28, 1}};
  for (int t = 0; t < 9; ++t) {
    EXPECT_EQ(model.tensors[t].height, expected[t][0]) << t;
    EXPECT_EQ(model.tensors[t].width, expected[t][1]) << t;
    EXPECT_EQ(model.tensors[t].channels, expected[t][2]) << t;
  }
  // Weights: symmetric per output channel, q = round(w / (max|w| / 127)).
  const build::FloatConv& conv = net.convs[1];
  const size_t per_channel = conv.weights.size() / size_t(conv.out_channels);
  const auto* root = fb::GetModel(aligned.data());
  const auto* fb_conv = root->ops()->Get(1)->options_as_Conv2D();
  for (int oc = 0; oc < conv.out_channels; ++oc) {
    const float scale = fb_conv->weight_scales()->Get(flatbuffers::uoffset_t(oc));
    for (size_t i = 0; i < per_channel; ++i) {
      const float w = conv.weights[size_t(oc) * per_channel + i];
      ASSERT_EQ(model.ops[1].weights[size_t(oc) * per_channel + i], int8_t(std::lround(w / scale)));
      ASSERT_EQ(model.ops[1].float_weights[size_t(oc) * per_channel + i], w);
    }
  }
  EXPECT_EQ(reinterpret_cast<uintptr_t>(model.ops[1].weights) % 64, 0u);  // force_align
  ASSERT_NE(root->provenance(), nullptr);
  EXPECT_EQ(root->provenance()->trainer_backend()->str(), "test");
  EXPECT_EQ(root->provenance()->format_version(), 1u);  // int8 only: the lowest version
}

TEST(Verifier, RejectsWrongIdentifierShortAndUnalignedBuffers) {
  auto bytes = SmallModelBytes();
  dnz_model model;
  EXPECT_EQ(Load(std::vector<uint8_t>(bytes.begin(), bytes.begin() + 7), &model),
            DNZ_ERR_FLATBUFFER);
  auto renamed = bytes;
  renamed[4] = 'X';
  EXPECT_EQ(Load(renamed, &model), DNZ_ERR_IDENTIFIER);
  EXPECT_NE(std::string(model.error).find("DNZM"), std::string::npos);
  AlignedBuffer aligned(bytes.size() + 1);
  std::memcpy(aligned.data() + 1, bytes.data(), bytes.size());
  EXPECT_EQ(dnz_model_load(&model, aligned.data() + 1, bytes.size()), DNZ_ERR_FLATBUFFER);
  EXPECT_EQ(dnz_model_load(&model, nullptr, 100), DNZ_ERR_NULL_ARGUMENT);
  EXPECT_EQ(dnz_model_load(nullptr, bytes.data(), bytes.size()), DNZ_ERR_NULL_ARGUMENT);
}

// Applies `mutate` to a fresh copy of the small model and checks the status.
template <typename Mutate>
void ExpectRejected(Mutate mutate, dnz_status expected, const char* what,
                    const char* weights = "int8") {
  AlignedBuffer aligned = AlignedCopy(SmallModelBytes(weights));
  auto* root = fb::GetMutableModel(aligned.data());
  mutate(root);
  dnz_model model;
  EXPECT_EQ(dnz_model_load(&model, aligned.data(), aligned.size()), expected) << what;
  EXPECT_GT(std::strlen(model.error), 0u) << what;
}

fb::Conv2D* ConvOf(fb::Model* root, int op) {
  return static_cast<fb::Conv2D*>(
      root->mutable_ops()->GetMutableObject(flatbuffers::uoffset_t(op))->mutable_options());
}
fb::Tensor* TensorOf(fb::Model* root, int t) {
  return root->mutable_tensors()->GetMutableObject(flatbuffers::uoffset_t(t));
}

TEST(Verifier, SemanticDamageGetsItsOwnStatus) {
  ExpectRejected([](fb::Model* r) { r->mutate_format_version(3); }, DNZ_ERR_VERSION, "version");
  ExpectRejected([](fb::Model* r) { r->mutate_format_version(0); }, DNZ_ERR_VERSION, "version 0");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 1)->mutate_height(6); }, DNZ_ERR_SHAPE, "height");
  // A channel count that disagrees with the weights it comes from.
  ExpectRejected([](fb::Model* r) { TensorOf(r, 2)->mutate_channels(4); }, DNZ_ERR_VECTOR_LENGTH,
                 "channels");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 1)->mutate_height(-1); }, DNZ_ERR_BOUNDS, "h<0");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 0)->mutate_width(100000); }, DNZ_ERR_BOUNDS,
                 "huge width");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 1)->mutate_scale(NAN); }, DNZ_ERR_QUANTIZATION,
                 "NaN scale");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 1)->mutate_scale(-1.0f); }, DNZ_ERR_QUANTIZATION,
                 "negative scale");
  ExpectRejected([](fb::Model* r) { TensorOf(r, 1)->mutate_zero_point(300); }, DNZ_ERR_QUANTIZATION,
                 "zero point");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 0)->mutable_requant_shift()->Mutate(0, 0); },
                 DNZ_ERR_QUANTIZATION, "shift 0");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 0)->mutable_requant_shift()->Mutate(1, 63); },
                 DNZ_ERR_QUANTIZATION, "shift 63");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 1)->mutable_requant_multiplier()->Mutate(0, 5); },
                 DNZ_ERR_QUANTIZATION, "multiplier");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 2)->mutable_bias()->Mutate(0, INT32_MAX); },
                 DNZ_ERR_BOUNDS, "bias overflow");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 0)->mutate_kernel_h(5); }, DNZ_ERR_SHAPE,
                 "kernel vs shape");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 2)->mutate_kernel_w(99); }, DNZ_ERR_BOUNDS,
                 "kernel too big");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 0)->mutate_pad_top(7); }, DNZ_ERR_BOUNDS, "pad");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 0)->mutate_stride(2); }, DNZ_ERR_GRAPH, "stride");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 1)->mutate_activation(fb::Activation(9)); },
                 DNZ_ERR_GRAPH, "activation");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 3)->mutate_preact_scale(0.0f); },
                 DNZ_ERR_QUANTIZATION, "preact scale");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 1)->mutate_fused_maxpool_output(true); },
                 DNZ_ERR_SHAPE, "fused pool flag");
}

// One 3x3 conv of 1 -> 3 channels with int4 weights: 27 weights, an odd count, so the last
// byte holds a padding nibble.
std::vector<uint8_t> OddCountInt4Model() {
  build::FloatNetwork net;
  net.input_height = net.input_width = 6;
  build::FloatConv conv = build::ZeroConv(3, 1, 3, true, build::Activation::kRelu, false, false);
  for (size_t i = 0; i < conv.weights.size(); ++i) conv.weights[i] = float(int(i % 7) - 3) * 0.1f;
  net.convs.push_back(conv);
  build::BuildOptions options;
  options.weight_formats = {build::WeightFormat::kInt4};
  std::string error;
  auto bytes = build::BuildModel(net, {std::vector<float>(36, 0.5f)}, {}, options, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  return bytes;
}

// Loads `bytes` after `mutate`; returns the status (and the error line through `error`).
template <typename Mutate>
dnz_status LoadMutated(std::vector<uint8_t> bytes, Mutate mutate, std::string* error) {
  AlignedBuffer aligned = AlignedCopy(bytes);
  mutate(fb::GetMutableModel(aligned.data()));
  dnz_model model;
  const dnz_status status = dnz_model_load(&model, aligned.data(), aligned.size());
  *error = model.error;
  return status;
}

// int4 weights (format version 2): the version, the format value, the packed length, the
// padding nibble and the accumulator bound with int4's range (|w| <= 8, not 128).
TEST(Verifier, Int4DamageGetsItsOwnStatus) {
  ExpectRejected([](fb::Model* r) { r->mutate_format_version(1); }, DNZ_ERR_VERSION,
                 "int4 in a version-1 file", "int4");
  ExpectRejected([](fb::Model* r) { ConvOf(r, 1)->mutate_weight_format(fb::WeightFormat(7)); },
                 DNZ_ERR_QUANTIZATION, "unknown weight format", "int4");
  // int8 weights marked int4: twice the bytes the format wants.
  ExpectRejected(
      [](fb::Model* r) {
        r->mutate_format_version(2);
        ConvOf(r, 1)->mutate_weight_format(fb::WeightFormat::Int4);
      },
      DNZ_ERR_VECTOR_LENGTH, "int8 length, int4 format");

  std::string error;
  const auto odd = OddCountInt4Model();
  const auto last_byte = [](int8_t value) {
    return [value](fb::Model* r) {
      auto* weights = ConvOf(r, 0)->mutable_weights();
      ASSERT_EQ(weights->size(), 14u);  // 27 weights
      weights->Mutate(weights->size() - 1, value);
    };
  };
  EXPECT_EQ(LoadMutated(odd, last_byte(int8_t(0x07)), &error), DNZ_OK) << error;
  EXPECT_EQ(LoadMutated(odd, last_byte(int8_t(0x17)), &error), DNZ_ERR_QUANTIZATION);
  EXPECT_NE(error.find("padding nibble"), std::string::npos) << error;

  const int64_t taps = 5 * 5 * 3;  // conv 2 of the small model
  const auto bias = [](int64_t value) {
    return [value](fb::Model* r) { ConvOf(r, 2)->mutable_bias()->Mutate(0, int32_t(value)); };
  };
  EXPECT_EQ(LoadMutated(SmallModelBytes("int4"), bias(INT32_MAX - taps * 8 * 255), &error), DNZ_OK)
      << error;
  EXPECT_EQ(LoadMutated(SmallModelBytes("int4"), bias(INT32_MAX - taps * 8 * 255 + 1), &error),
            DNZ_ERR_BOUNDS);
  // The same bias in an int8 conv overflows: the bound follows the format.
  EXPECT_EQ(LoadMutated(SmallModelBytes("int8"), bias(INT32_MAX - taps * 8 * 255), &error),
            DNZ_ERR_BOUNDS);
}

// Loads `bytes`; when the loader accepts them, every backend must run them cleanly.
void LoadAndMaybeRun(const std::vector<uint8_t>& bytes) {
  AlignedBuffer aligned = AlignedCopy(bytes);
  dnz_model model;
  if (dnz_model_load(&model, aligned.data(), aligned.size()) != DNZ_OK) {
    ASSERT_GT(std::strlen(model.error), 0u);
    return;
  }
  for (const dnz_backend backend : BuiltInBackendIds()) {
    dnz_session session;
    dnz_session_options options{backend, 1, 0, 0};
    if (dnz_session_init(&session, &model, &options) != DNZ_OK) continue;
    AlignedBuffer arena(dnz_session_arena_bytes(&session));
    ASSERT_EQ(dnz_session_set_arena(&session, arena.data(), arena.size()), DNZ_OK);
    const dnz_tensor_info& in = model.tensors[0];
    std::vector<uint8_t> input(size_t(in.height * in.width * in.channels), 100);
    const dnz_tensor_info& out = model.tensors[model.num_ops];
    std::vector<uint8_t> output(size_t(out.height * out.width * out.channels));
    EXPECT_EQ(dnz_run_u8(&session, input.data(), output.data(), 1), DNZ_OK);
    dnz_session_destroy(&session);
  }
}

TEST(Verifier, EveryTruncationIsRefused) {
  const auto bytes = SmallModelBytes();
  for (size_t length = 0; length < bytes.size(); ++length) {
    AlignedBuffer aligned =
        AlignedCopy(std::vector<uint8_t>(bytes.begin(), bytes.begin() + long(length)));
    dnz_model model;
    ASSERT_NE(dnz_model_load(&model, aligned.data(), length), DNZ_OK) << "length " << length;
  }
}

class BitFlips : public ::testing::TestWithParam<const char*> {};

TEST_P(BitFlips, ThousandsOfBitFlipsNeverFault) {
  const auto bytes = SmallModelBytes(GetParam());
  std::mt19937 rng(2026);
  int refused = 0;
  const int trials = 6000;
  for (int trial = 0; trial < trials; ++trial) {
    auto mutated = bytes;
    const int flips = 1 + int(rng() % 4);
    for (int f = 0; f < flips; ++f) mutated[rng() % mutated.size()] ^= uint8_t(1u << (rng() % 8));
    AlignedBuffer aligned = AlignedCopy(mutated);
    dnz_model model;
    if (dnz_model_load(&model, aligned.data(), aligned.size()) != DNZ_OK) ++refused;
    LoadAndMaybeRun(mutated);
  }
  // Flips in weight data are legal models; flips in offsets and shapes are not.
  EXPECT_GT(refused, trials / 20);
  EXPECT_LT(refused, trials);
}

INSTANTIATE_TEST_SUITE_P(Weights, BitFlips, ::testing::Values("int8", "int4", "mixed"));

TEST(Verifier, OversizedAndGarbageBuffersAreRefused) {
  auto bytes = SmallModelBytes();
  std::mt19937 rng(9);
  for (int trial = 0; trial < 2000; ++trial) {
    std::vector<uint8_t> garbage(size_t(8 + rng() % 4096));
    for (auto& b : garbage) b = uint8_t(rng());
    if (trial % 2 == 0) std::memcpy(garbage.data() + 4, "DNZM", 4);  // pass the identifier check
    AlignedBuffer aligned = AlignedCopy(garbage);
    dnz_model model;
    ASSERT_NE(dnz_model_load(&model, aligned.data(), aligned.size()), DNZ_OK) << "trial " << trial;
    EXPECT_GT(std::strlen(model.error), 0u) << "trial " << trial;
  }
  // Trailing bytes after a valid model are tolerated (the verifier reads offsets) and
  // the model runs on every backend, but a model claiming more bytes than it has is not.
  auto padded = bytes;
  padded.resize(bytes.size() + 1000, 0xAB);
  AlignedBuffer padded_aligned = AlignedCopy(padded);
  dnz_model padded_model;
  EXPECT_EQ(dnz_model_load(&padded_model, padded_aligned.data(), padded_aligned.size()), DNZ_OK)
      << padded_model.error;
  LoadAndMaybeRun(padded);
  dnz_model model;
  AlignedBuffer aligned = AlignedCopy(bytes);
  EXPECT_NE(dnz_model_load(&model, aligned.data(), bytes.size() / 2), DNZ_OK);
}

}  // namespace
}  // namespace dnz::test
