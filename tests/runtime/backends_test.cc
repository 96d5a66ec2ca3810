// Every backend on the same model and inputs: onednn gives ref's bytes exactly;
// float follows ref within what quantization can explain.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "polyphase.h"
#include "test_models.h"

namespace dnz::test {
namespace {

class BackendsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    model_bytes_ = new std::vector<uint8_t>(RandomSeedModelBytes(7));
    images_ = new std::vector<std::vector<float>>(SyntheticImages(99, 24));
  }
  static void TearDownTestSuite() {
    delete model_bytes_;
    delete images_;
  }
  static std::vector<uint8_t> RunAll(dnz_backend backend, uint32_t max_batch) {
    Runner runner(*model_bytes_, backend, max_batch);
    EXPECT_EQ(runner.status, DNZ_OK) << dnz_session_error(&runner.session);
    std::vector<uint8_t> input, output(images_->size() * 784);
    for (const auto& image : *images_) {
      const auto pixels = ToPixels(image);
      input.insert(input.end(), pixels.begin(), pixels.end());
    }
    EXPECT_EQ(dnz_run_u8(&runner.session, input.data(), output.data(), uint32_t(images_->size())),
              DNZ_OK);
    return output;
  }
  static std::vector<uint8_t>* model_bytes_;
  static std::vector<std::vector<float>>* images_;
};
std::vector<uint8_t>* BackendsTest::model_bytes_ = nullptr;
std::vector<std::vector<float>>* BackendsTest::images_ = nullptr;

TEST_F(BackendsTest, RefBatchEqualsOneByOne) {
  // The ref session loops over images: a batch session must not change a byte.
  EXPECT_EQ(RunAll(DNZ_BACKEND_REF, 1), RunAll(DNZ_BACKEND_REF, 24));
}

TEST_F(BackendsTest, OnednnMatchesRefByteForByte) {
  if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) GTEST_SKIP() << "built without oneDNN";
  const auto ref = RunAll(DNZ_BACKEND_REF, 1);
  // max_batch 8 over 24 images: three full passes; max_batch 5: full passes plus singles;
  // max_batch 128: passes capped at 8 images.
  for (uint32_t max_batch : {1u, 8u, 5u, 128u}) {
    EXPECT_EQ(RunAll(DNZ_BACKEND_ONEDNN, max_batch), ref) << "max_batch " << max_batch;
  }
}

TEST_F(BackendsTest, SeedModelTakesTheFastOnednnPaths) {
  // The byte-identity test above covers the polyphase convs only if the builder made the
  // upsample convs' summed weights fit int8, and the pass cap only if it holds.
  dnz_model model;
  ASSERT_EQ(dnz_model_load(&model, model_bytes_->data(), model_bytes_->size()), DNZ_OK);
  int polyphase_convs = 0;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = model.ops[i];
    if (!PolyphaseShapeApplies(op, model.tensors[i], model.tensors[i + 1])) continue;
    const int32_t in_c = model.tensors[i].channels;
    int32_t worst = 0;
    for (int32_t oc = 0; oc < model.tensors[i + 1].channels; ++oc) {
      worst = std::max(worst, PolyphaseMaxAbsSum(op.weights + oc * 9 * in_c, in_c));
    }
    EXPECT_LE(worst, 127) << "op " << i;
    ++polyphase_convs;
  }
  EXPECT_EQ(polyphase_convs, 3);
  if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) return;
  Runner eight(*model_bytes_, DNZ_BACKEND_ONEDNN, 8), many(*model_bytes_, DNZ_BACKEND_ONEDNN, 128);
  ASSERT_EQ(eight.status, DNZ_OK);
  ASSERT_EQ(many.status, DNZ_OK);
  EXPECT_EQ(dnz_session_arena_bytes(&many.session), dnz_session_arena_bytes(&eight.session));
}

TEST_F(BackendsTest, FloatFollowsRefWithinQuantizationError) {
  const auto ref = RunAll(DNZ_BACKEND_REF, 1);
  const auto fp = RunAll(DNZ_BACKEND_FLOAT, 1);
  double sum_abs = 0;
  for (size_t i = 0; i < ref.size(); ++i) sum_abs += std::abs(int(ref[i]) - int(fp[i]));
  // A random (untrained) net: an average error under 3 levels of 255 says the
  // int8 path computes the same function as the float one.
  EXPECT_LT(sum_abs / double(ref.size()), 3.0);
}

TEST_F(BackendsTest, NonFiniteInputsAreClampedNotUndefined) {
  // NaN and infinities must not reach a float-to-integer conversion (UBSan checks this).
  for (dnz_backend backend : {DNZ_BACKEND_REF, DNZ_BACKEND_FLOAT}) {
    Runner runner(*model_bytes_, backend);
    ASSERT_EQ(runner.status, DNZ_OK);
    std::vector<float> input(784, NAN), output(784);
    input[1] = INFINITY;
    input[2] = -INFINITY;
    ASSERT_EQ(dnz_run_f32(&runner.session, input.data(), output.data(), 1), DNZ_OK);
    std::vector<uint8_t> pixels(784);
    ASSERT_EQ(dnz_run_u8(&runner.session, std::vector<uint8_t>(784, 7).data(), pixels.data(), 1),
              DNZ_OK);
  }
}

TEST_F(BackendsTest, AutoPicksABuiltInBackend) {
  Runner runner(*model_bytes_, DNZ_BACKEND_AUTO);
  ASSERT_EQ(runner.status, DNZ_OK);
  EXPECT_EQ(runner.session.backend,
            dnz_backend_available(DNZ_BACKEND_ONEDNN) ? DNZ_BACKEND_ONEDNN : DNZ_BACKEND_REF);
}

}  // namespace
}  // namespace dnz::test
