// How the mcu kernels hold a conv's weights while they run: a block of B output channels
// (B = 4, or 1 for the last channels) expanded to int16, in the order that lets one 32-bit
// load of four int8 inputs meet them through Arm's dual 16-bit multiply-accumulate.
//
// For four input channels x0 x1 x2 x3 (one word), SXTB16 gives the int16 pair (x0, x2) and,
// with the word rotated by 8 bits, (x1, x3); SMLAD multiplies a pair by a pair and adds both
// products to an accumulator. So each group of four weights is stored (w0, w2, w1, w3):
//
//   one tap:  [group g][block channel b][w0 w2 w1 w3]   g < in_c / 4    (int16)
//             [tail channel t][block channel b]          the in_c % 4 rest
//             [one unused entry, if needed to make the tap's length even]
//
// Padding: a tap outside the input reads a row of in_c zero points instead (zero_point_row),
// whose products the accumulator's start value cancels:
//   acc = bias - zero_point * sum(w)  +  sum over all taps of w * x
// equals the specification's bias + sum over valid taps of w * (x - zero_point) exactly, and no
// partial sum leaves int32 for a model the loader accepts (|bias| + taps * 128 * 255 fits).
#ifndef DNZ_RUNTIME_SRC_MCU_WEIGHT_BLOCKS_H_
#define DNZ_RUNTIME_SRC_MCU_WEIGHT_BLOCKS_H_

#include <cstddef>
#include <cstdint>

#include "dnz/dnz.h"

namespace dnz::mcu {

constexpr int32_t kGroup = 4;      // input channels per 32-bit load
constexpr int32_t kWideBlock = 4;  // output channels per block (4 accumulators)

// int16 entries of one tap of a block of `block` output channels, rounded up to an even
// count: every tap then starts 4-byte aligned, as LDRD wants (a Cortex-M7 faults otherwise).
inline int32_t TapStride(int32_t in_c, int32_t block) {
  return ((in_c / kGroup) * block * kGroup + (in_c % kGroup) * block + 1) / 2 * 2;
}

// Scratch bytes for a block buffer of `taps` taps plus the zero-point row, for a conv of
// `out_c` output channels (fewer than a wide block: only blocks of one channel run).
inline size_t BlockScratchBytes(int32_t taps, int32_t in_c, int32_t out_c) {
  const size_t row = (size_t(in_c) + 7) / 8 * 8;
  const int32_t block = out_c >= kWideBlock ? kWideBlock : 1;
  return row + size_t(taps) * size_t(TapStride(in_c, block)) * sizeof(int16_t);
}

// The scratch split into the zero-point row and the weight block (int16-aligned).
struct BlockScratch {
  int8_t* zero_point_row;  // [in_c]
  int16_t* weights;        // [taps][TapStride]
};
inline BlockScratch SplitScratch(int8_t* scratch, int32_t in_c, int32_t zero_point) {
  const size_t row = (size_t(in_c) + 7) / 8 * 8;
  for (int32_t ic = 0; ic < in_c; ++ic) scratch[ic] = int8_t(zero_point);
  return {scratch, reinterpret_cast<int16_t*>(scratch + row)};
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_WEIGHT_BLOCKS_H_
