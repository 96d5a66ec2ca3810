// How runtime_demo turns any image into a 28x28 MNIST-style digit. With --add-noise 0 the
// demo writes NAME.noisy.png, the exact 28x28 input the model saw: that is what we check.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>

#include "demo_runner.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;

// Runs the demo on `name` (already in `dir`) and returns the converted model input.
DecodedImage ConvertedInput(const TempDir& dir, const std::string& name, DemoResult* run) {
  *run = RunDemo(dir.path(), {name, "--add-noise", "0"});
  DecodedImage converted;
  EXPECT_EQ(run->exit_code, 0) << run->err;
  const std::string stem = name.substr(0, name.find_last_of('.'));
  EXPECT_TRUE(DecodeImage(dir / (stem + ".noisy.png"), &converted));
  EXPECT_EQ(converted.width, kSide);
  EXPECT_EQ(converted.height, kSide);
  return converted;
}

void ExpectPixelsNear(const DecodedImage& actual, const std::vector<uint8_t>& expected,
                      int tolerance) {
  ASSERT_EQ(actual.pixels.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ASSERT_LE(std::abs(int(actual.pixels[i]) - int(expected[i])), tolerance)
        << "pixel (" << i % kSide << ", " << i / kSide << ")";
  }
}

TEST(RuntimeDemoConversion, MnistSizedGrayImageIsUnchanged) {
  TempDir dir;
  const std::string clean = CopyExample("digit_1_clean.png", dir.path());
  DemoResult run;
  const DecodedImage converted = ConvertedInput(dir, "digit_1_clean.png", &run);
  DecodedImage original;
  ASSERT_TRUE(DecodeImage(clean, &original));
  EXPECT_EQ(converted.pixels, original.pixels);
  EXPECT_EQ(run.out.find("inverted"), std::string::npos) << run.out;
}

// A 16-bit PGM (two bytes a sample, big-endian) is read at full length, not taken as
// truncated: 0xFFFF is white, 0x0000 black.
TEST(RuntimeDemoConversion, SixteenBitPgmIsRead) {
  std::vector<uint8_t> bytes = {'P', '5', ' ',  '2', '8', ' ', '2', '8', ' ', '#',
                                ' ', 'c', '\n', '6', '5', '5', '3', '5', '\n'};
  for (int i = 0; i < kSide * kSide; ++i) {
    const uint8_t level = i % 2 == 0 ? 0xFF : 0x00;
    bytes.push_back(level);
    bytes.push_back(level);
  }
  TempDir dir;
  WriteBytes(dir / "deep.pgm", bytes);
  DemoResult run;
  const DecodedImage converted = ConvertedInput(dir, "deep.pgm", &run);
  std::vector<uint8_t> expected(size_t(kSide * kSide));
  for (size_t i = 0; i < expected.size(); ++i) expected[i] = i % 2 == 0 ? 255 : 0;
  ExpectPixelsNear(converted, expected, 0);
}

// A dark square on a wide white page: padded to a square with white, halved by area
// averaging, inverted because the border is light.
TEST(RuntimeDemoConversion, WhitePageIsPaddedResizedAndInverted) {
  const int width = 56, height = 28;
  std::vector<uint8_t> page(size_t(width * height), 255);
  for (int y = 4; y < 24; ++y) {
    for (int x = 4; x < 24; ++x) page[size_t(y * width + x)] = 0;
  }
  TempDir dir;
  WriteBytes(dir / "page.pgm", Pgm(width, height, page));
  DemoResult run;
  const DecodedImage converted = ConvertedInput(dir, "page.pgm", &run);
  EXPECT_NE(run.out.find("inverted"), std::string::npos) << run.out;
  // Padded 56x56: image rows at 14..41, so the square covers rows 18..37 and columns
  // 4..23, i.e. output rows 9..18 and columns 2..11 after halving.
  std::vector<uint8_t> expected(kSide * kSide, 0);
  for (int y = 9; y <= 18; ++y) {
    for (int x = 2; x <= 11; ++x) expected[size_t(y * kSide + x)] = 255;
  }
  ExpectPixelsNear(converted, expected, 1);
}

// Area averaging: a one-pixel checkerboard at 56x56 becomes flat mid-gray at 28x28.
TEST(RuntimeDemoConversion, DownscalingAveragesAreas) {
  const int side = 56;
  std::vector<uint8_t> checkers(size_t(side * side));
  for (int y = 0; y < side; ++y) {
    for (int x = 0; x < side; ++x) checkers[size_t(y * side + x)] = (x + y) % 2 ? 200 : 0;
  }
  TempDir dir;
  WriteBytes(dir / "checkers.pgm", Pgm(side, side, checkers));
  DemoResult run;
  const DecodedImage converted = ConvertedInput(dir, "checkers.pgm", &run);
  ExpectPixelsNear(converted, std::vector<uint8_t>(kSide * kSide, 100), 1);
}

// Colour uses Rec. 601 luminance: 0.299 R + 0.587 G + 0.114 B.
TEST(RuntimeDemoConversion, ColourBecomesLuminance) {
  std::vector<uint8_t> rgb(kSide * kSide * 3, 0);
  const auto paint = [&rgb](int x, int y, uint8_t r, uint8_t g, uint8_t b) {
    uint8_t* pixel = &rgb[size_t(y * kSide + x) * 3];
    pixel[0] = r, pixel[1] = g, pixel[2] = b;
  };
  paint(10, 12, 255, 0, 0);
  paint(5, 5, 0, 255, 0);
  paint(20, 20, 0, 0, 255);
  TempDir dir;
  WriteBytes(dir / "colour.ppm", Ppm(kSide, kSide, rgb));
  DemoResult run;
  const DecodedImage converted = ConvertedInput(dir, "colour.ppm", &run);
  std::vector<uint8_t> expected(kSide * kSide, 0);
  expected[12 * kSide + 10] = 76;  // 0.299 * 255
  expected[5 * kSide + 5] = 150;   // 0.587 * 255
  expected[20 * kSide + 20] = 29;  // 0.114 * 255
  ExpectPixelsNear(converted, expected, 1);
}

TEST(RuntimeDemoConversion, ReadsBmpAndJpeg) {
  TempDir dir;
  DecodedImage digit;
  ASSERT_TRUE(DecodeImage(CopyExample("digit_4_clean.png", dir.path()), &digit));
  ASSERT_TRUE(WriteBmp(dir / "four.bmp", digit));
  ASSERT_TRUE(WriteJpeg(dir / "four.jpg", digit, 95));
  DemoResult run;
  ExpectPixelsNear(ConvertedInput(dir, "four.bmp", &run), digit.pixels, 0);
  const DecodedImage jpeg = ConvertedInput(dir, "four.jpg", &run);
  ASSERT_EQ(jpeg.pixels.size(), digit.pixels.size());
  double error = 0;
  for (size_t i = 0; i < digit.pixels.size(); ++i) {
    error += std::abs(int(jpeg.pixels[i]) - int(digit.pixels[i]));
  }
  EXPECT_LT(error / double(digit.pixels.size()), 8.0) << "mean absolute JPEG error";
}

}  // namespace
}  // namespace dnz::demo_test
