// The onednn backend's second half of a conv: int32 accumulators -> u8 activations
// (q + 128) with the model's integer rule (requantize.h), the fused ReLU or
// sigmoid table, and the fused 2x2 max-pool. Same bytes as `ref`, SIMD where the
// CPU has it (AVX-512 intrinsics, else compiler-vectorized AVX2 or plain C++).
#ifndef DNZ_RUNTIME_SRC_ONEDNN_X86_REQUANTIZE_OUTPUT_H_
#define DNZ_RUNTIME_SRC_ONEDNN_X86_REQUANTIZE_OUTPUT_H_

#include <cstdint>
#include <vector>

#include "dnz/dnz.h"

namespace dnz {

// Per output channel, the rule in the 32-bit form of RequantizeHigh32 when every
// shift of the op allows it; empty otherwise (then a scalar 64-bit path runs).
struct Requant32 {
  std::vector<int32_t> rounding, shift32;
};
Requant32 MakeRequant32(const dnz_op& op, int32_t channels);

// acc: [n][conv_out_h][conv_out_w][out.channels] int32, or with `polyphase` four
// parity blocks [py][px][n][conv_out_h / 2][conv_out_w / 2][out.channels] (conv
// pixel (2i + py, 2j + px) at (i, j) of block (py, px); polyphase.h); output:
// [n][out.height][out.width][out.channels] u8, max-pooled 2x2 (ceil mode) when the
// op fuses a pool. Rows are split over `threads` OpenMP threads (1: no OpenMP region).
void RequantizeOutput(const dnz_op& op, const Requant32& fast, const dnz_tensor_info& out,
                      const int32_t* acc, bool polyphase, uint8_t* output, uint32_t n, int threads);

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ONEDNN_X86_REQUANTIZE_OUTPUT_H_
