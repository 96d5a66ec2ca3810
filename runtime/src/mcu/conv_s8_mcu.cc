// Which mcu kernel runs a conv: fewer than 4 input channels, the patch kernel
// (conv_patch.h); an upsample + 3x3 'same' conv without pool, the four polyphase 2x2 convs;
// any other, the block kernel (conv_kernels.h), in blocks of 4 output channels, then of 1.
#include "conv_s8_mcu.h"

#include "conv_kernels.h"
#include "conv_patch.h"
#include "dnz_internal/polyphase.h"

namespace dnz::mcu {
namespace {

template <typename Set, int32_t B>
void RunBlock(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
              const dnz_tensor_info& out, int8_t* output, int32_t oc0, BlockScratch scratch) {
  if (!RunsPolyphase(op, in, out)) {
    ConvBlock<Set, B>(op, in, input, out, output, oc0, scratch);
    return;
  }
  for (int parity = 0; parity < 4; ++parity) {
    PolyphaseBlock<Set, B>(op, in, input, out, output, oc0, parity >> 1, parity & 1, scratch);
  }
}

template <typename Set>
void Conv(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
          const dnz_tensor_info& out, int8_t* output, int8_t* scratch) {
  if (PatchApplies(op, in, out)) {
    PatchConv<Set>(op, in, input, out, output, scratch);
    return;
  }
  const BlockScratch split = SplitScratch(scratch, in.channels, in.zero_point);
  int32_t oc0 = 0;
  for (; oc0 + kWideBlock <= out.channels; oc0 += kWideBlock) {
    RunBlock<Set, kWideBlock>(op, in, input, out, output, oc0, split);
  }
  for (; oc0 < out.channels; ++oc0) RunBlock<Set, 1>(op, in, input, out, output, oc0, split);
}

// Where built, the DSP or the SIMD128 set; tests may switch (SetIsaForTesting).
Isa active_isa = DNZ_MCU_HAVE_ARM_DSP        ? Isa::kArmDsp
                 : DNZ_MCU_HAVE_WASM_SIMD128 ? Isa::kWasmSimd128
                                             : Isa::kPortable;

}  // namespace

bool IsaBuilt(Isa isa) {
  switch (isa) {
    case Isa::kArmDsp:
      return DNZ_MCU_HAVE_ARM_DSP;
    case Isa::kWasmSimd128:
      return DNZ_MCU_HAVE_WASM_SIMD128;
    default:
      return true;
  }
}

Isa ActiveIsa() { return active_isa; }

void SetIsaForTesting(Isa isa) {
  if (IsaBuilt(isa)) active_isa = isa;
}

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kArmDsp:
      return "arm_dsp";
    case Isa::kWasmSimd128:
      return "wasm_simd128";
    default:
      return "portable";
  }
}

bool RunsPolyphase(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out) {
  return PolyphaseShapeApplies(op, in, out) && !op.fused_maxpool_output;
}

size_t ConvScratchBytes(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out) {
  if (PatchApplies(op, in, out)) return PatchScratchBytes(op, in, out);
  const int32_t taps = RunsPolyphase(op, in, out) ? 4 : op.kernel_h * op.kernel_w;
  return BlockScratchBytes(taps, in.channels);
}

void ConvS8(Isa isa, const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
            const dnz_tensor_info& out, int8_t* output, int8_t* scratch) {
#if DNZ_MCU_HAVE_ARM_DSP
  if (isa == Isa::kArmDsp) {
    Conv<ArmDsp>(op, in, input, out, output, scratch);
    return;
  }
#endif
#if DNZ_MCU_HAVE_WASM_SIMD128
  if (isa == Isa::kWasmSimd128) {
    Conv<WasmSimd128>(op, in, input, out, output, scratch);
    return;
  }
#endif
  (void)isa;
  Conv<Portable>(op, in, input, out, output, scratch);
}

}  // namespace dnz::mcu
