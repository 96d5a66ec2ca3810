// The shipped default model on the first 2,000 noisy MNIST test digits (noise 0.7, the fixed
// test seed; tests/runtime/CMakeLists.txt says why not all 10,000): every built-in int8 backend's
// output is byte-identical to ref's, and so is every streaming backend's in its smallest streamed
// plan (a memory budget: docs/runtime.md). A backend that runs on the calling thread (ref, mcu)
// runs on two threads, one session each, to keep this within a few minutes on 2 cores; a threaded
// one (onednn) takes batches of 128.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <thread>

#include "data/mnist.h"
#include "data/noise.h"
#include "test_models.h"

namespace dnz::test {
namespace {

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

// Under the sanitizers (ASan makes `ref` several times slower) the first 200 digits; the plain
// build checks 2,000.
constexpr int kDigits = DNZ_MNIST_TEST_DIGITS;
constexpr size_t kPixels = data::kMnistPixels;

// Runs `count` images from `input` on a fresh session of `backend`.
void RunRange(const std::vector<uint8_t>& model_bytes, dnz_backend backend, Budget budget,
              const float* input, float* output, uint32_t count, dnz_status* status) {
  Runner runner(model_bytes, backend, InfoOf(backend).threaded ? 128 : 1, 0, budget);
  *status = runner.status;
  if (*status == DNZ_OK) *status = dnz_run_f32(&runner.session, input, output, count);
}

// All `count` images of `input` through `backend`.
std::vector<float> RunAllDigits(const std::vector<uint8_t>& model_bytes, dnz_backend backend,
                                const std::vector<float>& input, uint32_t count,
                                Budget budget = Budget::kNone) {
  std::vector<float> output(size_t(count) * kPixels);
  dnz_status status[2] = {DNZ_OK, DNZ_OK};
  if (InfoOf(backend).threaded) {
    RunRange(model_bytes, backend, budget, input.data(), output.data(), count, &status[0]);
  } else {
    const uint32_t half = count / 2;
    std::thread second(RunRange, std::cref(model_bytes), backend, budget,
                       input.data() + half * kPixels, output.data() + half * kPixels, count - half,
                       &status[1]);
    RunRange(model_bytes, backend, budget, input.data(), output.data(), half, &status[0]);
    second.join();
  }
  for (dnz_status s : status) EXPECT_EQ(s, DNZ_OK) << dnz_status_string(s);
  return output;
}

size_t DifferingImages(const std::vector<float>& expected, const std::vector<float>& got,
                       size_t count) {
  size_t differing = 0;
  for (size_t i = 0; i < count; ++i) {
    differing +=
        !std::equal(expected.begin() + long(i * kPixels),
                    expected.begin() + long((i + 1) * kPixels), got.begin() + long(i * kPixels));
  }
  return differing;
}

// ref runs once on every digit (the slow part), in its smallest streamed plan; its whole-tensor
// plan on the first 1,000, against it; every other built-in int8 backend, in its fastest plan
// and, where it streams, its smallest, on every digit against it.
TEST(MnistBackends, EveryInt8BackendEqualsRefOnTestDigits) {
  const std::vector<uint8_t> model_bytes = ReadFile(DNZ_DEFAULT_MODEL_PATH);
  ASSERT_FALSE(model_bytes.empty()) << "cannot read " << DNZ_DEFAULT_MODEL_PATH;
  data::MnistSet test_set;
  std::string error;
  ASSERT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kDigits, &test_set, &error))
      << error;
  ASSERT_EQ(test_set.count, kDigits);
  const uint32_t count = uint32_t(test_set.count);
  std::vector<float> noisy(test_set.images.size());
  data::MakeNoisyTestImages(test_set.images.data(), size_t(count), kPixels, noisy.data());
  const std::vector<float> ref =
      RunAllDigits(model_bytes, DNZ_BACKEND_REF, noisy, count, Budget::kSmallestPlan);
  const uint32_t first = count < 1000 ? count : 1000;
  const std::vector<float> ref_whole = RunAllDigits(model_bytes, DNZ_BACKEND_REF, noisy, first);
  EXPECT_EQ(DifferingImages(ref, ref_whole, first), 0u) << "ref whole against ref streamed";
  const std::vector<dnz_backend> compared = BuiltInBackendIds(Int8OtherThanRef);
  ASSERT_FALSE(compared.empty()) << "no int8 backend besides ref is built in";
  for (const dnz_backend backend : compared) {
    SCOPED_TRACE(dnz_backend_name(backend));
    const std::vector<float> got = RunAllDigits(model_bytes, backend, noisy, count);
    EXPECT_EQ(DifferingImages(ref, got, count), 0u) << "of " << count << " test digits";
    if (!InfoOf(backend).streams) continue;
    const std::vector<float> streamed =
        RunAllDigits(model_bytes, backend, noisy, count, Budget::kSmallestPlan);
    EXPECT_EQ(DifferingImages(ref, streamed, count), 0u)
        << "of " << count << " test digits, smallest streamed plan";
  }
}

}  // namespace
}  // namespace dnz::test
