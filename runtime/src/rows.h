// Row access for the streaming kernels: a tensor either lies whole in the arena or is a ring
// buffer holding `ring` of its rows, row y in slot y % ring (plan.ring_rows). Kernels take an
// output band [y0, y1) and reach every input row through Row(), so the same loops run whole
// tensors and streamed ones, with the same bytes.
#ifndef DNZ_RUNTIME_SRC_ROWS_H_
#define DNZ_RUNTIME_SRC_ROWS_H_

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

template <typename T>
struct Rows {
  T* base;
  int32_t row_elements;  // width * channels
  int32_t ring;          // rows held; 0: the whole tensor

  T* Row(int32_t y) const { return base + (ring > 0 ? y % ring : y) * row_elements; }
};

template <typename T>
Rows<T> WholeRows(const dnz_tensor_info& info, T* base) {
  return Rows<T>{base, info.width * info.channels, 0};
}
template <typename T>
Rows<const T> ConstRows(const Rows<T>& rows) {
  return Rows<const T>{rows.base, rows.row_elements, rows.ring};
}

// Rows [first, last] of a tensor; empty when last < first.
struct RowSpan {
  int32_t first, last;
};

// The rows of op's input `in` that output rows [y0, y1) of op read (out: the op's output).
inline RowSpan InputRowsOf(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out,
                           int32_t y0, int32_t y1) {
  if (op.kind == DNZ_OP_MAXPOOL) {
    return {2 * y0, (2 * y1 < in.height ? 2 * y1 : in.height) - 1};
  }
  if (op.kind == DNZ_OP_UPSAMPLE) return {y0 >> 1, (y1 - 1) >> 1};
  (void)out;
  const int32_t window = op.fused_maxpool_output ? 2 : 1, shift = op.fused_upsample_input ? 1 : 0;
  const int32_t conv_last = (y1 * window < op.conv_out_h ? y1 * window : op.conv_out_h) - 1;
  const int32_t virtual_h = in.height << shift;
  int32_t first = y0 * window - op.pad_top, last = conv_last - op.pad_top + op.kernel_h - 1;
  first = first < 0 ? 0 : first;
  last = last >= virtual_h ? virtual_h - 1 : last;
  if (last < first) return {0, -1};
  return {first >> shift, last >> shift};
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ROWS_H_
