// The shipped default model on all 10,000 noisy MNIST test digits (noise 0.7,
// the fixed test seed): onednn's output is byte-identical to ref's. ref runs on
// two threads (one session each) to keep this under two minutes on 2 cores.
#include <gtest/gtest.h>

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

// Runs `count` images from `input` on a fresh session of `backend`.
void RunRange(const std::vector<uint8_t>& model_bytes, dnz_backend backend, const float* input,
              float* output, uint32_t count, dnz_status* status) {
  Runner runner(model_bytes, backend, backend == DNZ_BACKEND_ONEDNN ? 128 : 1);
  *status = runner.status;
  if (*status == DNZ_OK) *status = dnz_run_f32(&runner.session, input, output, count);
}

// Under the sanitizers (ASan makes `ref` several times slower) the first 1,000 digits;
// the plain build checks all 10,000.
constexpr int kDigits = DNZ_MNIST_TEST_DIGITS;

TEST(MnistBackends, OnednnEqualsRefOnAllTestDigits) {
  if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) GTEST_SKIP() << "onednn not built in";
  const auto model_bytes = ReadFile(DNZ_DEFAULT_MODEL_PATH);
  ASSERT_FALSE(model_bytes.empty()) << "cannot read " << DNZ_DEFAULT_MODEL_PATH;
  data::MnistSet test_set;
  std::string error;
  ASSERT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kDigits, &test_set, &error))
      << error;
  ASSERT_EQ(test_set.count, kDigits);
  const size_t pixels = data::kMnistPixels;
  std::vector<float> noisy(test_set.images.size());
  data::MakeNoisyTestImages(test_set.images.data(), size_t(test_set.count), pixels, noisy.data());

  std::vector<float> ref(noisy.size()), onednn(noisy.size());
  const uint32_t half = uint32_t(test_set.count / 2);
  dnz_status status[3];
  std::thread second(RunRange, std::cref(model_bytes), DNZ_BACKEND_REF,
                     noisy.data() + half * pixels, ref.data() + half * pixels,
                     uint32_t(test_set.count) - half, &status[1]);
  RunRange(model_bytes, DNZ_BACKEND_REF, noisy.data(), ref.data(), half, &status[0]);
  second.join();
  RunRange(model_bytes, DNZ_BACKEND_ONEDNN, noisy.data(), onednn.data(), uint32_t(test_set.count),
           &status[2]);
  for (dnz_status s : status) ASSERT_EQ(s, DNZ_OK) << dnz_status_string(s);

  size_t differing_images = 0;
  for (int i = 0; i < test_set.count; ++i) {
    differing_images +=
        !std::equal(ref.begin() + long(i * pixels), ref.begin() + long((i + 1) * pixels),
                    onednn.begin() + long(i * pixels));
  }
  EXPECT_EQ(differing_images, 0u) << "of " << test_set.count << " test digits";
}

}  // namespace
}  // namespace dnz::test
