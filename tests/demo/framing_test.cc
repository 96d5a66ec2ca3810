// The MNIST framing of photos and scans (issue 11), and the promise that MNIST-like inputs
// keep the plain conversion byte for byte. With --add-noise 0 the demo writes
// NAME.noisy.png, the exact 28x28 input the model saw: most checks read that.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>

#include "data/mnist.h"
#include "data/noise.h"
#include "demo_runner.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;
constexpr int kPanel = kSide * 8;  // --compare panels are 224x224

DecodedImage Decode(const std::string& path) {
  DecodedImage image;
  EXPECT_TRUE(DecodeImage(path, &image)) << path;
  return image;
}

// The converted 28x28 input and the output line of one run with --add-noise 0.
struct Converted {
  DemoResult run;
  DecodedImage input;  // what the model saw
};

Converted Convert(const TempDir& dir, const std::string& name,
                  std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {name, "--add-noise", "0"};
  args.insert(args.end(), extra.begin(), extra.end());
  Converted converted;
  converted.run = RunDemo(dir.path(), args);
  EXPECT_EQ(converted.run.exit_code, 0) << converted.run.err;
  EXPECT_EQ(converted.run.out_lines.size(), 1u) << converted.run.out;
  converted.input = Decode(dir / (name.substr(0, name.find_last_of('.')) + ".noisy.png"));
  return converted;
}

bool Says(const DemoResult& run, const std::string& text) {
  return run.out.find(text) != std::string::npos;
}

// ---- A page with an "L": a 20x80 bar at x 30..50, y 100..180, and a 20x20 foot at
// x 50..70, y 160..180, on a 300x200 page whose lighting falls from left to right.
//
// MNIST framing: the ink's box is 40x80, so it is scaled by 1/4 to 10x20 (the bar 5
// columns, the foot 5x5 in the bottom right). Its centre of mass is (3.0, 11.0): bar mass
// 100 at (2, 9.5), foot mass 25 at (7, 17). Moved to (14, 14): columns 11..20, rows 3..22.
constexpr int kPageWidth = 300, kPageHeight = 200;
constexpr double kOriginX = 30 - 11 * 4, kOriginY = 100 - 3 * 4;  // frame (0, 0) in the page

bool InL(int x, int y) {
  return (x >= 30 && x < 50 && y >= 100 && y < 180) || (x >= 50 && x < 70 && y >= 160 && y < 180);
}

std::vector<uint8_t> ExpectedFrame() {
  std::vector<uint8_t> frame(kSide * kSide, 0);
  for (int y = 3; y < 23; ++y) {
    for (int x = 11; x < 16; ++x) frame[size_t(y * kSide + x)] = 255;
  }
  for (int y = 18; y < 23; ++y) {
    for (int x = 16; x < 21; ++x) frame[size_t(y * kSide + x)] = 255;
  }
  return frame;
}

struct PageStyle {
  bool light_paper = true;
  std::function<bool(int, int)> extra_ink = [](int, int) { return false; };
};

// Light paper 0.95 -> 0.65 from left to right with ink 0.1, or a dark page 0.1 -> 0.25
// with ink 0.9.
std::vector<uint8_t> LPage(const PageStyle& style) {
  std::vector<uint8_t> page(size_t(kPageWidth * kPageHeight));
  for (int y = 0; y < kPageHeight; ++y) {
    for (int x = 0; x < kPageWidth; ++x) {
      const double along = double(x) / kPageWidth;
      const double paper = style.light_paper ? 0.95 - 0.3 * along : 0.1 + 0.15 * along;
      const double ink = style.light_paper ? 0.1 : 0.9;
      const bool inked = InL(x, y) || style.extra_ink(x, y);
      page[size_t(y * kPageWidth + x)] = uint8_t(std::lround((inked ? ink : paper) * 255));
    }
  }
  return page;
}

// Paper must be 0, ink near 1: the ink's contrast falls by a third across the page.
void ExpectFrame(const DecodedImage& converted) {
  const std::vector<uint8_t> expected = ExpectedFrame();
  ASSERT_EQ(converted.pixels.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    const int tolerance = expected[i] == 0 ? 3 : 24;
    ASSERT_LE(std::abs(int(converted.pixels[i]) - int(expected[i])), tolerance)
        << "pixel (" << i % kSide << ", " << i / kSide << ")";
  }
}

TEST(RuntimeDemoFraming, FramesAnOffCentreDigitLikeMnist) {
  TempDir dir;
  WriteBytes(dir / "page.pgm", Pgm(kPageWidth, kPageHeight, LPage({})));
  const Converted converted = Convert(dir, "page.pgm");
  EXPECT_TRUE(Says(converted.run, "(framing: mnist, ink box 40x80 at 30,100)"))
      << converted.run.out;
  EXPECT_TRUE(Says(converted.run, "(light background: inverted)")) << converted.run.out;
  ExpectFrame(converted.input);
}

TEST(RuntimeDemoFraming, DarkBackgroundIsFramedWithoutInverting) {
  TempDir dir;
  WriteBytes(dir / "slate.pgm", Pgm(kPageWidth, kPageHeight, LPage({false})));
  const Converted converted = Convert(dir, "slate.pgm");
  EXPECT_TRUE(Says(converted.run, "(framing: mnist, ink box 40x80 at 30,100)"))
      << converted.run.out;
  EXPECT_FALSE(Says(converted.run, "inverted")) << converted.run.out;
  ExpectFrame(converted.input);
}

// Specks of dirt (one inside the digit's box) and the dark table beyond the page's right
// edge are not ink: the box and the frame stay those of the clean page.
TEST(RuntimeDemoFraming, IgnoresSpecksAndAPageEdge) {
  PageStyle style;
  style.extra_ink = [](int x, int y) {
    const auto speck = [x, y](int left, int top) {
      return x >= left && x < left + 4 && y >= top && y < top + 4;
    };
    // (55, 120) lies inside the L's box, between the bar and the foot's column.
    return x >= 280 || speck(250, 20) || speck(200, 150) || speck(120, 40) || speck(10, 10) ||
           speck(55, 120);
  };
  TempDir dir;
  WriteBytes(dir / "dirty.pgm", Pgm(kPageWidth, kPageHeight, LPage(style)));
  const Converted converted = Convert(dir, "dirty.pgm");
  EXPECT_TRUE(Says(converted.run, "(framing: mnist, ink box 40x80 at 30,100)"))
      << converted.run.out;
  ExpectFrame(converted.input);
}

// --compare shows the input under the 28x28 frame (at the input's own polarity) before what
// the model saw and what it returned.
TEST(RuntimeDemoFraming, CompareShowsTheInputUnderTheFrame) {
  TempDir dir;
  WriteBytes(dir / "page.pgm", Pgm(kPageWidth, kPageHeight, LPage({})));
  const Converted converted = Convert(dir, "page.pgm", {"--compare"});
  const DecodedImage strip = Decode(dir / "page.compare.png");
  ASSERT_EQ(strip.width, 4 * kPanel + 3 * 8);  // input under the frame | clean | noisy | output
  ASSERT_EQ(strip.height, kPanel);
  // Panel pixel (x, y) shows page point (kOriginX + x / 2, kOriginY + y / 2).
  for (int y = 1; y < kPanel; y += 4) {
    for (int x = 1; x < kPanel; x += 4) {
      const int page_x = int(kOriginX) + x / 2, page_y = int(kOriginY) + y / 2;
      if (page_x < 0 || page_x >= kPageWidth || page_y >= kPageHeight) continue;
      if (InL(page_x, page_y)) {
        ASSERT_LT(strip.at(x, y), 40) << "ink at panel " << x << "," << y;
      } else if (!InL(page_x - 1, page_y) && !InL(page_x + 1, page_y) && !InL(page_x, page_y - 1) &&
                 !InL(page_x, page_y + 1)) {
        ASSERT_GT(strip.at(x, y), 150) << "paper at panel " << x << "," << y;
      }
    }
  }
  const DecodedImage output = Decode(dir / "page.denoised.png");
  for (int y = 0; y < kPanel; y += 3) {
    for (int x = 0; x < kPanel; x += 3) {
      ASSERT_EQ(strip.at(kPanel + 8 + x, y), converted.input.at(x / 8, y / 8)) << x << "," << y;
      ASSERT_EQ(strip.at(3 * (kPanel + 8) + x, y), output.at(x / 8, y / 8)) << x << "," << y;
    }
  }
}

// --full-size draws the output back where the digit was, on clean white paper (the input
// was dark on light). Each frame pixel covers 4x4 page pixels sampled bilinearly, so their
// mean is the output filtered by [1/8, 3/4, 1/8] in each direction.
TEST(RuntimeDemoFraming, FullSizePutsTheOutputBackOnThePage) {
  TempDir dir;
  WriteBytes(dir / "page.pgm", Pgm(kPageWidth, kPageHeight, LPage({})));
  const DemoResult run = RunDemo(dir.path(), {"page.pgm", "--full-size"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const DecodedImage full = Decode(dir / "page.fullsize.png");
  ASSERT_EQ(full.width, kPageWidth);
  ASSERT_EQ(full.height, kPageHeight);
  ASSERT_EQ(full.channels, 1);
  const DecodedImage output = Decode(dir / "page.denoised.png");
  const auto ink = [&output](int x, int y) { return 255 - output.at(x, y); };  // dark on white
  const double weights[3] = {0.125, 0.75, 0.125};
  for (int fy = 1; fy < kSide - 1; ++fy) {
    for (int fx = 1; fx < kSide - 1; ++fx) {
      const int left = int(kOriginX) + 4 * fx, top = int(kOriginY) + 4 * fy;
      if (left < 0 || top + 4 > kPageHeight) continue;
      double block = 0, expected = 0;
      for (int y = 0; y < 4; ++y) {
        for (int x = 0; x < 4; ++x) block += full.at(left + x, top + y) / 16.0;
      }
      for (int dy = -1; dy <= 1; ++dy) {
        for (int dx = -1; dx <= 1; ++dx) {
          expected += weights[dy + 1] * weights[dx + 1] * ink(fx + dx, fy + dy);
        }
      }
      ASSERT_NEAR(block, expected, 1.5) << "frame pixel " << fx << "," << fy;
    }
  }
  // Beyond the frame: clean paper.
  for (const auto& [x, y] : {std::pair{299, 0}, {299, 199}, {200, 50}, {150, 10}}) {
    EXPECT_EQ(full.at(x, y), 255) << x << "," << y;
  }
}

// A 28x28 input's full-size output is the output itself.
TEST(RuntimeDemoFraming, FullSizeOfA28x28InputIsTheOutput) {
  TempDir dir;
  CopyExample("digit_2_noisy.png", dir.path());
  const DemoResult run = RunDemo(dir.path(), {"digit_2_noisy.png", "--full-size"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(Decode(dir / "digit_2_noisy.fullsize.png").pixels,
            Decode(dir / "digit_2_noisy.denoised.png").pixels);
}

// ---- MNIST-like inputs keep the plain conversion: with --framing auto every output file
// is byte for byte what --framing none writes (the conversion runtime_demo always had).

std::vector<uint8_t> Enlarge(const DecodedImage& image, int factor) {
  std::vector<uint8_t> big(size_t(image.width * factor) * size_t(image.height * factor));
  for (int y = 0; y < image.height * factor; ++y) {
    for (int x = 0; x < image.width * factor; ++x) {
      big[size_t(y * image.width * factor + x)] = image.at(x / factor, y / factor);
    }
  }
  return big;
}

// Writes the MNIST-like inputs into `dir` and returns their names.
std::vector<std::string> MnistLikeInputs(const TempDir& dir) {
  std::vector<std::string> names;
  for (int i = 0; i < 5; ++i) {
    for (const char* kind : {"clean", "noisy"}) {
      names.push_back("digit_" + std::to_string(i) + "_" + kind + ".png");
      CopyExample(names.back(), dir.path());
    }
  }
  std::vector<uint8_t> noise(kSide * kSide);  // uniform noise: no digit at all
  uint32_t state = 12345;
  for (uint8_t& v : noise) v = uint8_t((state = state * 1664525u + 1013904223u) >> 24);
  WriteBytes(dir / "noise.pgm", Pgm(kSide, kSide, noise));
  names.push_back("noise.pgm");
  const DecodedImage clean = Decode(dir / "digit_0_clean.png");
  const DecodedImage noisy = Decode(dir / "digit_3_noisy.png");
  const DecodedImage four = Decode(dir / "digit_4_clean.png");
  WriteBytes(dir / "enlarged_clean.pgm", Pgm(280, 280, Enlarge(clean, 10)));
  WriteBytes(dir / "enlarged_noisy.pgm", Pgm(224, 224, Enlarge(noisy, 8)));
  std::vector<uint8_t> dark_on_white = Enlarge(four, 6);
  for (uint8_t& v : dark_on_white) v = uint8_t(255 - v);
  WriteBytes(dir / "enlarged_inverted.pgm", Pgm(168, 168, dark_on_white));
  DecodedImage jpeg{140, 140, 1, Enlarge(Decode(dir / "digit_1_clean.png"), 5)};
  EXPECT_TRUE(WriteJpeg(dir / "enlarged.jpg", jpeg, 90));
  for (const char* name :
       {"enlarged_clean.pgm", "enlarged_noisy.pgm", "enlarged_inverted.pgm", "enlarged.jpg"}) {
    names.push_back(name);
  }
  // Noisy test digits 7 and 10 (the evaluation noise), enlarged 10x: their noise blobs once
  // passed for ink, and the digits were framed.
  data::MnistSet mnist;
  std::string error;
  EXPECT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, 11, &mnist, &error)) << error;
  std::vector<float> noisy_set(mnist.images.size());
  data::MakeNoisyTestImages(mnist.images.data(), size_t(mnist.count), kSide * kSide,
                            noisy_set.data());
  for (int index : {7, 10}) {
    DecodedImage digit{kSide, kSide, 1, std::vector<uint8_t>(kSide * kSide)};
    for (size_t i = 0; i < digit.pixels.size(); ++i) {
      digit.pixels[i] = uint8_t(std::lround(noisy_set[size_t(index) * kSide * kSide + i] * 255));
    }
    names.push_back("noisy_test_" + std::to_string(index) + ".pgm");
    WriteBytes(dir / names.back(), Pgm(280, 280, Enlarge(digit, 10)));
  }
  return names;
}

TEST(RuntimeDemoFraming, MnistLikeInputsKeepThePlainConversionByteForByte) {
  TempDir dir;
  const std::vector<std::string> names = MnistLikeInputs(dir);
  std::filesystem::create_directory(dir / "none");
  std::filesystem::create_directory(dir / "auto");
  for (const char* framing : {"none", "auto"}) {
    std::vector<std::string> args = names;
    for (const char* arg :
         {"-o", framing, "--framing", framing, "--compare", "--full-size", "--add-noise", "0"}) {
      args.push_back(arg);
    }
    const DemoResult run = RunDemo(dir.path(), args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    ASSERT_EQ(run.out_lines.size(), names.size()) << run.out;
    for (const std::string& line : run.out_lines) {
      EXPECT_NE(line.find("(framing: none, "), std::string::npos) << line;
    }
  }
  const std::set<std::string> written = ListDir(dir / "none");
  EXPECT_EQ(written.size(), 4 * names.size());  // denoised, noisy, compare, fullsize
  EXPECT_EQ(ListDir(dir / "auto"), written);
  for (const std::string& name : written) {
    EXPECT_EQ(ReadBytes(dir / ("auto/" + name)), ReadBytes(dir / ("none/" + name))) << name;
  }
  // And that is the plain conversion: a 28x28 input as it is, a frame enlarged by whole
  // pixels averaged back to the original.
  const std::vector<std::pair<std::string, std::string>> originals = {
      {"digit_3_noisy", "digit_3_noisy.png"},
      {"enlarged_clean", "digit_0_clean.png"},
      {"enlarged_noisy", "digit_3_noisy.png"}};
  for (const auto& [stem, original] : originals) {
    EXPECT_EQ(Decode(dir / ("auto/" + stem + ".noisy.png")).pixels, Decode(dir / original).pixels)
        << stem;
  }
}

// --framing mnist frames even an enlarged MNIST frame, which auto leaves alone.
TEST(RuntimeDemoFraming, FramingMnistFramesWhatAutoLeavesAlone) {
  TempDir dir;
  CopyExample("digit_0_clean.png", dir.path());
  WriteBytes(dir / "big.pgm", Pgm(280, 280, Enlarge(Decode(dir / "digit_0_clean.png"), 10)));
  EXPECT_TRUE(Says(Convert(dir, "big.pgm").run, "(framing: none, already an MNIST-like frame)"));
  const Converted framed = Convert(dir, "big.pgm", {"--framing", "mnist"});
  EXPECT_TRUE(Says(framed.run, "(framing: mnist, ink box ")) << framed.run.out;
  // Framed again, MNIST's own digit comes back nearly as it was.
  const DecodedImage original = Decode(dir / "digit_0_clean.png");
  double error = 0;
  for (size_t i = 0; i < original.pixels.size(); ++i) {
    error += std::abs(int(framed.input.pixels[i]) - int(original.pixels[i]));
  }
  EXPECT_LT(error / double(original.pixels.size()), 12.0) << "mean absolute difference";
}

// Blank, tiny, thin, half-and-half or scattered inputs: one output line and exit 0 whatever
// --framing says, never a crash.
TEST(RuntimeDemoFraming, OddInputsNeverFail) {
  struct Case {
    std::string name;
    int width, height;
    std::function<uint8_t(int, int)> pixel;
  };
  const std::vector<Case> cases = {
      {"white.pgm", 300, 200, [](int, int) { return uint8_t(255); }},
      {"black.pgm", 64, 64, [](int, int) { return uint8_t(0); }},
      {"one.pgm", 1, 1, [](int, int) { return uint8_t(0); }},
      {"line.pgm", 40, 3, [](int x, int) { return uint8_t(x == 20 ? 0 : 255); }},
      {"speck.pgm", 2, 2, [](int x, int y) { return uint8_t(x == 0 && y == 0 ? 0 : 255); }},
      {"checkers.pgm", 100, 100, [](int x, int y) { return uint8_t((x + y) % 2 ? 255 : 0); }},
      {"halves.pgm", 90, 60, [](int x, int) { return uint8_t(x < 45 ? 0 : 255); }},
  };
  for (const char* framing : {"auto", "mnist"}) {
    for (const Case& c : cases) {
      std::vector<uint8_t> pixels(size_t(c.width * c.height));
      for (int y = 0; y < c.height; ++y) {
        for (int x = 0; x < c.width; ++x) pixels[size_t(y * c.width + x)] = c.pixel(x, y);
      }
      TempDir dir;
      WriteBytes(dir / c.name, Pgm(c.width, c.height, pixels));
      const DemoResult run =
          RunDemo(dir.path(), {c.name, "--framing", framing, "--compare", "--full-size"});
      EXPECT_EQ(run.exit_code, 0) << c.name << " " << framing << ": " << run.err;
      EXPECT_EQ(run.out_lines.size(), 1u) << c.name << " " << framing << ": " << run.out;
      EXPECT_TRUE(run.err_lines.empty()) << c.name << " " << framing << ": " << run.err;
    }
  }
}

}  // namespace
}  // namespace dnz::demo_test
