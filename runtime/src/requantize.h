// The integer requantization rule of the model file (RoundingMode SingleRoundHalfUp):
// one definition shared by every backend, so that all of them produce the same bytes.
#ifndef DNZ_SRC_REQUANTIZE_H_
#define DNZ_SRC_REQUANTIZE_H_

#include <cstdint>

namespace dnz {

// (acc * multiplier + 2^(shift-1)) >> shift in 64 bits: a single rounding, half up.
// The verifier guarantees multiplier in [2^30, 2^31) and shift in [1, 62], so the
// product and the rounding term fit in int64. The right shift of a negative int64
// is arithmetic on every compiler we support (GCC, Clang; C++20 makes it standard).
inline int64_t RequantizeToInt64(int32_t acc, int32_t multiplier, int shift) {
  const int64_t product = static_cast<int64_t>(acc) * multiplier;
  return (product + (int64_t{1} << (shift - 1))) >> shift;
}

// Requantized value plus zero point, clamped to [lower, 127]: lower is -128, or the
// zero point itself for a fused ReLU.
inline int8_t RequantizeToInt8(int32_t acc, int32_t multiplier, int shift, int32_t zero_point,
                               int32_t lower) {
  int64_t value = RequantizeToInt64(acc, multiplier, shift) + zero_point;
  if (value < lower) value = lower;
  if (value > 127) value = 127;
  return static_cast<int8_t>(value);
}

}  // namespace dnz

#endif  // DNZ_SRC_REQUANTIZE_H_
