// The integer requantization rule of the model file (RoundingMode SingleRoundHalfUp):
// one definition shared by every backend, so that all of them produce the same bytes.
#ifndef DNZ_INTERNAL_REQUANTIZE_H_
#define DNZ_INTERNAL_REQUANTIZE_H_

#include <cstdint>

#include "dnz/dnz.h"

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

// The lowest value a conv's activation lets through: its output zero point (the
// real value 0) for a fused ReLU, else -128.
inline int32_t ActivationLowerBound(const dnz_op& op, int32_t out_zero_point) {
  return op.activation == DNZ_ACT_RELU ? out_zero_point : -128;
}

// The activation rule, one accumulator of output channel oc: requantize, then ReLU
// (a clamp at the zero point) or none; a sigmoid requantizes to the op's
// pre-activation quantization and looks the result up in its 256-entry table.
// Every backend produces exactly this value (the x86 kernels in SIMD form).
inline int8_t RequantizeActivate(const dnz_op& op, int32_t out_zero_point, int32_t acc,
                                 int32_t oc) {
  const int32_t multiplier = op.requant_multiplier[oc];
  const int shift = op.requant_shift[oc];
  if (op.activation == DNZ_ACT_SIGMOID) {
    const int8_t pre = RequantizeToInt8(acc, multiplier, shift, op.preact_zero_point, -128);
    return op.activation_table[int32_t(pre) + 128];
  }
  return RequantizeToInt8(acc, multiplier, shift, out_zero_point,
                          ActivationLowerBound(op, out_zero_point));
}

// The same result in 32-bit lanes, for SIMD, when shift >= 33:
//   floor((P + 2^(s-1)) / 2^s) = floor((floor(P / 2^32) + 2^(s-33)) / 2^(s-32))
// because 2^(s-1) is a multiple of 2^32. floor(P / 2^32) is the high word of the
// 64-bit product (compilers turn this into a vector multiply-high), and the sum
// cannot overflow: |P| < 2^62. Callers precompute rounding = 2^(s-33) and
// shift32 = s - 32.
constexpr int kMinShiftForHigh32 = 33;
inline int32_t RequantizeHigh32(int32_t acc, int32_t multiplier, int32_t rounding,
                                int32_t shift32) {
  const int32_t high = int32_t((int64_t(acc) * multiplier) >> 32);
  return (high + rounding) >> shift32;
}

}  // namespace dnz

#endif  // DNZ_INTERNAL_REQUANTIZE_H_
