// Fills a weight block (weight_blocks.h) from the model's int8 OHWI weights, once per block
// of output channels and pass (the model stays in flash; only one block is ever in RAM), with
// the block's accumulator start values bias - zero_point * sum(w). Four input channels at a
// time (Isa::SumGroup): this runs for every weight of the model on every image, so it must
// cost about an instruction per weight, not the tens a per-weight index would.
#ifndef DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
#define DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_

#include <cstdint>

#include "dnz_internal/polyphase.h"
#include "instruction_sets.h"
#include "weight_blocks.h"

namespace dnz::mcu {

// Block channel b's weights of one tap, each the sum over the n kernel positions `source`
// ([in_c] each), into `tap` (TapStride(in_c, B) entries); returns their sum.
template <typename Isa, int32_t B>
inline int32_t ExpandTap(const int8_t* const* source, int n, int32_t in_c, int32_t b,
                         int16_t* tap) {
  const int32_t groups = in_c / kGroup;
  int32_t total = 0;
  for (int32_t g = 0; g < groups; ++g) {
    Isa::SumGroup(source, n, g * kGroup, tap + (g * B + b) * kGroup, &total);
  }
  int16_t* tail = tap + groups * B * kGroup + b;
  for (int32_t ic = groups * kGroup; ic < in_c; ++ic, tail += B) {
    int32_t sum = 0;
    for (int k = 0; k < n; ++k) sum += source[k][ic];
    *tail = int16_t(sum);
    total += sum;
  }
  return total;
}

// Output channels oc0 .. oc0 + B - 1, every tap of the kernel as stored.
template <typename Isa, int32_t B>
void ExpandBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int16_t* weights,
                 int32_t* base) {
  const int32_t taps = op.kernel_h * op.kernel_w, stride = TapStride(in_c, B);
  for (int32_t b = 0; b < B; ++b) {
    const int8_t* filter = op.weights + (oc0 + b) * taps * in_c;
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      const int8_t* source = filter + t * in_c;
      sum += ExpandTap<Isa, B>(&source, 1, in_c, b, weights + t * stride);
    }
    base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

// The same for the 2x2 kernel of polyphase parity (py, px) of an upsample + 3x3 conv
// (polyphase.h): each weight is the sum of the 1, 2 or 4 weights of the 3x3 kernel that read
// the same input pixel. int16 holds any such sum, so this needs no int8 fit. The four summed
// taps hold each of the nine weights once: their sum is the 3x3 kernel's.
template <typename Isa, int32_t B>
void ExpandPolyphaseBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int py,
                          int px, int16_t* weights, int32_t* base) {
  const int32_t stride = TapStride(in_c, B);
  for (int32_t b = 0; b < B; ++b) {
    const int8_t* filter = op.weights + (oc0 + b) * 9 * in_c;
    int32_t sum = 0;
    for (int tap = 0; tap < 4; ++tap) {
      int y0, y1, x0, x1;
      PolyphaseKernelRows(py, tap >> 1, &y0, &y1);
      PolyphaseKernelRows(px, tap & 1, &x0, &x1);
      const int8_t* source[4];
      int n = 0;
      for (int ky = y0; ky <= y1; ++ky) {
        for (int kx = x0; kx <= x1; ++kx) source[n++] = filter + (ky * 3 + kx) * in_c;
      }
      sum += ExpandTap<Isa, B>(source, n, in_c, b, weights + tap * stride);
    }
    base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
