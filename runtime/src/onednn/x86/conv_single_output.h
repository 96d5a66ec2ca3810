// A conv with one output channel (the seed model's 5x5 32->1 and 3x3 1->1), for
// the onednn backend: oneDNN pads the output channel to a full SIMD block and
// wastes 15/16 of its work there. Integer sums are exact in any order, so this
// gives oneDNN's (and ref's) accumulators bit for bit.
#ifndef DNZ_RUNTIME_SRC_ONEDNN_X86_CONV_SINGLE_OUTPUT_H_
#define DNZ_RUNTIME_SRC_ONEDNN_X86_CONV_SINGLE_OUTPUT_H_

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

// input: [n][in_h][in_w][in_c] u8 (= q - zero_point, zero point -128); accumulators:
// [n][op.conv_out_h][op.conv_out_w] int32 = bias + sum of weight * input over taps
// inside the input. in_h/in_w are the stored sizes (the upsampled ones when the op
// fuses an upsample: the caller materialized it). Rows are split over `threads` OpenMP
// threads (1: no OpenMP region).
void ConvSingleOutputU8(const dnz_op& op, int32_t in_h, int32_t in_w, int32_t in_c,
                        const uint8_t* input, int32_t* accumulators, uint32_t n, int threads);

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ONEDNN_X86_CONV_SINGLE_OUTPUT_H_
