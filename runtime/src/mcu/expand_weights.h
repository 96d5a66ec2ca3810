// Fills a weight block (weight_blocks.h) from the model's OHWI weights (int8 or packed int4:
// the functions are templates on the reader, dnz_internal/weights.h), once per block
// of output channels and band (the model stays in flash; only one block is ever in RAM), with
// the block's accumulator start values bias - zero_point * sum(w). Four input channels at a
// time (Isa::Widen, Add, Store): this runs for every weight of the model on every image, and
// again for every band of a streamed plan, so it must cost a few instructions per word of four
// weights, not the tens a per-weight index would (docs/edge.md measures it).
#ifndef DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
#define DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_

#include <cstdint>
#include <type_traits>

#include "dnz_internal/polyphase.h"
#include "dnz_internal/weights.h"
#include "instruction_sets.h"
#include "weight_blocks.h"

namespace dnz::mcu {

// Output channels oc0 .. oc0 + B - 1, every tap of the kernel as stored.
template <typename Isa, int32_t B, typename Weights>
void ExpandBlockFrom(const dnz_op& op, Weights all, int32_t in_c, int32_t zero_point, int32_t oc0,
                     int16_t* weights, int32_t* base) {
  const int32_t taps = op.kernel_h * op.kernel_w, stride = TapStride(in_c, B);
  const int32_t groups = in_c / kGroup;
  for (int32_t b = 0; b < B; ++b) {
    const Weights filter = all + (oc0 + b) * taps * in_c;
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; ++t) {
      const Weights source = filter + t * in_c;
      int16_t* tap = weights + t * stride;
      for (int32_t g = 0; g < groups; ++g) {
        sum = Isa::Store(Isa::Widen(source + g * kGroup), tap + (g * B + b) * kGroup, sum);
      }
      int16_t* tail = tap + groups * B * kGroup + b;
      for (int32_t ic = groups * kGroup; ic < in_c; ++ic, tail += B) {
        const int32_t value = source[ic];
        *tail = int16_t(value);
        sum += value;
      }
    }
    base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

template <typename Isa, int32_t B>
void ExpandBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int16_t* weights,
                 int32_t* base) {
  WithWeights(op, [&](auto all) {
    ExpandBlockFrom<Isa, B>(op, all, in_c, zero_point, oc0, weights, base);
  });
}

// Kernel rows kFirst..kLast of tap row (or column) `tap` of parity `parity` (polyphase.h):
// parity 0: tap 0 is row 0, tap 1 rows 1-2; parity 1: tap 0 rows 0-1, tap 1 row 2.
template <int Parity, int Tap>
struct KernelSpan {
  static constexpr int kFirst = Parity == 0 ? (Tap == 0 ? 0 : 1) : (Tap == 0 ? 0 : 2);
  static constexpr int kLast = Parity == 0 ? (Tap == 0 ? 0 : 2) : (Tap == 0 ? 1 : 2);
};

// The group's weights at kernel positions (ky, kx): row ky starts at r<ky>, column kx is
// kx * in_c bytes further. Three row pointers and in_c keep the addressing in registers.
template <typename Weights>
struct GroupPositions {
  Weights r0, r1, r2;
  int32_t in_c;
  Weights At(int ky, int kx) const {
    return (ky == 0 ? r0 : ky == 1 ? r1 : r2) + (kx == 0 ? 0 : kx == 1 ? in_c : 2 * in_c);
  }
};

// Kernel column kx of one group: its kernel rows of tap row `Rows` summed.
template <typename Isa, typename Rows, typename Weights>
[[gnu::always_inline]] inline typename Isa::Lanes ColumnOf(const GroupPositions<Weights>& p,
                                                           int kx) {
  typename Isa::Lanes sum = Isa::Widen(p.At(Rows::kFirst, kx));
  if constexpr (Rows::kLast != Rows::kFirst) sum = Isa::Add(sum, Isa::Widen(p.At(Rows::kLast, kx)));
  return sum;
}

// Tap (Rows, Columns) of one group: its kernel rows and columns summed, a column at a time, so
// that only the tap's sum and one column are live (few registers: no spills on a Cortex-M).
template <typename Isa, typename Rows, typename Columns, typename Weights>
[[gnu::always_inline]] inline typename Isa::Lanes TapOf(const GroupPositions<Weights>& p) {
  typename Isa::Lanes sum = ColumnOf<Isa, Rows>(p, Columns::kFirst);
  if constexpr (Columns::kLast != Columns::kFirst) {
    sum = Isa::Add(sum, ColumnOf<Isa, Rows>(p, Columns::kLast));
  }
  return sum;
}

// One group of four input channels of one output channel, for polyphase parity (PY, PX): the
// four summed taps from the nine kernel positions, each position's word loaded and widened
// once (each position belongs to one tap). Tap t = 2 ty + tx goes to group + t * stride.
// Returns `total` plus the nine positions' weights when kTotal (every parity has the same
// total: a block needs it once), else `total`.
template <typename Isa, int PY, int PX, bool kTotal, typename Weights>
[[gnu::always_inline]] inline int32_t SumParityGroup(const GroupPositions<Weights>& p,
                                                     int16_t* group, int32_t stride,
                                                     int32_t total) {
  using Row0 = KernelSpan<PY, 0>;
  using Row1 = KernelSpan<PY, 1>;
  using Column0 = KernelSpan<PX, 0>;
  using Column1 = KernelSpan<PX, 1>;
  const auto t0 = TapOf<Isa, Row0, Column0>(p);
  Isa::Store(t0, group);
  const auto t1 = TapOf<Isa, Row0, Column1>(p);
  Isa::Store(t1, group + stride);
  const auto t2 = TapOf<Isa, Row1, Column0>(p);
  Isa::Store(t2, group + 2 * stride);
  const auto t3 = TapOf<Isa, Row1, Column1>(p);
  Isa::Store(t3, group + 3 * stride);
  if constexpr (kTotal)
    total = Isa::Total(t3, Isa::Total(t2, Isa::Total(t1, Isa::Total(t0, total))));
  return total;
}

// Every group of one output channel's weights (filter: its [3][3][in_c]), into group pointers
// B * kGroup apart; returns the weights' sum when kTotal.
template <typename Isa, int PY, int PX, bool kTotal, typename Weights>
int32_t ExpandParityChannel(Weights filter, int32_t in_c, int32_t groups, int32_t step,
                            int16_t* group, int32_t stride) {
  GroupPositions<Weights> p{filter, filter + 3 * in_c, filter + 6 * in_c, in_c};
  int32_t total = 0;
  for (int32_t g = groups; g > 0; --g, group += step) {
    total = SumParityGroup<Isa, PY, PX, kTotal>(p, group, stride, total);
    p.r0 += kGroup, p.r1 += kGroup, p.r2 += kGroup;
  }
  return total;
}

// The same as ExpandBlock for the 2x2 kernel of polyphase parity (PY, PX) of an upsample + 3x3
// conv (polyphase.h): each weight is the sum of the 1, 2 or 4 weights of the 3x3 kernel that
// read the same input pixel. int16 holds any such sum, so this needs no int8 fit. The four
// summed taps hold each of the nine weights once: their sum is the 3x3 kernel's.
// B is a value here, not a template parameter: the code is built once per parity, not twice.
// base null: the block's start values are known already (the other parities' are the same).
// The in_c % 4 channels after the last whole group of parity (py, px), one at a time, into the
// block's tail entries of channel b; returns their sum. Rare (channel counts not multiples of
// 4), so not specialised: one copy for every parity and instruction set (per weight format).
template <typename Weights>
int32_t ExpandParityTail(Weights filter, int32_t in_c, int32_t B, int32_t b, int py, int px,
                         int16_t* weights, int32_t stride) {
  const int32_t groups = in_c / kGroup;
  int32_t sum = 0;
  for (int tap = 0; tap < 4; ++tap) {
    int y0, y1, x0, x1;
    PolyphaseKernelRows(py, tap >> 1, &y0, &y1);
    PolyphaseKernelRows(px, tap & 1, &x0, &x1);
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
  return sum;
}

template <typename Isa, int PY, int PX, typename Weights>
void ExpandParityBlock(const dnz_op& op, Weights all, int32_t in_c, int32_t zero_point, int32_t oc0,
                       int32_t B, int16_t* weights, int32_t* base) {
  const int32_t stride = TapStride(in_c, B), groups = in_c / kGroup;
  for (int32_t b = 0; b < B; ++b) {
    const Weights filter = all + (oc0 + b) * 9 * in_c;
    int16_t* group = weights + b * kGroup;
    int32_t sum = 0;
    if constexpr (std::is_same_v<Weights, Int8Weights>) {
      sum = base != nullptr ? ExpandParityChannel<Isa, PY, PX, true>(filter, in_c, groups,
                                                                     B * kGroup, group, stride)
                            : ExpandParityChannel<Isa, PY, PX, false>(filter, in_c, groups,
                                                                      B * kGroup, group, stride);
    } else {  // int4 always sums: one copy per parity, not two (flash; the sum costs 2%)
      sum = ExpandParityChannel<Isa, PY, PX, true>(filter, in_c, groups, B * kGroup, group, stride);
    }
    if (in_c % kGroup != 0) sum += ExpandParityTail(filter, in_c, B, b, PY, PX, weights, stride);
    if (base != nullptr) base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

// The compact form, for builds where code size counts more than the expansion's speed (the
// page's WebAssembly modules: DNZ_MCU_COMPACT_EXPANSION): one function for every parity, its
// kernel rows and columns read at run time.
template <typename Isa, typename Weights>
void ExpandParityBlockCompact(const dnz_op& op, Weights all, int32_t in_c, int32_t zero_point,
                              int32_t oc0, int32_t B, int py, int px, int16_t* weights,
                              int32_t* base) {
  const int32_t stride = TapStride(in_c, B), groups = in_c / kGroup;
  for (int32_t b = 0; b < B; ++b) {
    const Weights filter = all + (oc0 + b) * 9 * in_c;
    int32_t sum = 0;
    for (int tap = 0; tap < 4; ++tap) {
      int y0, y1, x0, x1;
      PolyphaseKernelRows(py, tap >> 1, &y0, &y1);
      PolyphaseKernelRows(px, tap & 1, &x0, &x1);
      int16_t* group = weights + tap * stride + b * kGroup;
      for (int32_t g = 0; g < groups; ++g, group += B * kGroup) {
        typename Isa::Lanes lanes = Isa::Widen(filter + (y0 * 3 + x0) * in_c + g * kGroup);
        for (int ky = y0; ky <= y1; ++ky) {
          for (int kx = x0; kx <= x1; ++kx) {
            if (ky == y0 && kx == x0) continue;
            lanes = Isa::Add(lanes, Isa::Widen(filter + (ky * 3 + kx) * in_c + g * kGroup));
          }
        }
        sum = Isa::Store(lanes, group, sum);
      }
    }
    if (in_c % kGroup != 0) sum += ExpandParityTail(filter, in_c, B, b, py, px, weights, stride);
    if (base != nullptr) base[b] = op.bias[oc0 + b] - zero_point * sum;
  }
}

// Isa::ExpandIsa widens the weights (an instruction set may reuse another's expansion).
template <typename Isa, int32_t B>
void ExpandPolyphaseBlock(const dnz_op& op, int32_t in_c, int32_t zero_point, int32_t oc0, int py,
                          int px, int16_t* weights, int32_t* base) {
  using E = typename Isa::ExpandIsa;
  WithWeights(op, [&](auto all) {
#if DNZ_MCU_COMPACT_EXPANSION
    ExpandParityBlockCompact<E>(op, all, in_c, zero_point, oc0, B, py, px, weights, base);
#else
    switch (py * 2 + px) {
      case 0:
        return ExpandParityBlock<E, 0, 0>(op, all, in_c, zero_point, oc0, B, weights, base);
      case 1:
        return ExpandParityBlock<E, 0, 1>(op, all, in_c, zero_point, oc0, B, weights, base);
      case 2:
        return ExpandParityBlock<E, 1, 0>(op, all, in_c, zero_point, oc0, B, weights, base);
      default:
        return ExpandParityBlock<E, 1, 1>(op, all, in_c, zero_point, oc0, B, weights, base);
    }
#endif
  });
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_EXPAND_WEIGHTS_H_
