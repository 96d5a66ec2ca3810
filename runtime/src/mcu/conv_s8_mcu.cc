// Which mcu kernel runs a conv: fewer than 4 input channels, the patch kernel
// (conv_patch.h); an upsample + 3x3 'same' conv without pool, the four polyphase 2x2 convs;
// any other, the block kernel (conv_kernels.h), in blocks of 4 output channels, then of 1.
#include "conv_s8_mcu.h"

#include <cstdint>

#include "conv_kernels.h"
#include "conv_patch.h"
#include "dnz_internal/polyphase.h"

// The portable set is built beside the native one (tests switch to it), except in the page's
// SIMD128 module and in firmware built with DNZ_MCU_NATIVE_SET_ONLY, where flash counts.
#if DNZ_MCU_HAVE_WASM_SIMD128 || \
    (DNZ_MCU_HAVE_ARM_DSP && defined(DNZ_MCU_NATIVE_SET_ONLY) && DNZ_MCU_NATIVE_SET_ONLY)
#define DNZ_MCU_HAVE_PORTABLE 0
#else
#define DNZ_MCU_HAVE_PORTABLE 1
#endif

namespace dnz::mcu {
namespace {

struct Band {
  const Rows<const int8_t>& input;
  const Rows<int8_t>& output;
  int32_t y0, y1;
};

template <typename Set, int32_t B>
void RunBlock(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out,
              const Band& band, int32_t oc0, BlockScratch scratch) {
  if (!RunsPolyphase(op, in, out)) {
    ConvBlock<Set, B>(op, in, band.input, out, band.output, band.y0, band.y1, oc0, scratch);
    return;
  }
  int32_t base[B];
  bool base_known = false;
  for (int parity = 0; parity < 4; ++parity) {  // a parity with no row in the band: nothing
    int32_t first = 0, last = 0;
    ParityRows(band.y0, band.y1, parity >> 1, &first, &last);
    if (first == last) continue;
    PolyphaseBlock<Set, B>(op, in, band.input, out, band.output, band.y0, band.y1, oc0, parity >> 1,
                           parity & 1, scratch, base, base_known);
    base_known = true;
  }
}

template <typename Set>
void Conv(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out, const Band& band,
          int8_t* scratch) {
  if (PatchApplies(op, in, out)) {
    PatchConv<Set>(op, in, band.input, out, band.output, band.y0, band.y1, scratch);
    return;
  }
  const BlockScratch split = SplitScratch(scratch, in.channels, in.zero_point);
  int32_t oc0 = 0;
  for (; oc0 + kWideBlock <= out.channels; oc0 += kWideBlock) {
    RunBlock<Set, kWideBlock>(op, in, out, band, oc0, split);
  }
  for (; oc0 < out.channels; ++oc0) RunBlock<Set, 1>(op, in, out, band, oc0, split);
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
    default:  // the page's SIMD128 module leaves it out: the portable module is the other one
      return DNZ_MCU_HAVE_PORTABLE;
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
  return BlockScratchBytes(taps, in.channels, out.channels);
}

// Instructions per weight value made ready, and per block and call (a Cortex-M4, measured).
struct BandCosts {
  uint64_t per_call, per_block, per_patch_value, per_tap_value, per_parity_value;
};
// [int8, int4]: int4 weights cost more to widen (weights.h; measured per one-row band).
#if DNZ_MCU_HAVE_ARM_DSP
constexpr BandCosts kArmDspCosts[2] = {{300, 100, 4, 3, 17}, {300, 100, 18, 6, 41}};
#endif
constexpr BandCosts kPortableCosts[2] = {{300, 150, 6, 6, 35}, {300, 150, 18, 8, 52}};

uint64_t BandCost(const dnz_model& model, uint32_t i, int32_t y0, int32_t y1) {
  const dnz_op& op = model.ops[i];
  const int format = op.weight_format == DNZ_WEIGHTS_INT4 ? 1 : 0;
  const BandCosts& k =
#if DNZ_MCU_HAVE_ARM_DSP
      ActiveIsa() == Isa::kArmDsp ? kArmDspCosts[format] :
#endif
                                  kPortableCosts[format];
  const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
  const uint64_t in_c = uint64_t(in.channels), out_c = uint64_t(out.channels);
  const uint64_t blocks = out_c / kWideBlock + out_c % kWideBlock;
  if (PatchApplies(op, in, out)) {
    return k.per_call + k.per_patch_value * out_c * uint64_t(PatchLength(op, in));
  }
  if (RunsPolyphase(op, in, out)) {  // each output parity with rows in the band: 4 taps
    uint64_t parities = 0;
    for (int py = 0; py < 2; ++py) {
      int32_t first = 0, last = 0;
      ParityRows(y0, y1, py, &first, &last);
      parities += first < last ? 2 : 0;
    }
    return k.per_call + parities * (k.per_block * blocks + k.per_parity_value * in_c * out_c);
  }
  const uint64_t taps = uint64_t(op.kernel_h) * uint64_t(op.kernel_w);
  return k.per_call + k.per_block * blocks + k.per_tap_value * taps * in_c * out_c;
}

void ConvS8Rows(Isa isa, const dnz_op& op, const dnz_tensor_info& in, Rows<const int8_t> input,
                const dnz_tensor_info& out, Rows<int8_t> output, int32_t y0, int32_t y1,
                int8_t* scratch) {
  const Band band{input, output, y0, y1};
#if DNZ_MCU_HAVE_ARM_DSP
  if (isa == Isa::kArmDsp || !DNZ_MCU_HAVE_PORTABLE) {
    Conv<ArmDsp>(op, in, out, band, scratch);
    return;
  }
#endif
  (void)isa;
#if DNZ_MCU_HAVE_WASM_SIMD128
  Conv<WasmSimd128>(op, in, out, band, scratch);  // its only set (IsaBuilt)
#elif DNZ_MCU_HAVE_PORTABLE
  Conv<Portable>(op, in, out, band, scratch);
#endif
}

}  // namespace dnz::mcu
