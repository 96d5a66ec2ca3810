// A tiny batch of digit-like blobs with noise, and initial weights whose layer-13 ReLU is
// alive on it: the inputs of the whole-network gradient tests of every backend.
#ifndef DNZ_TESTS_TRAIN_TINY_BATCH_H_
#define DNZ_TESTS_TRAIN_TINY_BATCH_H_

#include <vector>

namespace dnz::train {

struct TinyBatch {
  std::vector<float> clean, noisy;
};

// `batch` blurry blobs (smooth targets in [0, 1]) and their noisy copies (factor 0.7).
TinyBatch MakeBatch(int batch);

// The first Glorot draw (seeds 1, 2, ...) whose layer-13 ReLU is alive on the batch (else
// most gradients are 0).
std::vector<double> AliveParams(const TinyBatch& b, int batch);

}  // namespace dnz::train

#endif  // DNZ_TESTS_TRAIN_TINY_BATCH_H_
