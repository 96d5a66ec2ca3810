#include "working_image.h"

#include <algorithm>

namespace dnz::demo {

double WorkingImage::InputX(double x) const {
  return std::min((x + 0.5) * factor, double(input_width));
}

double WorkingImage::InputY(double y) const {
  return std::min((y + 0.5) * factor, double(input_height));
}

void MakeWorkingImage(const LumaImage& image, bool inverted, WorkingImage* working) {
  const int side = std::max(image.width, image.height);
  const int factor = (side + kWorkingSide - 1) / kWorkingSide;
  working->factor = factor;
  working->input_width = image.width;
  working->input_height = image.height;
  working->width = (image.width + factor - 1) / factor;
  working->height = (image.height + factor - 1) / factor;
  const size_t pixels = working->pixels();
  working->ink.assign(pixels, 0.0f);
  working->scratch.assign(pixels, 0.0f);
  working->labels.assign(pixels, 0);
  working->counts.assign(size_t(working->width + 1) * size_t(working->height + 1), 0);

  // Sum each block of rows into its working row, then divide by the pixels it covered.
  const int w = working->width;
  for (int y = 0; y < image.height; ++y) {
    const float* row = image.luma.data() + size_t(y) * size_t(image.width);
    float* sums = working->ink.data() + size_t(y / factor) * size_t(w);
    for (int bx = 0; bx < w; ++bx) {
      const int x0 = bx * factor, x1 = std::min(x0 + factor, image.width);
      float sum = 0.0f;
      for (int x = x0; x < x1; ++x) sum += row[x];
      sums[bx] += sum;
    }
  }
  for (int by = 0; by < working->height; ++by) {
    const int rows = std::min(factor, image.height - by * factor);
    for (int bx = 0; bx < w; ++bx) {
      const int columns = std::min(factor, image.width - bx * factor);
      float& v = working->ink[size_t(by) * size_t(w) + size_t(bx)];
      v /= float(rows * columns);
      if (inverted) v = 1.0f - v;
    }
  }
}

}  // namespace dnz::demo
