// Sigmoid + binary cross-entropy fused on logits, the numerically stable form
//   loss(z, y) = max(z, 0) - z * y + log(1 + exp(-|z|))
//   dloss/dz   = sigmoid(z) - y
// which is what Keras computes when a sigmoid layer feeds binary_crossentropy.
#ifndef DNZ_HOST_TRAIN_OPTIMIZE_BCE_LOSS_H_
#define DNZ_HOST_TRAIN_OPTIMIZE_BCE_LOSS_H_

#include <cstddef>

namespace dnz::train {

// Mean loss over images x pixels_per_image values; if `diff_logits` is not null it gets the
// gradient of that mean. Per-image partial sums make the result independent of threads.
double SigmoidBceMean(const float* logits, const float* target, size_t images,
                      size_t pixels_per_image, float* diff_logits);

void Sigmoid(const float* logits, size_t count, float* probabilities);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_OPTIMIZE_BCE_LOSS_H_
