// Turns any image into what the model was trained on: a 28x28 MNIST-style digit, light
// strokes on a dark background, values in [0, 1].
//
//   1. Luminance (done by ReadLumaImage).
//   2. Background = the median of the border pixels (first/last row and column).
//   3. Pad to a square with the background value, the image centred, so that the
//      digit keeps its aspect ratio.
//   4. Resize to 28x28 with an area-average (box) filter (stb_image_resize,
//      STBIR_FILTER_BOX): each output pixel is the mean of the input area it covers.
//   5. Invert (v -> 1 - v) when the border is mostly light: more than half of the
//      border pixels have luminance >= 0.5, i.e. a dark digit on white paper.
#ifndef DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_
#define DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_

#include <cstdint>
#include <vector>

#include "image_decode.h"

namespace dnz::demo {

constexpr int kDigitSide = 28;
constexpr int kDigitPixels = kDigitSide * kDigitSide;

struct DigitConversion {
  float background = 0.0f;  // the padding value, before any inversion
  bool inverted = false;    // the border was mostly light
};

// Returns kDigitPixels values, [28][28] in [0, 1]; empty if the resizer failed.
std::vector<float> ToMnistDigit(const LumaImage& image, DigitConversion* conversion);

// [0, 1] -> 0..255, rounded to nearest.
std::vector<uint8_t> ToPixels(const std::vector<float>& values);
std::vector<float> FromPixels(const std::vector<uint8_t>& pixels);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_
