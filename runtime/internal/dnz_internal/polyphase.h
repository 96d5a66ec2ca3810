// Nearest 2x upsample followed by a 3x3 'same' conv, as four 2x2 convs on the
// small input (the sub-pixel or polyphase form): 4 taps per output pixel instead
// of 9, and no upsampled tensor.
//
// Output pixel (2i + py, 2j + px) reads upsampled rows 2i + py - 1 .. 2i + py + 1,
// that is original rows i - 1, i, i (py = 0) or i, i, i + 1 (py = 1). Kernel rows
// that land on the same original row are summed: parity 0 has taps {row 0} at
// i - 1 and {rows 1, 2} at i; parity 1 has {rows 0, 1} at i and {row 2} at i + 1.
// Columns likewise. Padding: parity 0 pads one row above, parity 1 one below.
//
// Integer sums are exact, so the result is the conv's bit for bit, provided each
// summed weight still fits in int8 (the model builder picks weight scales that
// make it so; a model where it does not runs the plain way).
#ifndef DNZ_INTERNAL_POLYPHASE_H_
#define DNZ_INTERNAL_POLYPHASE_H_

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

// The kernel rows first..last (inclusive) that tap `tap` (0 or 1) of `parity` sums.
inline void PolyphaseKernelRows(int parity, int tap, int* first, int* last) {
  *first = parity == 0 ? (tap == 0 ? 0 : 1) : (tap == 0 ? 0 : 2);
  *last = parity == 0 ? (tap == 0 ? 0 : 2) : (tap == 0 ? 1 : 2);
}

// The small-input rows i in [*first, *last) whose output row 2i + py of parity py lies in the
// output band [y0, y1) (empty when *first == *last).
inline void ParityRows(int32_t y0, int32_t y1, int py, int32_t* first, int32_t* last) {
  *first = (y0 - py + 1) >> 1;
  *last = (y1 - py + 1) >> 1;
}

// Whether conv `op` has the shape the polyphase form covers (before the int8 check).
bool PolyphaseShapeApplies(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out);

// The largest |sum| over the 16 summed taps of one output channel's weights
// ([3][3][in_c], OHWI): the form applies when it is at most 127.
int32_t PolyphaseMaxAbsSum(const int8_t* channel_weights, int32_t in_c);

// The 2x2 kernel of parity (py, px) for all output channels, OHWI:
// kernel[oc][ry][rx][ic]. Returns false (and writes nothing useful) if a sum
// does not fit in int8.
bool PolyphaseKernel(const int8_t* weights, int32_t out_c, int32_t in_c, int py, int px,
                     int8_t* kernel);

}  // namespace dnz

#endif  // DNZ_INTERNAL_POLYPHASE_H_
