// The shipped default model on all 10,000 noisy MNIST test digits (noise 0.7, the fixed
// test seed): every built-in int8 backend's output is byte-identical to ref's. A backend
// that runs on the calling thread (ref, mcu) runs on two threads, one session each, to keep
// this within a few minutes on 2 cores; a threaded one (onednn) takes batches of 128.
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

// Under the sanitizers (ASan makes `ref` several times slower) the first 1,000 digits;
// the plain build checks all 10,000.
constexpr int kDigits = DNZ_MNIST_TEST_DIGITS;
constexpr size_t kPixels = data::kMnistPixels;

// Runs `count` images from `input` on a fresh session of `backend`.
void RunRange(const std::vector<uint8_t>& model_bytes, dnz_backend backend, const float* input,
              float* output, uint32_t count, dnz_status* status) {
  Runner runner(model_bytes, backend, InfoOf(backend).threaded ? 128 : 1);
  *status = runner.status;
  if (*status == DNZ_OK) *status = dnz_run_f32(&runner.session, input, output, count);
}

// All `count` images of `input` through `backend`.
std::vector<float> RunAllDigits(const std::vector<uint8_t>& model_bytes, dnz_backend backend,
                                const std::vector<float>& input, uint32_t count) {
  std::vector<float> output(input.size());
  dnz_status status[2] = {DNZ_OK, DNZ_OK};
  if (InfoOf(backend).threaded) {
    RunRange(model_bytes, backend, input.data(), output.data(), count, &status[0]);
  } else {
    const uint32_t half = count / 2;
    std::thread second(RunRange, std::cref(model_bytes), backend, input.data() + half * kPixels,
                       output.data() + half * kPixels, count - half, &status[1]);
    RunRange(model_bytes, backend, input.data(), output.data(), half, &status[0]);
    second.join();
  }
  for (dnz_status s : status) EXPECT_EQ(s, DNZ_OK) << dnz_status_string(s);
  return output;
}

class MnistBackends : public ::testing::TestWithParam<dnz_backend> {
 protected:
  // The digits and ref's outputs, once for every backend.
  static void SetUpTestSuite() {
    model_bytes_ = new std::vector<uint8_t>(ReadFile(DNZ_DEFAULT_MODEL_PATH));
    data::MnistSet test_set;
    std::string error;
    if (!data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kDigits, &test_set, &error)) {
      load_error_ = new std::string(error);
      return;
    }
    count_ = uint32_t(test_set.count);
    noisy_ = new std::vector<float>(test_set.images.size());
    data::MakeNoisyTestImages(test_set.images.data(), size_t(count_), kPixels, noisy_->data());
    ref_ = new std::vector<float>(RunAllDigits(*model_bytes_, DNZ_BACKEND_REF, *noisy_, count_));
  }
  static void TearDownTestSuite() {
    delete model_bytes_;
    delete noisy_;
    delete ref_;
    delete load_error_;
  }
  static std::vector<uint8_t>* model_bytes_;
  static std::vector<float>*noisy_, *ref_;
  static std::string* load_error_;
  static uint32_t count_;
};
std::vector<uint8_t>* MnistBackends::model_bytes_ = nullptr;
std::vector<float>* MnistBackends::noisy_ = nullptr;
std::vector<float>* MnistBackends::ref_ = nullptr;
std::string* MnistBackends::load_error_ = nullptr;
uint32_t MnistBackends::count_ = 0;

TEST_P(MnistBackends, Int8BackendEqualsRefOnAllTestDigits) {
  const dnz_backend backend = GetParam();
  ASSERT_FALSE(model_bytes_->empty()) << "cannot read " << DNZ_DEFAULT_MODEL_PATH;
  ASSERT_EQ(load_error_, nullptr) << *load_error_;
  ASSERT_EQ(count_, uint32_t(kDigits));
  const std::vector<float> got = RunAllDigits(*model_bytes_, backend, *noisy_, count_);
  size_t differing_images = 0;
  for (size_t i = 0; i < count_; ++i) {
    differing_images +=
        !std::equal(ref_->begin() + long(i * kPixels), ref_->begin() + long((i + 1) * kPixels),
                    got.begin() + long(i * kPixels));
  }
  EXPECT_EQ(differing_images, 0u) << "of " << count_ << " test digits";
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, MnistBackends,
                         ::testing::ValuesIn(BuiltInBackendIds(Int8OtherThanRef)),
                         BackendParamName);

}  // namespace
}  // namespace dnz::test
