#include "optimize/bce_loss.h"

#include <cmath>
#include <vector>

namespace dnz::train {

double SigmoidBceMean(const float* logits, const float* target, size_t images,
                      size_t pixels_per_image, float* diff_logits) {
  if (images == 0 || pixels_per_image == 0) return 0.0;
  std::vector<double> per_image(images, 0.0);
  const float scale = static_cast<float>(
      1.0 / (static_cast<double>(images) * static_cast<double>(pixels_per_image)));
  const long n = static_cast<long>(images);
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; ++i) {
    const float* z = logits + static_cast<size_t>(i) * pixels_per_image;
    const float* y = target + static_cast<size_t>(i) * pixels_per_image;
    double sum = 0.0;
    for (size_t p = 0; p < pixels_per_image; ++p) {
      const double zd = z[p];
      sum += std::fmax(zd, 0.0) - zd * y[p] + std::log1p(std::exp(-std::fabs(zd)));
    }
    per_image[static_cast<size_t>(i)] = sum;
    if (diff_logits != nullptr) {
      float* dz = diff_logits + static_cast<size_t>(i) * pixels_per_image;
      for (size_t p = 0; p < pixels_per_image; ++p) {
        const float s = 1.0f / (1.0f + std::exp(-z[p]));
        dz[p] = (s - y[p]) * scale;
      }
    }
  }
  double total = 0.0;
  for (double s : per_image) total += s;
  return total / (static_cast<double>(images) * static_cast<double>(pixels_per_image));
}

void Sigmoid(const float* logits, size_t count, float* probabilities) {
  for (size_t i = 0; i < count; ++i) probabilities[i] = 1.0f / (1.0f + std::exp(-logits[i]));
}

}  // namespace dnz::train
