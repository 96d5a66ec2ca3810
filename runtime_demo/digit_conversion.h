// Turns any image into what the model was trained on: a 28x28 MNIST-style digit, light
// strokes on a dark background, values in [0, 1]. Two paths (docs/runtime_demo.md):
//
// Plain (today's, for inputs that already are MNIST-like):
//   1. Luminance (done by ReadLumaImage).
//   2. Background = the median of the border pixels (first/last row and column).
//   3. Pad to a square with the background value, the image centred, so that the
//      digit keeps its aspect ratio.
//   4. Resize to 28x28 by area averaging: each output pixel is the mean of the square's
//      area it covers (area_average.h, which never builds the square when shrinking;
//      stb_image_resize's box filter to enlarge an image under 28 pixels).
//   5. Invert (v -> 1 - v) when the border is mostly light: more than half of the
//      border pixels have luminance >= 0.5, i.e. a dark digit on white paper.
//
// MNIST framing (for photos and scans, where the digit does not fill the frame): the same
// polarity rule, then ink_finder.h finds the digit and mnist_framing.h frames it.
//
// `auto` frames unless the input is 28x28, has no clear ink region (MNIST with heavy
// noise), or already looks like an MNIST frame (the ink fills and is centred in the padded
// square, on flat dark paper, at full contrast).
#ifndef DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_
#define DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "frame_transform.h"
#include "image_decode.h"

namespace dnz::demo {

constexpr int kDigitSide = 28;
constexpr int kDigitPixels = kDigitSide * kDigitSide;

enum class Framing { kAuto, kMnist, kNone };
// "auto", "mnist" or "none" (runtime_demo --framing, dnz.load_image); false for any other name.
bool FramingFromName(const std::string& name, Framing* framing);

struct DigitConversion {
  float background = 0.0f;  // the border's median luminance, before any inversion
  bool inverted = false;    // the border was mostly light
  bool framed = false;      // the MNIST framing path was taken
  std::string why_plain;    // when not framed: why, for the report
  // The input rectangle the digit came from: the ink's box when framed, else the image.
  int box_x = 0, box_y = 0, box_width = 0, box_height = 0;
  FrameTransform to_frame;  // input pixels -> 28x28 frame pixels
};

// Returns kDigitPixels values, [28][28] in [0, 1]; empty if the resizer failed.
std::vector<float> ToMnistDigit(const LumaImage& image, Framing framing,
                                DigitConversion* conversion);

// [0, 1] -> 0..255, rounded to nearest.
std::vector<uint8_t> ToPixels(const std::vector<float>& values);
std::vector<float> FromPixels(const std::vector<uint8_t>& pixels);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_DIGIT_CONVERSION_H_
