// Convs with fewer than 4 input channels (the seed model's first and last: 3x3 1->32 and
// 3x3 1->1), where a tap is a single product and per-tap loops cost more than the products.
// Each output pixel's whole patch (taps * in_c values of x - zero_point, 0 for padding:
// exactly the specification's terms) is gathered once as int16 pairs and multiplied with
// every output channel's weights, expanded once per band.
//
// Scratch (PatchScratchBytes): weights [out_c][P] int16, then the patches of the up to four
// conv outputs of a pool window [4][P], P = taps * in_c rounded up to even (a zero at the end).
#ifndef DNZ_RUNTIME_SRC_MCU_CONV_PATCH_H_
#define DNZ_RUNTIME_SRC_MCU_CONV_PATCH_H_

#include <cstddef>
#include <cstdint>

#include "../rows.h"
#include "instruction_sets.h"
#include "requantize_fast.h"

namespace dnz::mcu {

constexpr size_t kPatchScratchLimit = 4096;  // beyond this the generic kernel runs

inline int32_t PatchLength(const dnz_op& op, const dnz_tensor_info& in) {
  return (op.kernel_h * op.kernel_w * in.channels + 1) / 2 * 2;
}
inline size_t PatchScratchBytes(const dnz_op& op, const dnz_tensor_info& in,
                                const dnz_tensor_info& out) {
  return size_t(out.channels + 4) * size_t(PatchLength(op, in)) * sizeof(int16_t);
}
inline bool PatchApplies(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out) {
  return in.channels < kGroup && PatchScratchBytes(op, in, out) <= kPatchScratchLimit;
}

// The patch of conv output (oy, ox) into patch[PatchLength].
inline void GatherPatch(const dnz_op& op, const dnz_tensor_info& in,
                        const Rows<const int8_t>& input, int32_t oy, int32_t ox, int16_t* patch) {
  const int shift = op.fused_upsample_input ? 1 : 0;
  const int32_t virtual_h = in.height << shift, virtual_w = in.width << shift;
  const int32_t top = oy - op.pad_top, left = ox - op.pad_left;
  int16_t* next = patch;
  if (shift == 0 && top >= 0 && left >= 0 && top + op.kernel_h <= in.height &&
      left + op.kernel_w <= in.width) {  // inside the image: kernel_h contiguous runs
    const int32_t run = op.kernel_w * in.channels;
    for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
      const int8_t* row = input.Row(top + ky) + left * in.channels;
      for (int32_t i = 0; i < run; ++i) *next++ = int16_t(row[i] - in.zero_point);
    }
    if (next < patch + PatchLength(op, in)) *next = 0;
    return;
  }
  for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
    const int32_t vy = oy + ky - op.pad_top;
    for (int32_t kx = 0; kx < op.kernel_w; ++kx) {
      const int32_t vx = ox + kx - op.pad_left;
      const bool inside = vy >= 0 && vy < virtual_h && vx >= 0 && vx < virtual_w;
      const int8_t* x = inside ? input.Row(vy >> shift) + (vx >> shift) * in.channels : nullptr;
      for (int32_t ic = 0; ic < in.channels; ++ic) {
        *next++ = int16_t(inside ? int32_t(x[ic]) - in.zero_point : 0);
      }
    }
  }
  if (next < patch + PatchLength(op, in)) *next = 0;
}

template <typename Isa, int32_t B>
inline void PatchBlock(const dnz_op& op, const dnz_tensor_info& out, const int16_t* patches,
                       int32_t positions, const int16_t* weights, int32_t length, int32_t oc0,
                       int8_t* result) {
  int32_t best[B];
  for (int32_t b = 0; b < B; ++b) best[b] = -129;
  for (int32_t p = 0; p < positions; ++p) {
    int32_t acc[B];
    for (int32_t b = 0; b < B; ++b) acc[b] = op.bias[oc0 + b];
    Isa::template DotPairs<B>(patches + p * length, weights + oc0 * length, length / 2, length,
                              acc);
    for (int32_t b = 0; b < B; ++b) {
      const int32_t value = RequantizeActivateFast(op, out.zero_point, acc[b], oc0 + b);
      if (value > best[b]) best[b] = value;
    }
  }
  for (int32_t b = 0; b < B; ++b) result[oc0 + b] = int8_t(best[b]);
}

// input [in.H][in.W][in.C] -> output rows [y0, y1) of [out.H][out.W][out.C], with fused
// upsample and pool.
template <typename Isa>
void PatchConv(const dnz_op& op, const dnz_tensor_info& in, const Rows<const int8_t>& input,
               const dnz_tensor_info& out, const Rows<int8_t>& output, int32_t y0, int32_t y1,
               int8_t* scratch) {
  const int32_t length = PatchLength(op, in), taps_in = op.kernel_h * op.kernel_w * in.channels;
  int16_t* weights = reinterpret_cast<int16_t*>(scratch);  // [out_c][length]
  int16_t* patches = weights + out.channels * length;      // [4][length]
  WithWeights(op, [&](auto all) {
    for (int32_t oc = 0; oc < out.channels; ++oc) {
      for (int32_t i = 0; i < length; ++i) {
        weights[oc * length + i] = int16_t(i < taps_in ? all[oc * taps_in + i] : 0);
      }
    }
  });
  const int32_t window = op.fused_maxpool_output ? 2 : 1;
  for (int32_t py = y0; py < y1; ++py) {
    for (int32_t px = 0; px < out.width; ++px) {
      int32_t positions = 0;  // the conv outputs of this pool window (ceil mode: 1 to 4)
      for (int32_t oy = py * window; oy < py * window + window && oy < op.conv_out_h; ++oy) {
        for (int32_t ox = px * window; ox < px * window + window && ox < op.conv_out_w; ++ox) {
          GatherPatch(op, in, input, oy, ox, patches + positions++ * length);
        }
      }
      int8_t* result = output.Row(py) + px * out.channels;
      int32_t oc0 = 0;
      for (; oc0 + kWideBlock <= out.channels; oc0 += kWideBlock) {
        PatchBlock<Isa, kWideBlock>(op, out, patches, positions, weights, length, oc0, result);
      }
      for (; oc0 < out.channels; ++oc0) {
        PatchBlock<Isa, 1>(op, out, patches, positions, weights, length, oc0, result);
      }
    }
  }
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_CONV_PATCH_H_
