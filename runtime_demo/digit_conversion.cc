#include "digit_conversion.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include "area_average.h"
#include "ink_finder.h"
#include "mnist_framing.h"
#include "stb_image_resize.h"
#include "working_image.h"

namespace dnz::demo {

bool FramingFromName(const std::string& name, Framing* framing) {
  const std::pair<const char*, Framing> names[] = {
      {"auto", Framing::kAuto}, {"mnist", Framing::kMnist}, {"none", Framing::kNone}};
  for (const auto& [text, value] : names) {
    if (name == text) {
      *framing = value;
      return true;
    }
  }
  return false;
}

namespace {

// An MNIST frame, enlarged: its ink's box spans 20/28 of the side (0.71), its centre of
// mass lies within half a pixel of the centre, paper is 0 and strokes near 1.
constexpr double kFillsFrame = 0.6;    // the box's longer side, of the padded square's side
constexpr double kCentred = 0.08;      // the largest offset of the centre of mass, of the side
constexpr double kFlatPaper = 0.15;    // the largest level of the fitted paper, ink-high
constexpr double kFullContrast = 0.7;  // the smallest level of the strokes

// The first and last row and column (each pixel once), walked without visiting the inside.
std::vector<float> BorderPixels(const LumaImage& image) {
  const int w = image.width, h = image.height;
  const auto at = [&image, w](int x, int y) {
    return image.luma[size_t(y) * size_t(w) + size_t(x)];
  };
  std::vector<float> border;
  border.reserve(2 * size_t(w) + 2 * size_t(h));
  for (int x = 0; x < w; ++x) border.push_back(at(x, 0));
  if (h > 1) {
    for (int x = 0; x < w; ++x) border.push_back(at(x, h - 1));
  }
  for (int y = 1; y < h - 1; ++y) {
    border.push_back(at(0, y));
    if (w > 1) border.push_back(at(w - 1, y));
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
std::vector<float> PadToSquare(const LumaImage& image, float background, int side, int left,
                               int top) {
  std::vector<float> square(size_t(side) * size_t(side), background);
  for (int y = 0; y < image.height; ++y) {
    std::copy_n(image.luma.begin() + std::ptrdiff_t(size_t(y) * size_t(image.width)), image.width,
                square.begin() + std::ptrdiff_t(size_t(y + top) * size_t(side) + size_t(left)));
  }
  return square;
}

// The plain path: centre on a square of the background, resize to 28x28 (area average),
// invert if the border is light. Shrinking never builds the square (area_average.h);
// enlarging a smaller image does, at most 27x27.
std::vector<float> PadAndResize(const LumaImage& image, DigitConversion* conversion) {
  const int side = std::max(image.width, image.height);
  const int left = (side - image.width) / 2, top = (side - image.height) / 2;
  std::vector<float> digit;
  if (side > kDigitSide) {
    digit = AverageCanvasOnto(image, conversion->background, side, left, top, kDigitSide);
  } else {
    std::vector<float> square = PadToSquare(image, conversion->background, side, left, top);
    if (side == kDigitSide) {
      digit = std::move(square);
    } else {
      digit.resize(kDigitPixels);
      if (!stbir_resize_float_generic(square.data(), side, side, 0, digit.data(), kDigitSide,
                                      kDigitSide, 0, 1, STBIR_ALPHA_CHANNEL_NONE, 0,
                                      STBIR_EDGE_CLAMP, STBIR_FILTER_BOX, STBIR_COLORSPACE_LINEAR,
                                      nullptr)) {
        return {};
      }
    }
  }
  for (float& v : digit) {
    v = std::clamp(conversion->inverted ? 1.0f - v : v, 0.0f, 1.0f);
  }
  conversion->framed = false;
  conversion->box_x = conversion->box_y = 0;
  conversion->box_width = image.width;
  conversion->box_height = image.height;
  const double scale = double(kDigitSide) / side;
  conversion->to_frame = {-double(left), -double(top), scale, scale};
  return digit;
}

// Whether the found ink already sits like an MNIST digit in the padded square.
bool LooksLikeMnistFrame(const LumaImage& image, const InkRegion& ink) {
  const double side = std::max(image.width, image.height);
  const double box = std::max(ink.x1 - ink.x0, ink.y1 - ink.y0);
  const double offset = std::max(std::fabs(ink.center_x - 0.5 * image.width),
                                 std::fabs(ink.center_y - 0.5 * image.height));
  return box >= kFillsFrame * side && offset <= kCentred * side &&
         LargestBackground(ink.background) <= kFlatPaper && ink.ink_level >= kFullContrast;
}

}  // namespace

std::vector<float> ToMnistDigit(const LumaImage& image, Framing framing,
                                DigitConversion* conversion) {
  const std::vector<float> border = BorderPixels(image);
  conversion->background = Median(border);
  conversion->inverted = MostlyLight(border);
  if (framing == Framing::kNone) {
    conversion->why_plain = "--framing none";
    return PadAndResize(image, conversion);
  }
  if (framing == Framing::kAuto && image.width == kDigitSide && image.height == kDigitSide) {
    conversion->why_plain = "already 28x28";
    return PadAndResize(image, conversion);
  }
  WorkingImage working;
  MakeWorkingImage(image, conversion->inverted, &working);
  const InkRegion ink = FindInk(&working);
  if (!ink.found) {
    conversion->why_plain = ink.why_not;
    return PadAndResize(image, conversion);
  }
  if (framing == Framing::kAuto && LooksLikeMnistFrame(image, ink)) {
    conversion->why_plain = "already an MNIST-like frame";
    return PadAndResize(image, conversion);
  }
  std::vector<float> digit;
  if (!FrameLikeMnist(image, conversion->inverted, working, ink, &digit, &conversion->to_frame)) {
    return {};
  }
  conversion->framed = true;
  conversion->box_x = ink.x0;
  conversion->box_y = ink.y0;
  conversion->box_width = ink.x1 - ink.x0;
  conversion->box_height = ink.y1 - ink.y0;
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
  for (size_t i = 0; i < values.size(); ++i) values[i] = float(pixels[i]) / 255.0f;
  return values;
}

}  // namespace dnz::demo
