// The mcu conv kernels, as templates on the instruction set (instruction_sets.h) and the
// output-channel block size B: conv_s8_mcu.cc instantiates them. Each block of B output
// channels has its weights expanded into scratch (expand_weights.h), then runs over every
// output pixel of the band; accumulators are requantized with the specification's rule
// (../requantize.h), so the bytes are ref's.
#ifndef DNZ_RUNTIME_SRC_MCU_CONV_KERNELS_H_
#define DNZ_RUNTIME_SRC_MCU_CONV_KERNELS_H_

#include <cstdint>

#include "../rows.h"
#include "expand_weights.h"
#include "instruction_sets.h"
#include "requantize_fast.h"
#include "weight_blocks.h"

namespace dnz::mcu {

// Any conv the loader accepts: kernel size, padding, fused upsample of the input (read at
// (y >> 1, x >> 1)) and fused 2x2 ceil-mode max-pool of the output, as in ref/conv_s8.cc.
// input [in.H][in.W][in.C] -> output rows [y0, y1) of [out.H][out.W][out.C], both through Rows
// (whole tensors or rings).
template <typename Isa, int32_t B>
void ConvBlock(const dnz_op& op, const dnz_tensor_info& in, const Rows<const int8_t>& input,
               const dnz_tensor_info& out, const Rows<int8_t>& output, int32_t y0, int32_t y1,
               int32_t oc0, BlockScratch scratch) {
  const int32_t in_c = in.channels, stride = TapStride(in_c, B);
  int32_t base[B];
  ExpandBlock<typename Isa::ExpandIsa, B>(op, in_c, in.zero_point, oc0, scratch.weights, base);
  const int shift = op.fused_upsample_input ? 1 : 0;
  const int32_t virtual_h = in.height << shift, virtual_w = in.width << shift;
  const int32_t window = op.fused_maxpool_output ? 2 : 1;
  // A kernel row whose taps all fall inside the input is one run of kernel_w * in_c inputs,
  // and its weights are one run too when a tap is whole groups (in_c % 4 == 0): then it runs
  // as one long tap, with one loop set-up instead of kernel_w.
  const bool whole_rows = shift == 0 && in_c % kGroup == 0;
  for (int32_t py = y0; py < y1; ++py) {
    // The input rows of this output row, found once: [conv row in the window][kernel row],
    // null for a row in the padding.
    const int8_t* rows[2][DNZ_MAX_KERNEL];
    for (int32_t dy = 0; dy < window; ++dy) {
      for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
        const int32_t vy = py * window + dy + ky - op.pad_top;
        rows[dy][ky] = vy >= 0 && vy < virtual_h ? input.Row(vy >> shift) : nullptr;
      }
    }
    int8_t* result_row = output.Row(py) + oc0;
    for (int32_t px = 0; px < out.width; ++px) {
      int32_t best[B];
      for (int32_t b = 0; b < B; ++b) best[b] = -129;
      for (int32_t oy = py * window; oy < py * window + window && oy < op.conv_out_h; ++oy) {
        const int8_t* const* kernel_rows = rows[oy - py * window];
        for (int32_t ox = px * window; ox < px * window + window && ox < op.conv_out_w; ++ox) {
          int32_t acc[B];
          for (int32_t b = 0; b < B; ++b) acc[b] = base[b];
          const int16_t* w = scratch.weights;
          const int32_t left = ox - op.pad_left;
          const bool columns_inside = whole_rows && left >= 0 && left + op.kernel_w <= in.width;
          for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
            const int8_t* row = kernel_rows[ky];
            if (row != nullptr && columns_inside) {  // the kernel row as one tap
              Isa::template Tap<B>(row + left * in_c, w, op.kernel_w * in_c, acc);
              w += op.kernel_w * stride;
              continue;
            }
            for (int32_t kx = 0; kx < op.kernel_w; ++kx, w += stride) {
              const int32_t vx = ox + kx - op.pad_left;
              const int8_t* x = row != nullptr && vx >= 0 && vx < virtual_w
                                    ? row + (vx >> shift) * in_c
                                    : scratch.zero_point_row;
              Isa::template Tap<B>(x, w, in_c, acc);
            }
          }
          for (int32_t b = 0; b < B; ++b) {
            const int32_t value = RequantizeActivateFast(op, out.zero_point, acc[b], oc0 + b);
            if (value > best[b]) best[b] = value;
          }
        }
      }
      int8_t* result = result_row + px * out.channels;
      for (int32_t b = 0; b < B; ++b) result[b] = int8_t(best[b]);
    }
  }
}

// Upsample + 3x3 'same' conv (PolyphaseShapeApplies, no pool) as four 2x2 convs on the small
// input, one per output parity (polyphase.h): 4 taps per output pixel instead of 9. Output rows
// [y0, y1): parity py writes rows 2i + py, so input rows i with y0 <= 2i + py < y1. base: the
// block's accumulator start values, the same for every parity: filled unless base_known.
template <typename Isa, int32_t B>
void PolyphaseBlock(const dnz_op& op, const dnz_tensor_info& in, const Rows<const int8_t>& input,
                    const dnz_tensor_info& out, const Rows<int8_t>& output, int32_t y0, int32_t y1,
                    int32_t oc0, int py, int px, BlockScratch scratch, int32_t* base,
                    bool base_known) {
  const int32_t in_c = in.channels, stride = TapStride(in_c, B);
  ExpandPolyphaseBlock<Isa, B>(op, in_c, in.zero_point, oc0, py, px, scratch.weights,
                               base_known ? nullptr : base);
  const bool whole_groups = in_c % kGroup == 0;  // then a row's two taps are one run (above)
  int32_t first = 0, last = 0;
  ParityRows(y0, y1, py, &first, &last);
  for (int32_t i = first; i < last; ++i) {
    const int8_t* rows[2];  // parity 0 reads rows i - 1, i; parity 1 i, i + 1 (null: padding)
    for (int32_t ry = 0; ry < 2; ++ry) {
      const int32_t r = i + py - 1 + ry;
      rows[ry] = r >= 0 && r < in.height ? input.Row(r) : nullptr;
    }
    int8_t* result_row = output.Row(2 * i + py) + oc0;
    for (int32_t j = 0; j < in.width; ++j) {
      int32_t acc[B];
      for (int32_t b = 0; b < B; ++b) acc[b] = base[b];
      const int16_t* w = scratch.weights;
      const int32_t left = j + px - 1;  // parity 0 reads columns j - 1, j; parity 1 j, j + 1
      const bool columns_inside = whole_groups && left >= 0 && left + 2 <= in.width;
      for (int32_t ry = 0; ry < 2; ++ry) {
        if (columns_inside && rows[ry] != nullptr) {  // both taps of the row as one
          Isa::template Tap<B>(rows[ry] + left * in_c, w, 2 * in_c, acc);
          w += 2 * stride;
          continue;
        }
        for (int32_t rx = 0; rx < 2; ++rx, w += stride) {
          const int32_t c = j + px - 1 + rx;
          const int8_t* x = rows[ry] != nullptr && c >= 0 && c < in.width ? rows[ry] + c * in_c
                                                                          : scratch.zero_point_row;
          Isa::template Tap<B>(x, w, in_c, acc);
        }
      }
      int8_t* result = result_row + (2 * j + px) * out.channels;
      for (int32_t b = 0; b < B; ++b) {
        result[b] = RequantizeActivateFast(op, out.zero_point, acc[b], oc0 + b);
      }
    }
  }
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_CONV_KERNELS_H_
