// The x86 instruction-set levels our own kernels are written for, best last, and which
// one they run. Every kernel lists its variants in one table (as XNNPACK lists its
// microkernels) and runs the best one at or below the active level:
//
//   kernel                         kBaseline  kAvx2  kAvx512  kAvx512Vnni
//   requantize_output.cc ConvRow   yes        yes    yes      (kAvx512)
//   conv_single_output.cc Row      yes        yes    yes      yes
//
// The active level is the best the CPU has; tests lower it (SetIsaLimit) to run every
// variant the CPU supports against `ref`.
#ifndef DNZ_RUNTIME_SRC_ONEDNN_X86_ISA_H_
#define DNZ_RUNTIME_SRC_ONEDNN_X86_ISA_H_

namespace dnz::x86 {

enum class Isa { kBaseline = 0, kAvx2 = 1, kAvx512 = 2, kAvx512Vnni = 3 };
constexpr Isa kAllIsas[] = {Isa::kBaseline, Isa::kAvx2, Isa::kAvx512, Isa::kAvx512Vnni};

const char* IsaName(Isa isa);
// Whether this CPU runs code of that level (AVX-512: F, BW, VL and DQ).
bool CpuSupports(Isa isa);
// The level kernels use now: the best the CPU supports, capped by SetIsaLimit.
Isa ActiveIsa();
// Tests: cap the level (an unsupported cap is lowered to what the CPU has).
void SetIsaLimit(Isa limit);

// The variant of a kernel written for `isa`.
template <typename Function>
struct Variant {
  Isa isa;
  Function function;
};

// The best variant at or below the active level; tables list every kernel's
// kBaseline variant, so there always is one.
template <typename Function, int N>
Function PickVariant(const Variant<Function> (&table)[N]) {
  const Isa active = ActiveIsa();
  Function best = nullptr;
  Isa best_isa = Isa::kBaseline;
  for (const Variant<Function>& v : table) {
    if (int(v.isa) <= int(active) && (best == nullptr || int(v.isa) > int(best_isa))) {
      best = v.function;
      best_isa = v.isa;
    }
  }
  return best;
}

}  // namespace dnz::x86

#endif  // DNZ_RUNTIME_SRC_ONEDNN_X86_ISA_H_
