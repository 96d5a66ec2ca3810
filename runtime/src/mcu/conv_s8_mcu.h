// The mcu backend's int8 conv: one entry point over its kernels (conv_kernels.h), for each
// instruction set built in. Every kernel gives the bytes of ref::ConvS8.
#ifndef DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_
#define DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_

#include <cstddef>
#include <cstdint>

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

// input [in.H][in.W][in.C] -> output [out.H][out.W][out.C]; `scratch` holds
// ConvScratchBytes, 8-byte aligned. Needs IsaBuilt(isa).
void ConvS8(Isa isa, const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
            const dnz_tensor_info& out, int8_t* output, int8_t* scratch);

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_CONV_S8_MCU_H_
