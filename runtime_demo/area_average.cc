#include "area_average.h"

#include <algorithm>
#include <cstdint>

namespace dnz::demo {
namespace {

// Where one canvas pixel's span lands in the output: the cell its start falls in, the
// share of the output cell it covers there, and the share it covers in the next cell (0
// unless it straddles the boundary). Computed in integers, so shares are exact ratios.
struct Footprint {
  int cell = 0;
  double first = 0.0;
  double second = 0.0;
};

std::vector<Footprint> Footprints(int count, int offset, int side, int out_side) {
  std::vector<Footprint> footprints(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    // Canvas pixel c spans [c, c + 1), i.e. [c * out, (c + 1) * out) / side in output cells.
    const int64_t c = int64_t(i) + offset;
    const int64_t start = c * out_side, end = (c + 1) * out_side;
    const int64_t cell = start / side, boundary = (cell + 1) * side;
    Footprint& footprint = footprints[size_t(i)];
    footprint.cell = int(cell);
    if (end <= boundary || cell + 1 >= out_side) {
      footprint.first = double(end - start) / side;
    } else {
      footprint.first = double(boundary - start) / side;
      footprint.second = double(end - boundary) / side;
    }
  }
  return footprints;
}

}  // namespace

std::vector<float> AverageCanvasOnto(const LumaImage& image, float background, int side, int left,
                                     int top, int out_side) {
  const std::vector<Footprint> columns = Footprints(image.width, left, side, out_side);
  const std::vector<Footprint> rows = Footprints(image.height, top, side, out_side);
  // The background's weights sum to one in every output pixel, so the result is the
  // background plus the image's weighted difference from it.
  std::vector<double> sums(size_t(out_side) * size_t(out_side), 0.0);
  std::vector<double> row_sums(static_cast<size_t>(out_side));
  for (int y = 0; y < image.height; ++y) {
    std::fill(row_sums.begin(), row_sums.end(), 0.0);
    const float* line = image.luma.data() + size_t(y) * size_t(image.width);
    for (int x = 0; x < image.width; ++x) {
      const double value = double(line[x]) - background;
      const Footprint& column = columns[size_t(x)];
      row_sums[size_t(column.cell)] += column.first * value;
      if (column.second != 0.0) row_sums[size_t(column.cell) + 1] += column.second * value;
    }
    const Footprint& row = rows[size_t(y)];
    double* first = sums.data() + size_t(row.cell) * size_t(out_side);
    for (int x = 0; x < out_side; ++x) first[x] += row.first * row_sums[size_t(x)];
    if (row.second != 0.0) {
      double* second = first + out_side;
      for (int x = 0; x < out_side; ++x) second[x] += row.second * row_sums[size_t(x)];
    }
  }
  std::vector<float> out(sums.size());
  for (size_t i = 0; i < sums.size(); ++i) out[i] = float(background + sums[i]);
  return out;
}

}  // namespace dnz::demo
