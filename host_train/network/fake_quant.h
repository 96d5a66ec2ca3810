// Fake quantization of activations for quantization-aware training (host_train --qat): a
// tensor's values replaced by the nearest value its int8 grid in the model file can hold,
// real = scale * (q - zero_point) with q in [-128, 127] (docs/quantization.md), and the
// straight-through estimator's backward: the gradient passes where the quantized value lies
// strictly inside the grid's ends, and is zero where it was clamped to one of them.
//
// Written once for the CPU backend, the GPU kernels (kernels.cu) and their CPU emulation;
// the double reference (reference/reference_layers.h) writes the same rule in double.
#ifndef DNZ_HOST_TRAIN_NETWORK_FAKE_QUANT_H_
#define DNZ_HOST_TRAIN_NETWORK_FAKE_QUANT_H_

#include <math.h>

#if defined(__CUDACC__)
#define DNZ_FAKE_QUANT_FN __host__ __device__ __forceinline__
#else
#define DNZ_FAKE_QUANT_FN inline
#endif

namespace dnz::train {

// One tensor's grid: ReLU outputs use zero_point -128 (real 0 .. 255 * scale), the logits an
// asymmetric one (dnz::build::ConvOutputGrids).
struct FakeQuantGrid {
  float scale = 1.0f;
  int zero_point = 0;
};

// q = clamp(floor(x / scale + 0.5) + zero_point, -128, 127), as a float; NaN gives -128.
DNZ_FAKE_QUANT_FN float FakeQuantLevel(float x, FakeQuantGrid grid) {
  const float q = floorf(x / grid.scale + 0.5f) + static_cast<float>(grid.zero_point);
  return fminf(fmaxf(q, -128.0f), 127.0f);
}

DNZ_FAKE_QUANT_FN float FakeQuantize(float x, FakeQuantGrid grid) {
  return grid.scale * (FakeQuantLevel(x, grid) - static_cast<float>(grid.zero_point));
}

// The gradient at a fake-quantized value `y` (an output of FakeQuantize).
DNZ_FAKE_QUANT_FN float FakeQuantBackward(float y, float grad, FakeQuantGrid grid) {
  const float q = FakeQuantLevel(y, grid);
  return q > -128.0f && q < 127.0f ? grad : 0.0f;
}

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_FAKE_QUANT_H_
