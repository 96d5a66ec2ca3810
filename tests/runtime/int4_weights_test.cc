// int4 weights (docs/quantization.md): what the model builder writes (packed nibbles, the
// lowest format version, the per-layer choice), and every int8 backend giving ref's bytes on
// int4 and mixed models, in every kernel variant this machine runs and in ref's and mcu's
// smallest streamed plans.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "dnz_internal/weights.h"
#include "dnz_model_generated.h"
#include "test_models.h"

namespace dnz::test {
namespace {

// Weight i of packed int4 bytes, decoded from the format's definition (not the runtime's).
int Nibble(const flatbuffers::Vector<int8_t>& packed, size_t i) {
  const int byte = int(uint8_t(packed.Get(flatbuffers::uoffset_t(i / 2))));
  const int nibble = i % 2 == 0 ? byte % 16 : byte / 16;
  return nibble >= 8 ? nibble - 16 : nibble;
}

// The example of docs/quantization.md, read by the runtime's reader.
TEST(Int4Weights, TheDocumentedExampleDecodes) {
  const int8_t bytes[] = {0x2F, int8_t(0x8A), 0x03};
  const int expected[] = {-1, 2, -6, -8, 3};
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Int4At(bytes, i), expected[i]) << i;
  EXPECT_EQ(Int4Weights({bytes, 1}).FourNibbles(), 0x38A2u);  // weights 1-4 from an odd start
}

TEST(Int4Weights, BuilderPacksRoundedValuesAndStampsVersion2) {
  const build::FloatNetwork net = RandomSeedNetwork(3);
  const auto bytes = RandomSeedModelBytes(3, true, "int4");
  const fb::Model* model = fb::GetModel(bytes.data());
  EXPECT_EQ(model->format_version(), 2u);
  EXPECT_EQ(model->provenance()->format_version(), 2u);
  int conv_index = 0;
  for (const fb::Op* op : *model->ops()) {
    const fb::Conv2D* conv = op->options_as_Conv2D();
    if (conv == nullptr) continue;
    const build::FloatConv& source = net.convs[size_t(conv_index++)];
    ASSERT_EQ(conv->weight_format(), fb::WeightFormat::Int4);
    const size_t count = source.weights.size(), per_channel = count / size_t(source.out_channels);
    ASSERT_EQ(conv->weights()->size(), (count + 1) / 2);
    for (size_t i = 0; i < count; ++i) {
      const float scale = conv->weight_scales()->Get(flatbuffers::uoffset_t(i / per_channel));
      const long expected = std::lround(source.weights[i] / scale);
      ASSERT_EQ(Nibble(*conv->weights(), i), std::max(-7L, std::min(7L, expected))) << i;
    }
    if (count % 2 == 1) {  // the padding nibble
      EXPECT_EQ(uint8_t(conv->weights()->Get(flatbuffers::uoffset_t(count / 2))) >> 4, 0);
    }
  }
}

TEST(Int4Weights, MixedKeepsOneChannelConvsInt8AndInt8FilesStayVersion1) {
  const auto mixed = RandomSeedModelBytes(3, false, "mixed");
  const fb::Model* model = fb::GetModel(mixed.data());
  EXPECT_EQ(model->format_version(), 2u);
  std::string formats;
  for (const fb::Op* op : *model->ops()) {
    if (const fb::Conv2D* conv = op->options_as_Conv2D()) {
      formats += conv->weight_format() == fb::WeightFormat::Int4 ? '4' : '8';
    }
  }
  EXPECT_EQ(formats, "84444488");  // 1->32 and the last two (32->1, 1->1) stay int8
  const auto int8 = RandomSeedModelBytes(3, false, "int8");
  EXPECT_EQ(fb::GetModel(int8.data())->format_version(), 1u);
  // About half the bytes: 333,323 weights at 4 bits instead of 8, the rest per channel.
  EXPECT_LT(double(mixed.size()), 0.52 * double(int8.size()));
  std::string error;
  EXPECT_TRUE(build::WeightFormatsFor(RandomSeedNetwork(3), "int3", &error).empty());
  EXPECT_NE(error.find("int3"), std::string::npos);
}

std::vector<uint8_t> Inputs(int count) {
  std::vector<uint8_t> inputs;
  for (const auto& image : SyntheticImages(41, count)) {
    const auto pixels = ToPixels(image);
    inputs.insert(inputs.end(), pixels.begin(), pixels.end());
  }
  return inputs;
}

std::vector<uint8_t> Denoise(const std::vector<uint8_t>& bytes, dnz_backend backend, Budget budget,
                             const std::vector<uint8_t>& inputs) {
  Runner runner(bytes, backend, 4, 0, budget);
  EXPECT_EQ(runner.status, DNZ_OK) << dnz_session_error(&runner.session);
  std::vector<uint8_t> outputs(inputs.size());
  EXPECT_EQ(
      dnz_run_u8(&runner.session, inputs.data(), outputs.data(), uint32_t(inputs.size() / 784)),
      DNZ_OK);
  return outputs;
}

class Int4Model : public ::testing::TestWithParam<const char*> {};

TEST_P(Int4Model, EveryInt8BackendGivesRefsBytes) {
  const auto bytes = RandomSeedModelBytes(5, false, GetParam());
  const auto inputs = Inputs(6);
  const auto expected = Denoise(bytes, DNZ_BACKEND_REF, Budget::kNone, inputs);
  EXPECT_EQ(Denoise(bytes, DNZ_BACKEND_REF, Budget::kSmallestPlan, inputs), expected);
  for (const dnz_backend backend : BuiltInBackendIds(Int8OtherThanRef)) {
    ForEachKernelVariant(backend, [&](const char* variant) {
      EXPECT_EQ(Denoise(bytes, backend, Budget::kNone, inputs), expected)
          << dnz_backend_name(backend) << ", kernels " << variant;
      if (InfoOf(backend).streams) {
        EXPECT_EQ(Denoise(bytes, backend, Budget::kSmallestPlan, inputs), expected)
            << dnz_backend_name(backend) << " smallest plan, kernels " << variant;
      }
    });
  }
}

// The int4 model is not the int8 one: a reader that ignored the format would fail above, but
// so would one that got int8 and int4 the same by accident; check they differ.
TEST_P(Int4Model, DiffersFromTheInt8ModelOfTheSameNetwork) {
  const auto inputs = Inputs(2);
  EXPECT_NE(
      Denoise(RandomSeedModelBytes(5, false, GetParam()), DNZ_BACKEND_REF, Budget::kNone, inputs),
      Denoise(RandomSeedModelBytes(5, false, "int8"), DNZ_BACKEND_REF, Budget::kNone, inputs));
}

INSTANTIATE_TEST_SUITE_P(Weights, Int4Model, ::testing::Values("int4", "mixed"));

}  // namespace
}  // namespace dnz::test
