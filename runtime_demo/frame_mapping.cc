#include "frame_mapping.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "digit_conversion.h"
#include "stb_image_resize.h"

namespace dnz::demo {
namespace {

uint8_t ToByte(double v) { return uint8_t(std::lround(std::clamp(v, 0.0, 1.0) * 255.0)); }

// Bilinear sample of a [28][28] digit at continuous frame coordinates; 0 outside.
double SampleDigit(const std::vector<uint8_t>& digit, double fx, double fy) {
  const double x = fx - 0.5, y = fy - 0.5;  // to pixel-centre coordinates
  const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
  const double ax = x - x0, ay = y - y0;
  const auto at = [&digit](int px, int py) {
    if (px < 0 || py < 0 || px >= kDigitSide || py >= kDigitSide) return 0.0;
    return digit[size_t(py * kDigitSide + px)] / 255.0;
  };
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
         ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
}

}  // namespace

std::vector<uint8_t> InputUnderFrame(const LumaImage& image, const FrameTransform& to_frame,
                                     float background, int side) {
  std::vector<uint8_t> panel(size_t(side) * size_t(side), ToByte(background));
  const double per_frame_pixel = double(side) / kDigitSide;
  // The input pixels under the frame, and the panel rectangle they land on.
  const int x0 = std::max(0, int(std::floor(to_frame.InputX(0))));
  const int y0 = std::max(0, int(std::floor(to_frame.InputY(0))));
  const int x1 = std::min(image.width, int(std::ceil(to_frame.InputX(kDigitSide))));
  const int y1 = std::min(image.height, int(std::ceil(to_frame.InputY(kDigitSide))));
  const auto panel_x = [&](int x) {
    return std::clamp(
        int(std::lround((x - to_frame.origin_x) * to_frame.scale_x * per_frame_pixel)), 0, side);
  };
  const auto panel_y = [&](int y) {
    return std::clamp(
        int(std::lround((y - to_frame.origin_y) * to_frame.scale_y * per_frame_pixel)), 0, side);
  };
  const int left = panel_x(x0), right = panel_x(x1), top = panel_y(y0), bottom = panel_y(y1);
  if (x1 <= x0 || y1 <= y0 || right <= left || bottom <= top) return panel;
  std::vector<float> region(size_t(right - left) * size_t(bottom - top));
  const float* source = image.luma.data() + size_t(y0) * size_t(image.width) + size_t(x0);
  if (!stbir_resize_float_generic(source, x1 - x0, y1 - y0, int(sizeof(float)) * image.width,
                                  region.data(), right - left, bottom - top, 0, 1,
                                  STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_FILTER_BOX,
                                  STBIR_COLORSPACE_LINEAR, nullptr)) {
    return {};
  }
  for (int y = top; y < bottom; ++y) {
    for (int x = left; x < right; ++x) {
      panel[size_t(y) * size_t(side) + size_t(x)] =
          ToByte(region[size_t(y - top) * size_t(right - left) + size_t(x - left)]);
    }
  }
  return panel;
}

std::vector<uint8_t> DigitAtInputSize(const std::vector<uint8_t>& denoised,
                                      const FrameTransform& to_frame, int width, int height,
                                      bool inverted) {
  std::vector<uint8_t> picture(size_t(width) * size_t(height), inverted ? 255 : 0);
  const int x0 = std::max(0, int(std::floor(to_frame.InputX(0))));
  const int y0 = std::max(0, int(std::floor(to_frame.InputY(0))));
  const int x1 = std::min(width, int(std::ceil(to_frame.InputX(kDigitSide))));
  const int y1 = std::min(height, int(std::ceil(to_frame.InputY(kDigitSide))));
  for (int y = y0; y < y1; ++y) {
    const double fy = (y + 0.5 - to_frame.origin_y) * to_frame.scale_y;
    for (int x = x0; x < x1; ++x) {
      const double fx = (x + 0.5 - to_frame.origin_x) * to_frame.scale_x;
      const double ink = SampleDigit(denoised, fx, fy);
      picture[size_t(y) * size_t(width) + size_t(x)] = ToByte(inverted ? 1.0 - ink : ink);
    }
  }
  return picture;
}

}  // namespace dnz::demo
