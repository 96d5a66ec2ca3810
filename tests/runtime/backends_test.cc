// Every built-in backend on the same model and inputs, one parameterized suite over the
// backend table (dnz_backend_info_at): an int8 backend gives ref's bytes exactly, in every
// kernel variant this machine runs; a float one follows ref within what quantization can
// explain. A new backend's row adds it to every test here without editing them.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dnz_internal/polyphase.h"
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
  static std::vector<uint8_t> RunAll(dnz_backend backend, uint32_t max_batch, int32_t threads = 0) {
    Runner runner(*model_bytes_, backend, max_batch, threads);
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

class EveryBackend : public BackendsTest, public ::testing::WithParamInterface<dnz_backend> {};
class Int8Backend : public EveryBackend {};
class FloatBackend : public EveryBackend {};

// Each output depends only on its own input: a batch through one session (whose arena
// is reused image after image and pass after pass) equals every image run alone in a
// fresh session whose arena was filled with garbage first. A kernel that reads a byte
// it did not write, or state left by the previous image, fails this.
TEST_P(EveryBackend, EachOutputDependsOnlyOnItsOwnInput) {
  const dnz_backend backend = GetParam();
  const std::vector<uint8_t> batch = RunAll(backend, 8);
  for (size_t i = 0; i < images_->size(); ++i) {
    Runner alone(*model_bytes_, backend, 1);
    ASSERT_EQ(alone.status, DNZ_OK);
    std::memset(alone.arena.data(), 0xA5, alone.arena.size());
    const std::vector<uint8_t> pixels = ToPixels((*images_)[i]);
    std::vector<uint8_t> output(784);
    ASSERT_EQ(dnz_run_u8(&alone.session, pixels.data(), output.data(), 1), DNZ_OK);
    ASSERT_TRUE(std::equal(output.begin(), output.end(), batch.begin() + long(i) * 784))
        << "image " << i;
  }
}

// max_batch 8 over 24 images: three full passes; max_batch 5: full passes plus singles;
// max_batch 128: passes capped at 8 images (for a backend that batches). Every variant of
// the backend's own kernels this machine can run (test_models.h). oneDNN's own ISA is
// lowered by CI's second run of this test with ONEDNN_MAX_CPU_ISA=AVX2.
TEST_P(Int8Backend, GivesRefsBytes) {
  const dnz_backend backend = GetParam();
  const auto ref = RunAll(DNZ_BACKEND_REF, 1);
  ForEachKernelVariant(backend, [&](const char* variant) {
    for (uint32_t max_batch : {1u, 8u, 5u, 128u}) {
      EXPECT_EQ(RunAll(backend, max_batch), ref)
          << "max_batch " << max_batch << ", kernels " << variant;
    }
  });
}

// The thread count changes how a threaded backend (onednn, its x86 kernels) splits the
// work (rows, images, channel blocks; 3 threads split 8 images and 28 rows unevenly),
// never the bytes: auto (1 thread for passes of up to 3 images, the usable cores from 4),
// 1, 2, 3 and 4 threads, over full passes of 8, passes of 5 or 3 plus singles, and singles
// alone. A backend that runs on the calling thread only checks the value.
TEST_P(EveryBackend, BytesDoNotDependOnThreads) {
  const dnz_backend backend = GetParam();
  const auto alone = RunAll(backend, 1, 1);
  const std::vector<int32_t> all_counts = {0, 1, 2, 3, 4}, checked_only = {0, 4};
  const std::vector<uint32_t> all_batches = {1u, 3u, 5u, 8u}, one_batch = {3u};
  const bool threaded = InfoOf(backend).threaded != 0;
  for (int32_t threads : threaded ? all_counts : checked_only) {
    for (uint32_t max_batch : threaded ? all_batches : one_batch) {
      EXPECT_EQ(RunAll(backend, max_batch, threads), alone)
          << "threads " << threads << ", max_batch " << max_batch;
    }
  }
}

TEST_P(FloatBackend, FollowsRefWithinQuantizationError) {
  const dnz_backend backend = GetParam();
  const auto ref = RunAll(DNZ_BACKEND_REF, 1);
  const auto fp = RunAll(backend, 1);
  double sum_abs = 0;
  for (size_t i = 0; i < ref.size(); ++i) sum_abs += std::abs(int(ref[i]) - int(fp[i]));
  // A random (untrained) net: an average error under 3 levels of 255 says the
  // int8 path computes the same function as the float one.
  EXPECT_LT(sum_abs / double(ref.size()), 3.0);
}

// NaN and infinities must not reach a float-to-integer conversion (UBSan checks that),
// and they have a defined meaning: the input range [0, 1] clamps them, NaN to 0.
TEST_P(EveryBackend, NonFiniteInputsMeanTheirClampedValues) {
  const dnz_backend backend = GetParam();
  std::vector<float> odd = (*images_)[0], clamped = odd;
  for (size_t i = 0; i < odd.size(); i += 7) {
    const int kind = int(i / 7 % 3);
    odd[i] = kind == 0 ? NAN : kind == 1 ? INFINITY : -INFINITY;
    clamped[i] = kind == 1 ? 1.0f : 0.0f;
  }
  odd[1] = 3.5f;  // out of range, finite
  clamped[1] = 1.0f;
  Runner runner(*model_bytes_, backend);
  ASSERT_EQ(runner.status, DNZ_OK);
  std::vector<float> got(784), want(784);
  ASSERT_EQ(dnz_run_f32(&runner.session, odd.data(), got.data(), 1), DNZ_OK);
  ASSERT_EQ(dnz_run_f32(&runner.session, clamped.data(), want.data(), 1), DNZ_OK);
  EXPECT_EQ(got, want);
  for (float v : got) ASSERT_TRUE(v >= 0.0f && v <= 1.0f) << v;
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, EveryBackend, ::testing::ValuesIn(BuiltInBackendIds()),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(BuiltIn, Int8Backend,
                         ::testing::ValuesIn(BuiltInBackendIds(Int8OtherThanRef)),
                         BackendParamName);
INSTANTIATE_TEST_SUITE_P(BuiltIn, FloatBackend,
                         ::testing::ValuesIn(BuiltInBackendIds(FloatWeights)), BackendParamName);

// Every row of the table has a distinct id and name that round-trip through the C API,
// and only built-in rows are runnable.
TEST(BackendTable, NamesRoundTripAndOnlyBuiltInRowsRun) {
  const std::vector<uint8_t> bytes = RandomSeedModelBytes(7);
  ASSERT_GE(dnz_backend_count(), 4u);
  EXPECT_EQ(dnz_backend_info_at(dnz_backend_count()), nullptr);
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    dnz_backend parsed = DNZ_BACKEND_AUTO;
    ASSERT_EQ(dnz_backend_from_name(info.name, &parsed), DNZ_OK) << info.name;
    EXPECT_EQ(parsed, info.backend);
    EXPECT_STREQ(dnz_backend_name(info.backend), info.name);
    EXPECT_EQ(dnz_backend_available(info.backend), info.built_in) << info.name;
    for (uint32_t j = 0; j < i; ++j) EXPECT_NE(dnz_backend_info_at(j)->backend, info.backend);
    Runner runner(bytes, info.backend);
    EXPECT_EQ(runner.status == DNZ_OK, info.built_in != 0) << info.name;
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

// Where oneDNN's int8 convolutions could saturate (no VNNI; CI forces this case with
// ONEDNN_MAX_CPU_ISA=AVX2 and AVX512_CORE), the onednn backend splits every conv's input
// into 7-bit halves (runtime/src/onednn/split_int8.h) and stays available, and auto picks
// it. Its bytes are checked by OnednnMatchesRefByteForByte in the same runs, which fails
// there without the split. Where oneDNN is not built in (Arm), asking for it is refused with
// a reason and auto runs ref.
TEST_F(BackendsTest, OnednnRunsWhereverBuiltInWithOrWithoutVnni) {
  Runner runner(*model_bytes_, DNZ_BACKEND_ONEDNN);
  Runner automatic(*model_bytes_, DNZ_BACKEND_AUTO);
  ASSERT_EQ(automatic.status, DNZ_OK) << dnz_session_error(&automatic.session);
  if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) {
    EXPECT_EQ(runner.status, DNZ_ERR_BACKEND_UNAVAILABLE);
    EXPECT_NE(std::string(dnz_session_error(&runner.session)).find("onednn"), std::string::npos)
        << dnz_session_error(&runner.session);
    EXPECT_EQ(automatic.session.backend, DNZ_BACKEND_REF);
    return;
  }
  EXPECT_EQ(runner.status, DNZ_OK) << dnz_session_error(&runner.session);
  EXPECT_EQ(automatic.session.backend, DNZ_BACKEND_ONEDNN);
}

// dnz_backend_supports answers what dnz_session_init would: the status and one line naming
// the backend.
TEST(BackendTable, SupportsSaysWhatSessionInitWouldSay) {
  const std::vector<uint8_t> int8_only = RandomSeedModelBytes(7, /*keep_float=*/false);
  Runner float_session(int8_only, DNZ_BACKEND_FLOAT);
  char why[DNZ_ERROR_CHARS];
  EXPECT_EQ(dnz_backend_supports(DNZ_BACKEND_FLOAT, &float_session.model, why, sizeof why),
            DNZ_ERR_NO_FLOAT_WEIGHTS);
  EXPECT_EQ(std::string(why).rfind("float: ", 0), 0u) << why;
  EXPECT_EQ(float_session.status, DNZ_ERR_NO_FLOAT_WEIGHTS);
  EXPECT_STREQ(dnz_session_error(&float_session.session), why);
  EXPECT_EQ(dnz_backend_supports(DNZ_BACKEND_REF, &float_session.model, why, sizeof why), DNZ_OK);
  EXPECT_STREQ(why, "");
  EXPECT_EQ(dnz_backend_supports(DNZ_BACKEND_AUTO, &float_session.model, why, sizeof why),
            DNZ_ERR_BACKEND_UNAVAILABLE);  // auto is a choice, not a row
  EXPECT_EQ(dnz_backend_supports(DNZ_BACKEND_REF, nullptr, why, sizeof why), DNZ_ERR_NULL_ARGUMENT);
}

// auto takes the first row of the table that auto may pick, is built in and runs the model.
TEST_F(BackendsTest, AutoPicksTheFirstSupportingBuiltInRow) {
  Runner runner(*model_bytes_, DNZ_BACKEND_AUTO);
  ASSERT_EQ(runner.status, DNZ_OK);
  dnz_backend expected = DNZ_BACKEND_AUTO;
  for (uint32_t i = 0; i < dnz_backend_count() && expected == DNZ_BACKEND_AUTO; ++i) {
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    if (info.auto_picks &&
        dnz_backend_supports(info.backend, &runner.model, nullptr, 0) == DNZ_OK) {
      expected = info.backend;
    }
  }
  EXPECT_EQ(runner.session.backend, expected);
  EXPECT_EQ(runner.session.backend,
            dnz_backend_available(DNZ_BACKEND_ONEDNN) ? DNZ_BACKEND_ONEDNN : DNZ_BACKEND_REF);
}

}  // namespace
}  // namespace dnz::test
