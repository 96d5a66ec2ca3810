#include "data/metrics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace dnz::data {
namespace {

constexpr int kSsimWindow = 7;
constexpr double kSsimK1 = 0.01;
constexpr double kSsimK2 = 0.03;

}  // namespace

double MeanBce(const float* predicted, const float* target, size_t values) {
  if (values == 0) return 0.0;
  double sum = 0.0;
  for (size_t i = 0; i < values; ++i) {
    const double p = std::clamp(static_cast<double>(predicted[i]), kBceEpsilon, 1.0 - kBceEpsilon);
    const double t = target[i];
    sum -= t * std::log(p) + (1.0 - t) * std::log(1.0 - p);
  }
  return sum / static_cast<double>(values);
}

double ImagePsnr(const float* predicted, const float* target, size_t pixels) {
  double squared = 0.0;
  for (size_t i = 0; i < pixels; ++i) {
    const double d = static_cast<double>(predicted[i]) - static_cast<double>(target[i]);
    squared += d * d;
  }
  const double mse = squared / static_cast<double>(pixels);
  if (mse <= 0.0) return kPsnrCapDb;
  return std::min(kPsnrCapDb, 10.0 * std::log10(1.0 / mse));
}

double ImageSsim(const float* predicted, const float* target, int height, int width) {
  if (height < kSsimWindow || width < kSsimWindow) return 0.0;
  const double n = kSsimWindow * kSsimWindow;
  const double covariance_norm = n / (n - 1.0);  // skimage: use_sample_covariance=True
  const double c1 = (kSsimK1 * 1.0) * (kSsimK1 * 1.0);
  const double c2 = (kSsimK2 * 1.0) * (kSsimK2 * 1.0);
  double total = 0.0;
  int positions = 0;
  for (int y0 = 0; y0 + kSsimWindow <= height; ++y0) {
    for (int x0 = 0; x0 + kSsimWindow <= width; ++x0) {
      double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
      for (int dy = 0; dy < kSsimWindow; ++dy) {
        for (int dx = 0; dx < kSsimWindow; ++dx) {
          const size_t i = static_cast<size_t>(y0 + dy) * width + (x0 + dx);
          const double x = predicted[i];
          const double y = target[i];
          sx += x;
          sy += y;
          sxx += x * x;
          syy += y * y;
          sxy += x * y;
        }
      }
      const double ux = sx / n, uy = sy / n;
      const double vx = covariance_norm * (sxx / n - ux * ux);
      const double vy = covariance_norm * (syy / n - uy * uy);
      const double vxy = covariance_norm * (sxy / n - ux * uy);
      total += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
      ++positions;
    }
  }
  return total / positions;
}

ImageMetrics EvaluateImages(const float* predicted, const float* target, size_t count, int height,
                            int width) {
  ImageMetrics metrics;
  if (count == 0) return metrics;
  const size_t pixels = static_cast<size_t>(height) * width;
  metrics.bce = MeanBce(predicted, target, count * pixels);
  for (size_t i = 0; i < count; ++i) {
    metrics.psnr += ImagePsnr(predicted + i * pixels, target + i * pixels, pixels);
    metrics.ssim += ImageSsim(predicted + i * pixels, target + i * pixels, height, width);
  }
  metrics.psnr /= static_cast<double>(count);
  metrics.ssim /= static_cast<double>(count);
  return metrics;
}

}  // namespace dnz::data
