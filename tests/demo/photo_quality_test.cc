// runtime_demo's output quality, held against what the built-in model really does (issue 22):
// - the photo set (photo_digits.h, the first 50 digits, framing auto), once as rendered and
//   once with the evaluation noise added to the converted 28x28: the clean photos' output must
//   stay within 0.5 dB of the model's level and the noisy photos' output must gain at least
//   6 dB over its input (floors and measurements in photo_quality.h);
// - each example digit (examples/digit_<i>_noisy.png) must come out at least 8 dB closer to
//   its clean digit than its noisy input is.
// The guards are themselves tested: a pass-through, blurred outputs, an all-zero output, and
// models built by the model builder with zero or identity weights (--model) must fail them.
// About 12 s here (2 cores): four photo runs of 50 digits and three small ones.
#include "photo_quality.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "demo_runner.h"
#include "denoising_quality.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

const data::MnistSet& Digits() {
  static const data::MnistSet* mnist = [] {
    auto* set = new data::MnistSet;
    std::string error;
    if (!data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kPhotoGuardDigits, set, &error)) {
      ADD_FAILURE() << error << " (run scripts/fetch_mnist.sh)";
    }
    return set;
  }();
  return *mnist;
}

struct PhotoRuns {
  PhotoQuality clean, noisy;
};

// The photo set as rendered and with noise 0.7, through runtime_demo with `demo_args`.
PhotoRuns RunPhotos(int count, const std::vector<std::string>& demo_args = {}) {
  PhotoRuns runs;
  TempDir clean_dir, noisy_dir;
  runs.clean = MeasurePhotoQuality(Digits(), count, "auto", clean_dir.path(), "0", demo_args);
  runs.noisy = MeasurePhotoQuality(Digits(), count, "auto", noisy_dir.path(), "0.7", demo_args);
  EXPECT_EQ(runs.clean.error, "");
  EXPECT_EQ(runs.noisy.error, "");
  return runs;
}

std::string Problem(const PhotoRuns& runs) {
  return PhotoProblem(runs.clean.output_psnr, runs.noisy.output_psnr, runs.noisy.converted_psnr);
}

// A broken model file for --model, built by the model builder (denoising_quality.h).
std::string WriteBrokenModel(test::BrokenModel kind, const std::string& dir) {
  const data::MnistSet& mnist = Digits();
  std::vector<float> noisy(mnist.images.size());
  data::MakeNoisyTestImages(mnist.images.data(), size_t(mnist.count), data::kMnistPixels,
                            noisy.data());
  std::vector<std::vector<float>> calibration;
  for (size_t i = 0; i < 16; ++i) {
    calibration.emplace_back(noisy.begin() + long(i * data::kMnistPixels),
                             noisy.begin() + long((i + 1) * data::kMnistPixels));
  }
  std::string error;
  const std::vector<uint8_t> bytes = test::BrokenModelBytes(kind, calibration, &error);
  EXPECT_FALSE(bytes.empty()) << error;
  const std::string path = dir + "/broken.dnz";
  WriteBytes(path, bytes);
  return path;
}

TEST(RuntimeDemoPhotos, FramedPhotosReachTheModelsLevel) {
  ASSERT_EQ(Digits().count, kPhotoGuardDigits);
  const PhotoRuns runs = RunPhotos(kPhotoGuardDigits);
  ASSERT_TRUE(runs.clean.error.empty() && runs.noisy.error.empty());
  EXPECT_EQ(runs.clean.framed, kPhotoGuardDigits) << "every photo should take the framing path";
  EXPECT_EQ(runs.noisy.framed, kPhotoGuardDigits);
  EXPECT_EQ(Problem(runs), "");
  std::printf(
      "photo set, %d digits: clean photos %.2f dB (converted input %.2f dB); noisy photos "
      "%.2f dB (input %.2f dB)\n",
      kPhotoGuardDigits, runs.clean.output_psnr, runs.clean.converted_psnr, runs.noisy.output_psnr,
      runs.noisy.converted_psnr);

  // The same guard on what a broken model would have written from these very inputs.
  const int n = kPhotoGuardDigits;
  const double noisy_in = runs.noisy.converted_psnr;
  // Pass-through: the clean photos pass it through at 22.01 dB, above the model: only the
  // noisy photos' gain (0 dB) catches it.
  EXPECT_NE(PhotoProblem(runs.clean.converted_psnr, noisy_in, noisy_in), "");
  // Blurred outputs: 17.80 dB on the clean photos, below the 18.7 dB floor.
  const double blurred_clean = MeanPsnr(Blur3x3(runs.clean.outputs), Digits(), n);
  const double blurred_noisy = MeanPsnr(Blur3x3(runs.noisy.outputs), Digits(), n);
  EXPECT_NE(PhotoProblem(blurred_clean, blurred_noisy, noisy_in), "");
  // All zero: 10.11 dB on either.
  const double black = MeanPsnr(std::vector<float>(runs.clean.outputs.size(), 0.0f), Digits(), n);
  EXPECT_NE(PhotoProblem(black, black, noisy_in), "");
  std::printf("pass-through %.2f dB, blurred %.2f / %.2f dB, all-zero %.2f dB\n",
              runs.clean.converted_psnr, blurred_clean, blurred_noisy, black);
}

// Models that load and run but do not denoise fail the photo guard through runtime_demo itself
// (10 digits: each misses by several dB).
TEST(RuntimeDemoPhotos, GuardRejectsBrokenModels) {
  ASSERT_EQ(Digits().count, kPhotoGuardDigits);
  for (const test::BrokenModel kind :
       {test::BrokenModel::kConstantHalf, test::BrokenModel::kIdentity}) {
    TempDir dir;
    const std::string model = WriteBrokenModel(kind, dir.path());
    const PhotoRuns runs = RunPhotos(10, {"--model", model});
    ASSERT_TRUE(runs.clean.error.empty() && runs.noisy.error.empty());
    EXPECT_NE(Problem(runs), "") << "model kind " << int(kind);
    std::printf("broken model %d: %s\n", int(kind), Problem(runs).c_str());
  }
}

TEST(RuntimeDemoExamples, EachDigitComesOutCloserToItsCleanDigit) {
  TempDir dir;
  const ExampleDigitsQuality quality = MeasureExampleDigits(dir.path());
  ASSERT_EQ(quality.error, "");
  EXPECT_EQ(ExampleDigitsProblem(quality.noisy_psnrs, quality.output_psnrs), "");
  for (size_t i = 0; i < quality.output_psnrs.size(); ++i) {
    std::printf("digit_%zu: output %.2f dB, noisy %.2f dB\n", i, quality.output_psnrs[i],
                quality.noisy_psnrs[i]);
  }
  // The guard: the noisy input passed through, and an all-zero output.
  EXPECT_NE(ExampleDigitsProblem(quality.noisy_psnrs, quality.noisy_psnrs), "");
  std::vector<double> black;
  for (int i = 0; i < 5; ++i) {
    DecodedImage clean;
    ASSERT_TRUE(DecodeImage(
        std::string(DNZ_EXAMPLES_DIR) + "/digit_" + std::to_string(i) + "_clean.png", &clean));
    std::vector<float> values(clean.pixels.begin(), clean.pixels.end());
    for (float& v : values) v /= 255.0f;
    const std::vector<float> zeros(values.size(), 0.0f);
    black.push_back(data::ImagePsnr(zeros.data(), values.data(), values.size()));
  }
  EXPECT_NE(ExampleDigitsProblem(quality.noisy_psnrs, black), "");
  std::printf("all-zero: %s\n", ExampleDigitsProblem(quality.noisy_psnrs, black).c_str());
}

TEST(RuntimeDemoExamples, GuardRejectsBrokenModels) {
  for (const test::BrokenModel kind :
       {test::BrokenModel::kConstantHalf, test::BrokenModel::kIdentity}) {
    TempDir dir;
    const std::string model = WriteBrokenModel(kind, dir.path());
    const ExampleDigitsQuality quality = MeasureExampleDigits(dir.path(), {"--model", model});
    ASSERT_EQ(quality.error, "");
    EXPECT_NE(ExampleDigitsProblem(quality.noisy_psnrs, quality.output_psnrs), "")
        << "model kind " << int(kind);
  }
}

}  // namespace
}  // namespace dnz::demo_test
