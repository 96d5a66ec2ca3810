#include "digit_conversion.h"

#include <algorithm>
#include <cmath>

#include "stb_image_resize.h"

namespace dnz::demo {
namespace {

std::vector<float> BorderPixels(const LumaImage& image) {
  const int w = image.width, h = image.height;
  std::vector<float> border;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      if (y == 0 || y == h - 1 || x == 0 || x == w - 1) {
        border.push_back(image.luma[size_t(y) * size_t(w) + size_t(x)]);
      }
    }
  }
  return border;
}

float Median(std::vector<float> values) {
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(middle), values.end());
  return values[middle];
}

bool MostlyLight(const std::vector<float>& border) {
  const size_t light =
      size_t(std::count_if(border.begin(), border.end(), [](float v) { return v >= 0.5f; }));
  return light * 2 > border.size();
}

// The image centred on a square canvas filled with `background`.
std::vector<float> PadToSquare(const LumaImage& image, float background, int* side) {
  *side = std::max(image.width, image.height);
  std::vector<float> square(size_t(*side) * size_t(*side), background);
  const int left = (*side - image.width) / 2, top = (*side - image.height) / 2;
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(image.luma.begin() + std::ptrdiff_t(size_t(y) * size_t(image.width)), image.width,
                square.begin() + std::ptrdiff_t(size_t(y + top) * size_t(*side) + size_t(left)));
  }
  return square;
}

}  // namespace

std::vector<float> ToMnistDigit(const LumaImage& image, DigitConversion* conversion) {
  const std::vector<float> border = BorderPixels(image);
  conversion->background = Median(border);
  conversion->inverted = MostlyLight(border);
  int side = 0;
  std::vector<float> square = PadToSquare(image, conversion->background, &side);
  std::vector<float> digit(kDigitPixels);
  if (side == kDigitSide) {
    digit = std::move(square);
  } else if (!stbir_resize_float_generic(square.data(), side, side, 0, digit.data(), kDigitSide,
                                         kDigitSide, 0, 1, STBIR_ALPHA_CHANNEL_NONE, 0,
                                         STBIR_EDGE_CLAMP, STBIR_FILTER_BOX,
                                         STBIR_COLORSPACE_LINEAR, nullptr)) {
    return {};
  }
  for (float& v : digit) {
    v = std::clamp(conversion->inverted ? 1.0f - v : v, 0.0f, 1.0f);
  }
  return digit;
}

std::vector<uint8_t> ToPixels(const std::vector<float>& values) {
  std::vector<uint8_t> pixels(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    pixels[i] = uint8_t(std::lround(std::clamp(values[i], 0.0f, 1.0f) * 255.0f));
  }
  return pixels;
}

std::vector<float> FromPixels(const std::vector<uint8_t>& pixels) {
  std::vector<float> values(pixels.size());
  for (size_t i = 0; i < pixels.size(); ++i) values[i] = float(pixels[i]) / 255.0f;
  return values;
}

}  // namespace dnz::demo
