// The plain conversion's resize (runtime_demo/area_average.h) against what it replaced:
// stb_image_resize's box filter on the image padded to a square of the background.
#include "area_average.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "stb_image_resize.h"

namespace dnz::demo {
namespace {

constexpr int kOut = 28;

LumaImage RandomImage(int width, int height, uint32_t seed) {
  std::mt19937 random(seed);
  std::uniform_real_distribution<float> value(0.0f, 1.0f);
  LumaImage image{width, height, std::vector<float>(size_t(width) * size_t(height))};
  for (float& v : image.luma) v = value(random);
  return image;
}

std::vector<float> PaddedAndBoxFiltered(const LumaImage& image, float background, int side,
                                        int left, int top) {
  std::vector<float> square(size_t(side) * size_t(side), background);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      square[size_t(y + top) * size_t(side) + size_t(x + left)] =
          image.luma[size_t(y) * size_t(image.width) + size_t(x)];
    }
  }
  std::vector<float> out(size_t(kOut) * kOut);
  EXPECT_TRUE(stbir_resize_float_generic(square.data(), side, side, 0, out.data(), kOut, kOut, 0, 1,
                                         STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP,
                                         STBIR_FILTER_BOX, STBIR_COLORSPACE_LINEAR, nullptr));
  return out;
}

TEST(AreaAverage, MatchesTheBoxFilterOnThePaddedSquare) {
  struct Shape {
    int width, height;
  };
  // Square, wide, tall, one pixel thin, sides that are and are not multiples of 28.
  for (const Shape shape : {Shape{29, 29}, Shape{280, 280}, Shape{100, 37}, Shape{37, 100},
                            Shape{1, 300}, Shape{300, 1}, Shape{57, 200}, Shape{999, 998}}) {
    const int side = std::max(shape.width, shape.height);
    const int left = (side - shape.width) / 2, top = (side - shape.height) / 2;
    const LumaImage image = RandomImage(shape.width, shape.height, uint32_t(side));
    const float background = 0.8f;
    const std::vector<float> expected = PaddedAndBoxFiltered(image, background, side, left, top);
    const std::vector<float> actual = AverageCanvasOnto(image, background, side, left, top, kOut);
    ASSERT_EQ(actual.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
      ASSERT_NEAR(actual[i], expected[i], 2e-5)
          << shape.width << "x" << shape.height << " at (" << i % kOut << ", " << i / kOut << ")";
    }
  }
}

// A one-pixel-wide white line down the middle of a black 8192x8192 canvas (which is
// never built): all of it lands in column 13, at 28/8192 of full brightness.
TEST(AreaAverage, ThinLineOnAHugeCanvas) {
  const int side = 8192;
  const LumaImage image{1, side, std::vector<float>(side, 1.0f)};
  const std::vector<float> out = AverageCanvasOnto(image, 0.0f, side, side / 2 - 1, 0, kOut);
  for (size_t i = 0; i < out.size(); ++i) {
    ASSERT_NEAR(out[i], i % kOut == 13 ? 28.0 / side : 0.0, 1e-7) << i;
  }
}

}  // namespace
}  // namespace dnz::demo
