// Adam exactly as Keras 2 (tf.keras.optimizers.Adam, TF 2.x) applies it:
//   lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)
//   m = beta1 * m + (1 - beta1) * g
//   v = beta2 * v + (1 - beta2) * g^2
//   w -= lr_t * m / (sqrt(v) + epsilon)
// i.e. epsilon is added to sqrt(v), not to sqrt(v_hat) as in PyTorch and the Adam paper
// (Keras' epsilon is the paper's "epsilon hat"). With epsilon 1e-7 the two differ only
// while v is tiny.
#ifndef DNZ_HOST_TRAIN_OPTIMIZE_ADAM_H_
#define DNZ_HOST_TRAIN_OPTIMIZE_ADAM_H_

#include <math.h>

#include <cstddef>
#include <cstdint>

namespace dnz::train {

struct AdamConfig {
  float learning_rate = 0.001f;
  float beta1 = 0.9f;
  float beta2 = 0.999f;
  float epsilon = 1e-7f;
};

// lr_t of step `t` (1-based), in double: the one formula, for the CPU here and for the GPU's
// kernels (host_train/cuda/kernels.cu), which compute it on the device.
#if defined(__CUDACC__)
__host__ __device__
#endif
    inline double
    AdamStepSizeOf(double learning_rate, double beta1, double beta2, double t) {
  return learning_rate * sqrt(1.0 - pow(beta2, t)) / (1.0 - pow(beta1, t));
}

// The same, rounded to float, as the updates use it.
float AdamStepSize(const AdamConfig& config, int64_t t);

// One update of `count` parameters at step `t` (1-based). m and v are updated in place.
void AdamUpdate(const AdamConfig& config, int64_t t, size_t count, float* params,
                const float* grads, float* m, float* v);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_OPTIMIZE_ADAM_H_
