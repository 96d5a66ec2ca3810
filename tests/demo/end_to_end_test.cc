// runtime_demo on the committed example digits: the files it writes and what it prints.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>

#include "data/noise.h"
#include "demo_runner.h"
#include "denoising_quality.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;
constexpr int kScale = 8;  // --compare enlarges each panel 8x
constexpr int kGap = 8;    // gray gap between panels

DecodedImage Decode(const std::string& path) {
  DecodedImage image;
  EXPECT_TRUE(DecodeImage(path, &image)) << path;
  return image;
}

// A denoised output must be a 28x28 gray PNG.
void ExpectDigitPng(const std::string& path) {
  ASSERT_EQ(PngColorType(path), 0) << path << " is not a gray PNG";
  const DecodedImage image = Decode(path);
  EXPECT_EQ(image.width, kSide);
  EXPECT_EQ(image.height, kSide);
  EXPECT_EQ(image.channels, 1);
}

TEST(RuntimeDemoEndToEnd, WritesDenoisedDigitNextToInput) {
  TempDir dir;
  CopyExample("digit_0_noisy.png", dir.path());
  const DemoResult run = RunDemo(dir.path(), {"digit_0_noisy.png"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(run.err_lines.empty()) << run.err;
  EXPECT_EQ(ListDir(dir.path()),
            (std::set<std::string>{"digit_0_noisy.png", "digit_0_noisy.denoised.png"}));
  ExpectDigitPng(dir / "digit_0_noisy.denoised.png");
  EXPECT_NE(Decode(dir / "digit_0_noisy.denoised.png").pixels,
            Decode(dir / "digit_0_noisy.png").pixels);
  // One line per file: the time of the inference and the backend.
  ASSERT_EQ(run.out_lines.size(), 1u) << run.out;
  EXPECT_NE(run.out_lines[0].find("digit_0_noisy.png"), std::string::npos) << run.out;
  EXPECT_NE(run.out_lines[0].find(" ms"), std::string::npos) << run.out;
  EXPECT_NE(run.out_lines[0].find("backend "), std::string::npos) << run.out;
}

TEST(RuntimeDemoEndToEnd, CompareWritesInputBesideOutputEnlarged) {
  TempDir dir;
  CopyExample("digit_1_noisy.png", dir.path());
  const DemoResult run = RunDemo(dir.path(), {"digit_1_noisy.png", "--compare"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const DecodedImage strip = Decode(dir / "digit_1_noisy.compare.png");
  ASSERT_EQ(strip.width, 2 * kSide * kScale + kGap);
  ASSERT_EQ(strip.height, kSide * kScale);
  const DecodedImage input = Decode(dir / "digit_1_noisy.png");
  const DecodedImage output = Decode(dir / "digit_1_noisy.denoised.png");
  const int right = kSide * kScale + kGap;
  for (int y = 0; y < strip.height; y += 3) {
    for (int x = 0; x < kSide * kScale; x += 3) {
      ASSERT_EQ(strip.at(x, y), input.at(x / kScale, y / kScale)) << x << "," << y;
      ASSERT_EQ(strip.at(right + x, y), output.at(x / kScale, y / kScale)) << x << "," << y;
    }
  }
}

// --add-noise draws with dnz_data's generator: with the test-set seed, clean test digit 0
// must become exactly the committed noisy example (image 0's stream is the file's stream).
TEST(RuntimeDemoEndToEnd, AddNoiseMatchesTheEvaluationNoise) {
  TempDir dir;
  CopyExample("digit_0_clean.png", dir.path());
  const DemoResult run = RunDemo(dir.path(), {"digit_0_clean.png", "--add-noise", "0.7", "--seed",
                                              std::to_string(data::kTestNoiseSeed), "--compare"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ListDir(dir.path()),
            (std::set<std::string>{"digit_0_clean.png", "digit_0_clean.noisy.png",
                                   "digit_0_clean.denoised.png", "digit_0_clean.compare.png"}));
  ExpectDigitPng(dir / "digit_0_clean.noisy.png");
  const DecodedImage noisy = Decode(dir / "digit_0_clean.noisy.png");
  const DecodedImage expected = Decode(std::string(DNZ_EXAMPLES_DIR) + "/digit_0_noisy.png");
  EXPECT_EQ(noisy.pixels, expected.pixels);
  // The strip shows clean | noisy | denoised.
  EXPECT_EQ(Decode(dir / "digit_0_clean.compare.png").width, 3 * kSide * kScale + 2 * kGap);
}

TEST(RuntimeDemoEndToEnd, AddNoiseSeedChangesTheNoise) {
  TempDir dir;
  CopyExample("digit_2_clean.png", dir.path());
  const DecodedImage clean = Decode(dir / "digit_2_clean.png");
  ASSERT_EQ(
      RunDemo(dir.path(), {"digit_2_clean.png", "--add-noise", "0.5", "--seed", "1"}).exit_code, 0);
  const DecodedImage seed1 = Decode(dir / "digit_2_clean.noisy.png");
  ASSERT_EQ(
      RunDemo(dir.path(), {"digit_2_clean.png", "--add-noise", "0.5", "--seed", "2"}).exit_code, 0);
  const DecodedImage seed2 = Decode(dir / "digit_2_clean.noisy.png");
  EXPECT_NE(seed1.pixels, clean.pixels);
  EXPECT_NE(seed1.pixels, seed2.pixels);
  // Recompute seed 2's noise here: clip(clean + 0.5 N(0,1)) from the same stream.
  std::vector<float> clean_values(clean.pixels.begin(), clean.pixels.end()), noisy(784);
  for (float& v : clean_values) v /= 255.0f;
  data::AddNoiseToImage(clean_values.data(), 784, 0.5, data::ImageNoiseSeed(2, 0, 0), noisy.data());
  for (size_t i = 0; i < noisy.size(); ++i) {
    ASSERT_EQ(seed2.pixels[i], uint8_t(std::lround(noisy[i] * 255.0f))) << "pixel " << i;
  }
}

TEST(RuntimeDemoEndToEnd, SeveralFilesInOneCall) {
  TempDir dir;
  const std::vector<std::string> inputs = {"digit_0_noisy.png", "digit_3_noisy.png",
                                           "digit_4_noisy.png"};
  for (const std::string& input : inputs) CopyExample(input, dir.path());
  const DemoResult run = RunDemo(dir.path(), inputs);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(run.out_lines.size(), inputs.size()) << run.out;
  EXPECT_EQ(ListDir(dir.path()).size(), 2 * inputs.size());
  for (const std::string& input : inputs) {
    ExpectDigitPng(dir / (input.substr(0, input.size() - 4) + ".denoised.png"));
  }
}

TEST(RuntimeDemoEndToEnd, OutputOptionNamesTheFile) {
  TempDir dir;
  CopyExample("digit_2_noisy.png", dir.path());
  const DemoResult run = RunDemo(dir.path(), {"digit_2_noisy.png", "-o", "clean_two.png"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ListDir(dir.path()), (std::set<std::string>{"digit_2_noisy.png", "clean_two.png"}));
  ExpectDigitPng(dir / "clean_two.png");
}

TEST(RuntimeDemoEndToEnd, OutputOptionNamesADirectoryForSeveralInputs) {
  TempDir dir;
  CopyExample("digit_0_noisy.png", dir.path());
  CopyExample("digit_1_noisy.png", dir.path());
  std::filesystem::create_directory(dir / "out");
  const DemoResult run =
      RunDemo(dir.path(), {"digit_0_noisy.png", "digit_1_noisy.png", "-o", "out", "--compare"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ListDir(dir / "out"),
            (std::set<std::string>{"digit_0_noisy.denoised.png", "digit_0_noisy.compare.png",
                                   "digit_1_noisy.denoised.png", "digit_1_noisy.compare.png"}));
}

DecodedImage DenoiseWithBackend(const TempDir& dir, const std::string& input,
                                const std::string& backend, DemoResult* run) {
  *run = RunDemo(dir.path(), {input, "--backend", backend, "-o", backend + ".png"});
  DecodedImage output;
  if (run->exit_code == 0) {
    EXPECT_TRUE(DecodeImage(dir / (backend + ".png"), &output));
  }
  return output;
}

// The int8 backends compute the same bytes (the runtime's promise), whichever auto picks,
// and mcu too.
TEST(RuntimeDemoEndToEnd, AutoBackendMatchesReference) {
  TempDir dir;
  CopyExample("digit_3_noisy.png", dir.path());
  DemoResult run;
  const DecodedImage ref = DenoiseWithBackend(dir, "digit_3_noisy.png", "ref", &run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("backend ref"), std::string::npos) << run.out;
  const DecodedImage automatic = DenoiseWithBackend(dir, "digit_3_noisy.png", "auto", &run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(automatic.pixels, ref.pixels);
  const DecodedImage mcu = DenoiseWithBackend(dir, "digit_3_noisy.png", "mcu", &run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("backend mcu"), std::string::npos) << run.out;
  EXPECT_EQ(mcu.pixels, ref.pixels);
}

// The largest and the mean |a - b| of two outputs, in 1/255.
struct PixelGap {
  int worst = 0;
  double mean = 0.0;
};
PixelGap GapOf(const DecodedImage& a, const DecodedImage& b) {
  PixelGap gap;
  for (size_t i = 0; i < a.pixels.size() && i < b.pixels.size(); ++i) {
    const int diff = std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    gap.worst = std::max(gap.worst, diff);
    gap.mean += diff / double(a.pixels.size());
  }
  return gap;
}

// int8 (ref) against the model's float weights on digit_3. Measured at 4e9515a: worst pixel
// 43/255, mean 2.46/255; bounds 50 and 3. The same model with every requantization multiplier
// 3% off (int8 arithmetic that drifted) gives 60 and 4.12 and fails both (the old bound, a worst
// pixel of 64, passed it). ModelQuality.ShippedInt8StaysCloseToItsFloatWeights holds the same
// on 200 digits.
TEST(RuntimeDemoEndToEnd, FloatBackendIsCloseToInt8) {
  constexpr int kMaxWorst = 50;
  constexpr double kMaxMean = 3.0;
  TempDir dir;
  CopyExample("digit_3_noisy.png", dir.path());
  DemoResult run;
  const DecodedImage ref = DenoiseWithBackend(dir, "digit_3_noisy.png", "ref", &run);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const DecodedImage real = DenoiseWithBackend(dir, "digit_3_noisy.png", "float", &run);
  if (run.err.find("no float weights") != std::string::npos) {
    GTEST_SKIP() << "the built-in model carries no float weights";
  }
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const PixelGap gap = GapOf(ref, real);
  EXPECT_LE(gap.worst, kMaxWorst) << "int8 and float outputs differ by " << gap.worst << " of 255";
  EXPECT_LE(gap.mean, kMaxMean) << "on average by " << gap.mean << " of 255";

  WriteBytes(dir / "drifted.dnz", test::ScaledMultipliers(ReadBytes(DNZ_DEMO_MODEL_FILE), 1.03));
  run = RunDemo(dir.path(), {"digit_3_noisy.png", "--backend", "ref", "--model", "drifted.dnz",
                             "-o", "drifted.png"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const PixelGap drifted = GapOf(Decode(dir / "drifted.png"), real);
  EXPECT_GT(drifted.worst, kMaxWorst);
  EXPECT_GT(drifted.mean, kMaxMean);
}

// --model FILE with the very file that was compiled in gives the same output.
TEST(RuntimeDemoEndToEnd, ModelFileMatchesBuiltInModel) {
  TempDir dir;
  CopyExample("digit_4_noisy.png", dir.path());
  ASSERT_EQ(RunDemo(dir.path(), {"digit_4_noisy.png", "-o", "builtin.png"}).exit_code, 0);
  const DemoResult run =
      RunDemo(dir.path(), {"digit_4_noisy.png", "-o", "file.png", "--model", DNZ_DEMO_MODEL_FILE});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Decode(dir / "file.png").pixels, Decode(dir / "builtin.png").pixels);
}

}  // namespace
}  // namespace dnz::demo_test
