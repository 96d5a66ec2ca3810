// The size of a conv's output, written once: the verifier (model_loader.cc) checks every model's
// shapes with it, and the host (the seed architecture's table, the trainer's layers, the model
// builder's float forward) computes its shapes with it.
#ifndef DNZ_INTERNAL_CONV_GEOMETRY_H_
#define DNZ_INTERNAL_CONV_GEOMETRY_H_

namespace dnz {

// H (or W) of a stride-1 conv's output: `in_side` with `pad_before` and `pad_after` zeros
// added, the kernel sliding over it (below 1: the kernel is larger than its padded input).
constexpr int ConvOutputSide(int in_side, int kernel, int pad_before, int pad_after) {
  return in_side + pad_before + pad_after - kernel + 1;
}

// H (or W) after a 2x2 stride-2 max-pool in ceil mode (Keras 'same'): 7 -> 4.
constexpr int PooledSide(int side) { return (side + 1) / 2; }

static_assert(ConvOutputSide(28, 3, 1, 1) == 28, "'same' keeps the side");
static_assert(ConvOutputSide(32, 5, 0, 0) == 28, "'valid' 5x5 takes 4");
static_assert(PooledSide(7) == 4 && PooledSide(28) == 14, "ceil mode");

}  // namespace dnz

#endif  // DNZ_INTERNAL_CONV_GEOMETRY_H_
