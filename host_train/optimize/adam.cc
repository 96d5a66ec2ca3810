#include "optimize/adam.h"

#include <cmath>
#include <cstdint>

namespace dnz::train {

float AdamStepSize(const AdamConfig& config, int64_t t) {
  return static_cast<float>(
      AdamStepSizeOf(config.learning_rate, config.beta1, config.beta2, static_cast<double>(t)));
}

void AdamUpdate(const AdamConfig& config, int64_t t, size_t count, float* params,
                const float* grads, float* m, float* v) {
  const float lr_t = AdamStepSize(config, t);
  const float b1 = config.beta1, b2 = config.beta2, eps = config.epsilon;
  const float one_minus_b1 = 1.0f - b1, one_minus_b2 = 1.0f - b2;
  const long n = static_cast<long>(count);
#pragma omp parallel for simd schedule(static)
  for (long i = 0; i < n; ++i) {
    const float g = grads[i];
    const float mi = b1 * m[i] + one_minus_b1 * g;
    const float vi = b2 * v[i] + one_minus_b2 * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] -= lr_t * mi / (std::sqrt(vi) + eps);
  }
}

}  // namespace dnz::train
