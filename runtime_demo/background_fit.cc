#include "background_fit.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace dnz::demo {
namespace {

constexpr int kBlocksPerSide = 16;  // along the longer side
constexpr int kMaxBlocks = kBlocksPerSide * kBlocksPerSide;
constexpr double kBlockPercentile = 0.3;  // paper, unless strokes cover 70% of the block
constexpr double kOutlierSigmas = 2.5;
constexpr double kMinSpread = 0.005;  // noise-free images: still keep blocks within 0.0125
constexpr int kFitRounds = 8;
constexpr int kPlaneTerms = 3, kQuadraticTerms = 6;

struct Sample {
  double u = 0, v = 0, z = 0;
  bool used = true;
};

void Terms(double u, double v, double* t) {
  t[0] = 1, t[1] = u, t[2] = v, t[3] = u * u, t[4] = u * v, t[5] = v * v;
}

// Least squares over the used samples with the first `terms` terms; false if singular.
bool SolveLeastSquares(const std::array<Sample, kMaxBlocks>& samples, int count, int terms,
                       BackgroundSurface* surface) {
  double a[6][7] = {};
  for (int i = 0; i < count; ++i) {
    if (!samples[size_t(i)].used) continue;
    double t[6];
    Terms(samples[size_t(i)].u, samples[size_t(i)].v, t);
    for (int r = 0; r < terms; ++r) {
      for (int c = 0; c < terms; ++c) a[r][c] += t[r] * t[c];
      a[r][terms] += t[r] * samples[size_t(i)].z;
    }
  }
  for (int col = 0; col < terms; ++col) {  // Gaussian elimination, partial pivoting
    int pivot = col;
    for (int r = col + 1; r < terms; ++r) {
      if (std::fabs(a[r][col]) > std::fabs(a[pivot][col])) pivot = r;
    }
    if (std::fabs(a[pivot][col]) < 1e-9) return false;
    std::swap(a[col], a[pivot]);
    for (int r = 0; r < terms; ++r) {
      if (r == col) continue;
      const double f = a[r][col] / a[col][col];
      for (int c = col; c <= terms; ++c) a[r][c] -= f * a[col][c];
    }
  }
  *surface = BackgroundSurface{};
  for (int r = 0; r < terms; ++r) surface->c[r] = a[r][terms] / a[r][r];
  return true;
}

// Fits with at most `terms` terms, as many as the used samples support: 6 (quadratic),
// 3 (plane) or 1.
BackgroundSurface Fit(const std::array<Sample, kMaxBlocks>& samples, int count, int terms) {
  int used = 0;
  for (int i = 0; i < count; ++i) used += samples[size_t(i)].used ? 1 : 0;
  BackgroundSurface surface;
  if (terms >= kQuadraticTerms && used >= 12 &&
      SolveLeastSquares(samples, count, kQuadraticTerms, &surface)) {
    return surface;
  }
  if (used >= 6 && SolveLeastSquares(samples, count, kPlaneTerms, &surface)) return surface;
  SolveLeastSquares(samples, count, 1, &surface);
  return surface;
}

}  // namespace

BackgroundSurface FitBackground(WorkingImage* working) {
  const int w = working->width, h = working->height;
  const int block = std::max(1, (std::max(w, h) + kBlocksPerSide - 1) / kBlocksPerSide);
  std::array<Sample, kMaxBlocks> samples;
  int count = 0;
  for (int y0 = 0; y0 < h; y0 += block) {
    for (int x0 = 0; x0 < w; x0 += block) {
      const int x1 = std::min(x0 + block, w), y1 = std::min(y0 + block, h);
      float* values = working->scratch.data();
      size_t n = 0;
      for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) values[n++] = working->ink[size_t(y) * size_t(w) + size_t(x)];
      }
      const size_t k = size_t(double(n - 1) * kBlockPercentile);
      std::nth_element(values, values + k, values + n);
      Sample& s = samples[size_t(count++)];
      s.u = working->InputX(0.5 * (x0 + x1) - 0.5) / working->input_width;
      s.v = working->InputY(0.5 * (y0 + y1) - 0.5) / working->input_height;
      s.z = values[k];
    }
  }
  // Strokes only ever lift a block above the paper, so the fit descends onto the paper:
  // each round keeps the blocks at most kOutlierSigmas above the surface, the spread
  // measured on the blocks below it. A plane first, the quadratic once the strokes are out.
  BackgroundSurface surface = Fit(samples, count, kPlaneTerms);
  for (int round = 1; round < kFitRounds; ++round) {
    double below = 0.0;
    int n = 0;
    for (int i = 0; i < count; ++i) {
      const Sample& s = samples[size_t(i)];
      const double r = s.z - surface.At(s.u, s.v);
      if (s.used && r < 0) below += r * r, ++n;
    }
    const double limit = kOutlierSigmas * std::max(n > 0 ? std::sqrt(below / n) : 0.0, kMinSpread);
    for (int i = 0; i < count; ++i) {
      Sample& s = samples[size_t(i)];
      s.used = s.z - surface.At(s.u, s.v) <= limit;
    }
    surface = Fit(samples, count, round < kFitRounds / 2 ? kPlaneTerms : kQuadraticTerms);
  }
  return surface;
}

double LargestBackground(const BackgroundSurface& surface) {
  double largest = 0.0;
  constexpr int kSteps = 8;
  for (int j = 0; j <= kSteps; ++j) {
    for (int i = 0; i <= kSteps; ++i) {
      largest = std::max(largest, std::fabs(surface.At(double(i) / kSteps, double(j) / kSteps)));
    }
  }
  return largest;
}

}  // namespace dnz::demo
