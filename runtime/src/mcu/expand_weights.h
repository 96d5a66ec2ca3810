// Fills a weight block (weight_blocks.h) from the model's int8 OHWI weights, once per block
// of output channels and band (the model stays in flash; only one block is ever in RAM), with
// the block's accumulator start values bias - zero_point * sum(w). Four input channels at a
// time (Isa::Widen, Add, Store): this runs for every weight of the model on every image, and
// again for every band of a streamed plan, so it must cost a few instructions per word of four
// weights, not the tens a per-weight index would (docs/edge.md measures it).
#ifndef DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
#define DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_

#include <cstdint>

#include "dnz_internal/polyphase.h"
#include "instruction_sets.h"
#include "weight_blocks.h"

namespace dnz::mcu {

// Output channels oc0 .. oc0 + B - 1, every tap of the kernel as stored.
template <typename Isa, int32_t B>
void ExpandBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int16_t* weights,
                 int32_t* base) {
  const int32_t taps = op.kernel_h * op.kernel_w, stride = TapStride(in_c, B);
  const int32_t groups = in_c / kGroup;
  for (int32_t b = 0; b < B; ++b) {
    const int8_t* filter = op.weights + (oc0 + b) * taps * in_c;
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      const int8_t* source = filter + t * in_c;
      int16_t* tap = weights + t * stride;
      for (int32_t g = 0; g < groups; ++g) {
        sum = Isa::Store(Isa::Widen(source + g * kGroup), tap + (g * B + b) * kGroup, sum);
      }
      int16_t* tail = tap + groups * B * kGroup + b;
      for (int32_t ic = groups * kGroup; ic < in_c; ++ic, tail += B) {
        *tail = int16_t(source[ic]);
        sum += source[ic];
      }
    }
    base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

// Kernel rows kFirst..kLast of tap row (or column) `tap` of parity `parity` (polyphase.h):
// parity 0: tap 0 is row 0, tap 1 rows 1-2; parity 1: tap 0 rows 0-1, tap 1 row 2.
template <int Parity, int Tap>
struct KernelSpan {
  static constexpr int kFirst = Parity == 0 ? (Tap == 0 ? 0 : 1) : (Tap == 0 ? 0 : 2);
  static constexpr int kLast = Parity == 0 ? (Tap == 0 ? 0 : 2) : (Tap == 0 ? 1 : 2);
};

// The group's weights at kernel positions (ky, kx): row ky starts at row[ky], column kx is
// column[kx] bytes further (0, in_c, 2 in_c). Three row pointers and two column offsets keep
// the addressing in registers whatever in_c is.
struct GroupPositions {
  const int8_t* row[3];
  int32_t column[3];
};

// Kernel column kx of one group: its kernel rows of tap row `Rows` summed.
template <typename Isa, typename Rows>
[[gnu::always_inline]] inline typename Isa::Lanes ColumnOf(const GroupPositions& p, int kx) {
  typename Isa::Lanes sum = Isa::Widen(p.row[Rows::kFirst] + p.column[kx]);
  if constexpr (Rows::kLast != Rows::kFirst) {
    sum = Isa::Add(sum, Isa::Widen(p.row[Rows::kLast] + p.column[kx]));
  }
  return sum;
}

// A tap from the three summed columns of its tap row: its kernel columns summed.
template <typename Isa, typename Columns>
[[gnu::always_inline]] inline typename Isa::Lanes TapOf(typename Isa::Lanes c0,
                                                        typename Isa::Lanes c1,
                                                        typename Isa::Lanes c2) {
  const typename Isa::Lanes c[3] = {c0, c1, c2};
  if constexpr (Columns::kLast != Columns::kFirst) {
    return Isa::Add(c[Columns::kFirst], c[Columns::kLast]);
  } else {
    return c[Columns::kFirst];
  }
}

// One group of four input channels of one output channel, for polyphase parity (PY, PX): the
// four summed taps from the nine kernel positions, each position's word loaded and widened
// once (a tap row's kernel rows summed per column, then a tap's columns). Tap t = 2 ty + tx
// goes to group + t * stride. Adds the nine positions' weights to *total unless it is null
// (every parity has the same total: a block needs it once).
template <typename Isa, int PY, int PX>
[[gnu::always_inline]] inline void SumParityGroup(const GroupPositions& p, int16_t* group,
                                                  int32_t stride, int32_t* total) {
  using Row0 = KernelSpan<PY, 0>;
  using Row1 = KernelSpan<PY, 1>;
  using Column0 = KernelSpan<PX, 0>;
  using Column1 = KernelSpan<PX, 1>;
  const auto a0 = ColumnOf<Isa, Row0>(p, 0), a1 = ColumnOf<Isa, Row0>(p, 1),
             a2 = ColumnOf<Isa, Row0>(p, 2);
  const auto t0 = TapOf<Isa, Column0>(a0, a1, a2), t1 = TapOf<Isa, Column1>(a0, a1, a2);
  Isa::Store(t0, group);
  Isa::Store(t1, group + stride);
  const auto b0 = ColumnOf<Isa, Row1>(p, 0), b1 = ColumnOf<Isa, Row1>(p, 1),
             b2 = ColumnOf<Isa, Row1>(p, 2);
  const auto t2 = TapOf<Isa, Column0>(b0, b1, b2), t3 = TapOf<Isa, Column1>(b0, b1, b2);
  Isa::Store(t2, group + 2 * stride);
  Isa::Store(t3, group + 3 * stride);
  if (total != nullptr) {
    *total = Isa::Total(t3, Isa::Total(t2, Isa::Total(t1, Isa::Total(t0, *total))));
  }
}

// The same as ExpandBlock for the 2x2 kernel of polyphase parity (PY, PX) of an upsample + 3x3
// conv (polyphase.h): each weight is the sum of the 1, 2 or 4 weights of the 3x3 kernel that
// read the same input pixel. int16 holds any such sum, so this needs no int8 fit. The four
// summed taps hold each of the nine weights once: their sum is the 3x3 kernel's.
// B is a value here, not a template parameter: the code is built once per parity, not twice.
// base null: the block's start values are known already (the other parities' are the same).
template <typename Isa, int PY, int PX>
void ExpandParityBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int32_t B,
                       int16_t* weights, int32_t* base) {
  const int32_t stride = TapStride(in_c, B), groups = in_c / kGroup;
  for (int32_t b = 0; b < B; ++b) {
    const int8_t* filter = op.weights + (oc0 + b) * 9 * in_c;
    int32_t sum = 0;
    int32_t* total = base != nullptr ? &sum : nullptr;
    int16_t* group = weights + b * kGroup;
    GroupPositions p{{filter, filter + 3 * in_c, filter + 6 * in_c}, {0, in_c, 2 * in_c}};
    for (int32_t g = 0; g < groups; ++g, group += B * kGroup) {
      SumParityGroup<Isa, PY, PX>(p, group, stride, total);
      for (const int8_t*& row : p.row) row += kGroup;
    }
    for (int tap = 0; tap < 4; ++tap) {  // the in_c % 4 channels after the last group
      int y0, y1, x0, x1;
      PolyphaseKernelRows(PY, tap >> 1, &y0, &y1);
      PolyphaseKernelRows(PX, tap & 1, &x0, &x1);
      int16_t* tail = weights + tap * stride + groups * B * kGroup + b;
      for (int32_t ic = groups * kGroup; ic < in_c; ++ic, tail += B) {
        int32_t value = 0;
        for (int ky = y0; ky <= y1; ++ky) {
          for (int kx = x0; kx <= x1; ++kx) value += filter[(ky * 3 + kx) * in_c + ic];
        }
        *tail = int16_t(value);
        sum += value;
      }
    }
    if (base != nullptr) base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

template <typename Isa, int32_t B>
void ExpandPolyphaseBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int py,
                          int px, int16_t* weights, int32_t* base) {
  switch (py * 2 + px) {
    case 0:
      return ExpandParityBlock<Isa, 0, 0>(op, in_c, zero_point, oc0, B, weights, base);
    case 1:
      return ExpandParityBlock<Isa, 0, 1>(op, in_c, zero_point, oc0, B, weights, base);
    case 2:
      return ExpandParityBlock<Isa, 1, 0>(op, in_c, zero_point, oc0, B, weights, base);
    default:
      return ExpandParityBlock<Isa, 1, 1>(op, in_c, zero_point, oc0, B, weights, base);
  }
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
