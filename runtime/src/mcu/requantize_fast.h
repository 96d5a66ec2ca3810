// The specification's requantization (../requantize.h), computed with a 32-bit high-word
// multiply where a channel's shift allows it (shift >= 33, the case for the seed model's
// layers): the same value, proven and tested in requantize.h, in about a quarter of the
// instructions of the 64-bit shift on a 32-bit core. Other channels take the 64-bit rule.
#ifndef DNZ_RUNTIME_SRC_MCU_REQUANTIZE_FAST_H_
#define DNZ_RUNTIME_SRC_MCU_REQUANTIZE_FAST_H_

#include <cstdint>

#include "dnz_internal/requantize.h"

namespace dnz::mcu {

inline int8_t RequantizeActivateFast(const dnz_op& op, int32_t out_zero_point, int32_t acc,
                                     int32_t oc) {
  const int shift = op.requant_shift[oc];
  if (shift < kMinShiftForHigh32) return RequantizeActivate(op, out_zero_point, acc, oc);
  const int32_t scaled =
      RequantizeHigh32(acc, op.requant_multiplier[oc], int32_t(1) << (shift - 33), shift - 32);
  const bool sigmoid = op.activation == DNZ_ACT_SIGMOID;
  const int32_t zero_point = sigmoid ? op.preact_zero_point : out_zero_point;
  const int32_t lower = sigmoid ? -128 : ActivationLowerBound(op, out_zero_point);
  int32_t value = scaled + zero_point;  // |scaled| < 2^30: no overflow
  value = value < lower ? lower : (value > 127 ? 127 : value);
  return sigmoid ? op.activation_table[value + 128] : int8_t(value);
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_REQUANTIZE_FAST_H_
