// The mcu backend's int8 conv: one entry point over its kernels (conv_kernels.h), for each
// instruction set built in. Every kernel gives the bytes of ref::ConvS8.
#ifndef DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_
#define DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_

#include <cstddef>
#include <cstdint>

#include "../rows.h"
#include "dnz/dnz.h"

namespace dnz::mcu {

enum class Isa {
  kPortable,    // plain C++: any target
  kArmDsp,      // SXTB16 + SMLAD (ACLE): built only where __ARM_FEATURE_DSP
  kWasmSimd128  // i32x4.dot_i16x8_s: built only for WebAssembly with SIMD128 (docs/web.md)
};

bool IsaBuilt(Isa isa);
const char* IsaName(Isa isa);
// What the backend runs: kArmDsp or kWasmSimd128 where built, else kPortable, unless a test
// chose another.
Isa ActiveIsa();
// Tests and measurements only: run `isa` (which must be built) from now on.
void SetIsaForTesting(Isa isa);

// Whether conv `op` runs as four 2x2 polyphase convs (upsample + 3x3 'same', no pool).
bool RunsPolyphase(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out);

// Scratch bytes the conv needs (one expanded weight block and a zero-point row).
size_t ConvScratchBytes(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out);

// The planner's estimate of what the band of output rows [y0, y1) of conv op `i` costs beyond
// its per-pixel work (stream_planner.h): chiefly its weights widened (and, polyphase, summed)
// to int16 again, for each block of output channels (and each output parity the band has
// rows of). Constants per instruction set, measured on a Cortex-M4 (docs/edge.md, "Streamed
// plans", compares the estimate with the instruction counter).
uint64_t BandCost(const dnz_model& model, uint32_t i, int32_t y0, int32_t y1);

// input [in.H][in.W][in.C] -> output rows [y0, y1) of [out.H][out.W][out.C], through Rows
// (whole tensors or ring buffers); `scratch` holds ConvScratchBytes, 8-byte aligned, and
// keeps nothing between calls. Needs IsaBuilt(isa).
void ConvS8Rows(Isa isa, const dnz_op& op, const dnz_tensor_info& in, Rows<const int8_t> input,
                const dnz_tensor_info& out, Rows<int8_t> output, int32_t y0, int32_t y1,
                int8_t* scratch);

// The whole tensors at once.
inline void ConvS8(Isa isa, const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
                   const dnz_tensor_info& out, int8_t* output, int8_t* scratch) {
  ConvS8Rows(isa, op, in, WholeRows(in, input), out, WholeRows(out, output), 0, out.height,
             scratch);
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_
