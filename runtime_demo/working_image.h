// A small copy of the input for finding the digit: at most kWorkingSide pixels per side, each
// working pixel the mean of a factor x factor block of input pixels, with the polarity applied
// so that ink is high and paper low (as in MNIST). Finding the ink at this size keeps the
// conversion of a 12-megapixel photo fast; the digit itself is later resampled from the
// full-resolution input.
//
// Every plane the ink finder needs is allocated here, once, in proportion to the working size.
#ifndef DNZ_RUNTIME_DEMO_WORKING_IMAGE_H_
#define DNZ_RUNTIME_DEMO_WORKING_IMAGE_H_

#include <cstdint>
#include <vector>

#include "image_decode.h"

namespace dnz::demo {

// 512 keeps strokes of a digit that spans a tenth of a 4000-pixel photo 3 pixels wide.
constexpr int kWorkingSide = 512;

struct WorkingImage {
  int factor = 1;  // input pixel (x, y) lies in working pixel (x / factor, y / factor)
  int width = 0;
  int height = 0;
  int input_width = 0;
  int input_height = 0;
  std::vector<float> ink;       // [height][width]: ink-high luminance, later its residual
  std::vector<float> scratch;   // [height][width]: blur and percentile scratch
  std::vector<int32_t> labels;  // [height][width]: connected components, later the kept mask
  std::vector<int32_t> counts;  // [height + 1][width + 1]: flood-fill queue, later an integral
                                // image of the kept mask
  size_t pixels() const { return size_t(width) * size_t(height); }
  // The input coordinates of working pixel (x, y)'s centre.
  double InputX(double x) const;
  double InputY(double y) const;
};

// Fills `working` from `image`; `inverted` maps v -> 1 - v (dark ink on light paper).
void MakeWorkingImage(const LumaImage& image, bool inverted, WorkingImage* working);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_WORKING_IMAGE_H_
