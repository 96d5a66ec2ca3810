// A tiny batch of digit-like blobs with noise, and initial weights whose layer-13 ReLU is
// alive on it: the inputs of the whole-network gradient tests of every backend.
#ifndef DNZ_TESTS_TRAIN_TINY_BATCH_H_
#define DNZ_TESTS_TRAIN_TINY_BATCH_H_

#include <memory>
#include <string>
#include <vector>

#include "network/backend.h"

namespace dnz::train {

struct TinyBatch {
  std::vector<float> clean, noisy;
};

// `batch` blurry blobs (smooth targets in [0, 1]) and their noisy copies (factor 0.7).
TinyBatch MakeBatch(int batch);

// The first Glorot draw (seeds 1, 2, ...) whose layer-13 ReLU is alive on the batch (else
// most gradients are 0).
std::vector<double> AliveParams(const TinyBatch& b, int batch);

// What every backend's gradient test compares against: the double reference's loss, logits and
// gradients (flat layout) on a tiny batch from alive weights.
struct ReferenceCase {
  int batch = 0;
  TinyBatch images;
  std::vector<double> params;
  std::vector<double> grads;
  std::vector<double> logits;  // [batch][28][28]: the last conv's output before the sigmoid
  double loss = 0.0;
  std::vector<float> FloatParams() const { return {params.begin(), params.end()}; }
};
ReferenceCase MakeReferenceCase(int batch);

// The same with fake-quantized activations (quantization-aware training): grids from the
// export's calibration of these weights on the batch's noisy images, each ReLU range cut to
// 70% so that the top of every grid clamps values (and its backward stops their gradients).
struct QuantizedReferenceCase : ReferenceCase {
  ActivationQuant quant;
};
QuantizedReferenceCase MakeQuantizedReferenceCase(int batch);

// A backend's fake-quantized loss, gradients and logits against the case's (the tolerances
// and what they were measured as are in tiny_batch.cc).
void ExpectFakeQuantizedPassMatches(TrainBackend* backend, const QuantizedReferenceCase& ref);

// The CPU backend for batches of `batch` in `precision`; null with *error set where this
// build or CPU has none.
std::unique_ptr<TrainBackend> MakeCpuBackend(int batch, const std::string& precision,
                                             std::string* error);

// The dead-bottleneck guard's measure on `backend` (built for `batch` images): the share of
// layer 13's outputs above zero is between 0 and 1 for alive weights, 0 with layer 13's bias
// far below zero (a dead ReLU) and 1 with it far above.
void ExpectBottleneckFractionTellsDeadFromAlive(TrainBackend* backend, int batch);

// Each layer's gradient points the reference's way (cosine above `min_cosine`) with a
// length within `length_tolerance` of the reference's: how 16-bit backends are checked.
void ExpectLayerGradientsAlign(const std::vector<float>& got, const std::vector<double>& want,
                               double min_cosine, double length_tolerance);

}  // namespace dnz::train

#endif  // DNZ_TESTS_TRAIN_TINY_BATCH_H_
