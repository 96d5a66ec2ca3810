#include "mnist_framing.h"

#include <algorithm>
#include <array>
#include <cmath>

#include "digit_conversion.h"
#include "stb_image_resize.h"

namespace dnz::demo {
namespace {

constexpr double kMnistCenter = 14.0;  // the frame pixel (index) MNIST centres the mass on

}  // namespace

bool FrameLikeMnist(const LumaImage& image, bool inverted, const WorkingImage& working,
                    const InkRegion& ink, std::vector<float>* digit, FrameTransform* transform) {
  const int crop_width = ink.x1 - ink.x0, crop_height = ink.y1 - ink.y0;
  const double fit = double(kMnistBox) / double(std::max(crop_width, crop_height));
  const int width = std::clamp(int(std::lround(crop_width * fit)), 1, kMnistBox);
  const int height = std::clamp(int(std::lround(crop_height * fit)), 1, kMnistBox);
  const double scale_x = double(width) / crop_width, scale_y = double(height) / crop_height;

  // The box at its 20x20 size: area averaging when shrinking, linear when enlarging.
  std::array<float, kMnistBox * kMnistBox> box;
  const float* crop = image.luma.data() + size_t(ink.y0) * size_t(image.width) + size_t(ink.x0);
  const stbir_filter filter = fit < 1.0 ? STBIR_FILTER_BOX : STBIR_FILTER_TRIANGLE;
  if (!stbir_resize_float_generic(crop, crop_width, crop_height, int(sizeof(float)) * image.width,
                                  box.data(), width, height, 0, 1, STBIR_ALPHA_CHANNEL_NONE, 0,
                                  STBIR_EDGE_CLAMP, filter, STBIR_COLORSPACE_LINEAR, nullptr)) {
    return false;
  }

  // Paper -> 0, strokes -> 1; what lies away from the kept marks (a speck inside the box) -> 0.
  const float range = ink.ink_level - ink.paper_level;
  double mass = 0, mass_x = 0, mass_y = 0;
  for (int y = 0; y < height; ++y) {
    const double top = ink.y0 + y / scale_y, bottom = ink.y0 + (y + 1) / scale_y;
    const double v = 0.5 * (top + bottom) / image.height;
    for (int x = 0; x < width; ++x) {
      const double left = ink.x0 + x / scale_x, right = ink.x0 + (x + 1) / scale_x;
      float& value = box[size_t(y * width + x)];
      if (!KeptInkIn(working, left, top, right, bottom)) {
        value = 0.0f;
        continue;
      }
      const double u = 0.5 * (left + right) / image.width;
      const float residual =
          (inverted ? 1.0f - value : value) - float(ink.background.At(u, v)) - ink.paper_level;
      value = std::clamp(residual / range, 0.0f, 1.0f);
      mass += value, mass_x += double(value) * x, mass_y += double(value) * y;
    }
  }

  // A whole-pixel shift, as MNIST made, of the centre of mass to (14, 14); the box stays
  // inside the frame.
  const double center_x = mass > 0 ? mass_x / mass : 0.5 * (width - 1);
  const double center_y = mass > 0 ? mass_y / mass : 0.5 * (height - 1);
  const int left = std::clamp(int(std::lround(kMnistCenter - center_x)), 0, kDigitSide - width);
  const int top = std::clamp(int(std::lround(kMnistCenter - center_y)), 0, kDigitSide - height);
  digit->assign(kDigitPixels, 0.0f);
  for (int y = 0; y < height; ++y) {
    std::copy_n(box.begin() + y * width, width, digit->begin() + (top + y) * kDigitSide + left);
  }
  transform->scale_x = scale_x;
  transform->scale_y = scale_y;
  transform->origin_x = ink.x0 - left / scale_x;
  transform->origin_y = ink.y0 - top / scale_y;
  return true;
}

}  // namespace dnz::demo
