// The innermost loops of the mcu kernels, in two instruction sets that give the same sums:
// Portable (plain C++, any compiler) and ArmDsp (SXTB16, SADD16 and SMLAD through Arm's ACLE
// intrinsics: two 16-bit multiply-accumulates per instruction), which exists only where the
// compiler targets a core with the DSP extension (__ARM_FEATURE_DSP: Cortex-M4, M7, M33...).
// The kernels are templates on the set, so that both are built and tested where ArmDsp runs.
//
//   Tap<B>       one tap: in_c int8 inputs times a block of B channels' int16 weights
//                (weight_blocks.h), added to B accumulators
//   Lanes        four input channels' weights widened: Widen (from int8 or packed int4,
//                dnz_internal/weights.h), Add (polyphase sums),
//                Store (as one group, w0 w2 w1 w3, and into a running total)
//   DotPairs<B>  int16 pairs (a gathered patch) times B rows of int16 weight pairs
#ifndef DNZ_RUNTIME_SRC_MCU_INSTRUCTION_SETS_H_
#define DNZ_RUNTIME_SRC_MCU_INSTRUCTION_SETS_H_

#include <cstdint>

#include "dnz_internal/weights.h"
#include "weight_blocks.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define DNZ_MCU_HAVE_ARM_DSP 1
#else
#define DNZ_MCU_HAVE_ARM_DSP 0
#endif

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#define DNZ_MCU_HAVE_WASM_SIMD128 1
#else
#define DNZ_MCU_HAVE_WASM_SIMD128 0
#endif

namespace dnz::mcu {

// The in_c % 4 channels after the last whole group: one product at a time.
template <int32_t B>
inline void AccumulateTail(const int8_t* x, const int16_t* w, int32_t tail, int32_t* acc) {
  for (int32_t t = 0; t < tail; ++t) {
    for (int32_t b = 0; b < B; ++b) acc[b] += int32_t(w[t * B + b]) * int32_t(x[t]);
  }
}

struct Portable {
  static constexpr const char* kName = "portable";
  using ExpandIsa = Portable;  // whose Lanes widen the weights (expand_weights.h)

  // Four input channels' weights (or sums of them) widened, for the polyphase expansion.
  struct Lanes {
    int32_t w0, w1, w2, w3;
  };
  static inline Lanes Widen(const int8_t* w) { return {w[0], w[1], w[2], w[3]}; }
  static inline Lanes Widen(Int4Weights w) {
    const uint32_t four = w.FourNibbles();
    return {NibbleOf(four, 0), NibbleOf(four, 1), NibbleOf(four, 2), NibbleOf(four, 3)};
  }
  // Either format (the compact builds): one copy, called, rather than both inlined per use.
  [[gnu::noinline]] static Lanes Widen(AnyWeights w) {
    if (w.int4) return Widen(Int4Weights{w.data, w.index});
    return Widen(w.data + w.index);
  }
  static inline Lanes Add(Lanes a, Lanes b) {
    return {a.w0 + b.w0, a.w1 + b.w1, a.w2 + b.w2, a.w3 + b.w3};
  }
  // Stored as one group (w0 w2 w1 w3).
  static inline void Store(Lanes a, int16_t* group) {
    group[0] = int16_t(a.w0), group[1] = int16_t(a.w2), group[2] = int16_t(a.w1),
    group[3] = int16_t(a.w3);
  }
  // `total` plus the four.
  static inline int32_t Total(Lanes a, int32_t total) { return total + a.w0 + a.w1 + a.w2 + a.w3; }
  static inline int32_t Store(Lanes a, int16_t* group, int32_t total) {
    Store(a, group);
    return Total(a, total);
  }

  template <int32_t B>
  static inline void Tap(const int8_t* x, const int16_t* w, int32_t in_c, int32_t* acc) {
    const int32_t groups = in_c / kGroup;
    if constexpr (B == 4) {
      int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
      for (int32_t g = groups; g > 0; --g, x += kGroup, w += kGroup * B) {
        const int32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];  // weights: (w0 w2 w1 w3)
        a0 += w[0] * x0 + w[1] * x2 + w[2] * x1 + w[3] * x3;
        a1 += w[4] * x0 + w[5] * x2 + w[6] * x1 + w[7] * x3;
        a2 += w[8] * x0 + w[9] * x2 + w[10] * x1 + w[11] * x3;
        a3 += w[12] * x0 + w[13] * x2 + w[14] * x1 + w[15] * x3;
      }
      acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    } else {
      static_assert(B == 1, "blocks of 4 or 1 output channels");
      int32_t a0 = acc[0];
      for (int32_t g = groups; g > 0; --g, x += kGroup, w += kGroup) {
        a0 += w[0] * x[0] + w[1] * x[2] + w[2] * x[1] + w[3] * x[3];
      }
      acc[0] = a0;
    }
    AccumulateTail<B>(x, w, in_c % kGroup, acc);
  }

  template <int32_t B>
  static inline void DotPairs(const int16_t* patch, const int16_t* w, int32_t pairs,
                              int32_t row_stride, int32_t* acc) {
    for (int32_t b = 0; b < B; ++b) {
      const int16_t* row = w + b * row_stride;
      int32_t sum = acc[b];
      for (int32_t i = 0; i < 2 * pairs; ++i) sum += int32_t(patch[i]) * int32_t(row[i]);
      acc[b] = sum;
    }
  }
};

#if DNZ_MCU_HAVE_ARM_DSP
struct ArmDsp {
  static constexpr const char* kName = "arm_dsp";
  using ExpandIsa = ArmDsp;
  // 32-bit loads of int8 inputs (any alignment: Cortex-M4/M7 load unaligned words) and of
  // int16 pairs (4-byte aligned), through GCC's may_alias types rather than memcpy, which
  // GCC 12 routes through the stack here.
  typedef uint32_t __attribute__((may_alias, aligned(1))) InputWord;
  typedef int32_t __attribute__((may_alias)) Pair;

  // (x1, x3) of a word: SXTB16 of the word rotated by 8 bits, as one instruction (GCC 12 has
  // no intrinsic for the rotated form and emits a separate ROR for __sxtb16 of a rotation).
  static inline int16x2_t OddPair(uint32_t word) {
    int16x2_t odd;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(odd) : "r"(word));
    return odd;
  }
  static inline uint32_t LoadWord(const int8_t* x) {
    return *reinterpret_cast<const InputWord*>(x);
  }

  // Four input channels' weights (or sums of them) widened: (w0 w2) and (w1 w3).
  struct Lanes {
    int16x2_t even, odd;
  };
  static inline Lanes Widen(const int8_t* w) {
    const uint32_t word = LoadWord(w);
    return {__sxtb16(int8x4_t(word)), OddPair(word)};
  }
  // Four nibbles: each sign-extended by one SBFX, paired by one PKHBT (7 instructions with the
  // load, where int8 takes 3: the expansion is a few percent of a model's instructions).
  static inline int16x2_t PackPair(int32_t low, int32_t high) {
    int16x2_t pair;
    __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(pair) : "r"(low), "r"(high));
    return pair;
  }
  static inline Lanes Widen(Int4Weights w) {
    const uint32_t four = w.FourNibbles();
    return {PackPair(NibbleOf(four, 0), NibbleOf(four, 2)),
            PackPair(NibbleOf(four, 1), NibbleOf(four, 3))};
  }
  static inline Lanes Add(Lanes a, Lanes b) {  // lane sums stay within int16: at most 4 * 128
    return {__sadd16(a.even, b.even), __sadd16(a.odd, b.odd)};
  }
  // One STRD: a group is 4-byte aligned (weight_blocks.h), which is all STRD needs on M-profile.
  typedef uint64_t __attribute__((may_alias, aligned(4))) GroupWord;
  static inline void Store(Lanes a, int16_t* group) {
    *reinterpret_cast<GroupWord*>(group) = uint64_t(uint32_t(a.odd)) << 32 | uint32_t(a.even);
  }
  static inline int32_t Total(Lanes a, int32_t total) {
    return __smlad(a.even, 0x00010001, __smlad(a.odd, 0x00010001, total));
  }
  static inline int32_t Store(Lanes a, int16_t* group, int32_t total) {
    Store(a, group);
    return Total(a, total);
  }

  // The loops over groups, in assembly: GCC 12 splits the weight loads into single LDRs and
  // spills accumulators, about 22 instructions per group of 16 multiply-accumulates where
  // Groups4 takes 17: LDR and two SXTB16 for four inputs, four LDRD for sixteen weights (the
  // first post-indexed), eight SMLAD, SUBS, BNE (measured: tests/firmware/instruction_count.cc).
  // Needs n >= 1. At -O0 the frame pointer leaves too few registers: the C form runs there.
  static inline void Groups4(const int8_t*& x, const Pair*& pair, int32_t n, int32_t* acc) {
#if defined(__OPTIMIZE__)
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t word, odd, w0, w1, w2, w3;
    __asm__(
        "1:\n\t"
        "ldr %[word], [%[x]], #4\n\t"
        "sxtb16 %[odd], %[word], ror #8\n\t"     // (x1 x3)
        "sxtb16 %[word], %[word]\n\t"            // (x0 x2)
        "ldrd %[w0], %[w1], [%[pair]], #32\n\t"  // then the block's next group
        "ldrd %[w2], %[w3], [%[pair], #-24]\n\t"
        "smlad %[a0], %[word], %[w0], %[a0]\n\t"
        "smlad %[a0], %[odd], %[w1], %[a0]\n\t"
        "smlad %[a1], %[word], %[w2], %[a1]\n\t"
        "smlad %[a1], %[odd], %[w3], %[a1]\n\t"
        "ldrd %[w0], %[w1], [%[pair], #-16]\n\t"
        "ldrd %[w2], %[w3], [%[pair], #-8]\n\t"
        "smlad %[a2], %[word], %[w0], %[a2]\n\t"
        "smlad %[a2], %[odd], %[w1], %[a2]\n\t"
        "smlad %[a3], %[word], %[w2], %[a3]\n\t"
        "smlad %[a3], %[odd], %[w3], %[a3]\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b"
        : [x] "+r"(x), [pair] "+r"(pair), [n] "+r"(n), [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2),
          [a3] "+r"(a3), [word] "=&r"(word), [odd] "=&r"(odd), [w0] "=&r"(w0), [w1] "=&r"(w1),
          [w2] "=&r"(w2), [w3] "=&r"(w3)
        :
        : "cc", "memory");  // reads the whole group run at x and pair
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
#else
    for (; n > 0; --n, x += kGroup, pair += 8) {
      const uint32_t word = LoadWord(x);
      const int16x2_t even = __sxtb16(int8x4_t(word)), odd = OddPair(word);
      for (int b = 0; b < 4; ++b)
        acc[b] = __smlad(odd, pair[2 * b + 1], __smlad(even, pair[2 * b], acc[b]));
    }
#endif
  }
  static inline void Groups1(const int8_t*& x, const Pair*& pair, int32_t n, int32_t* acc) {
#if defined(__OPTIMIZE__)
    int32_t a0 = acc[0];
    uint32_t word, odd, w0, w1;
    __asm__(
        "1:\n\t"
        "ldr %[word], [%[x]], #4\n\t"
        "ldrd %[w0], %[w1], [%[pair]], #8\n\t"
        "sxtb16 %[odd], %[word], ror #8\n\t"
        "sxtb16 %[word], %[word]\n\t"
        "smlad %[a0], %[word], %[w0], %[a0]\n\t"
        "smlad %[a0], %[odd], %[w1], %[a0]\n\t"
        "subs %[n], %[n], #1\n\t"
        "bne 1b"
        : [x] "+r"(x), [pair] "+r"(pair), [n] "+r"(n), [a0] "+r"(a0), [word] "=&r"(word),
          [odd] "=&r"(odd), [w0] "=&r"(w0), [w1] "=&r"(w1)
        :
        : "cc", "memory");  // reads the whole group run at x and pair
    acc[0] = a0;
#else
    for (; n > 0; --n, x += kGroup, pair += 2) {
      const uint32_t word = LoadWord(x);
      acc[0] = __smlad(OddPair(word), pair[1], __smlad(__sxtb16(int8x4_t(word)), pair[0], acc[0]));
    }
#endif
  }

  template <int32_t B>
  static inline void Tap(const int8_t* x, const int16_t* w, int32_t in_c, int32_t* acc) {
    static_assert(B == 4 || B == 1, "blocks of 4 or 1 output channels");
    const Pair* pair = reinterpret_cast<const Pair*>(w);
    const int32_t groups = in_c / kGroup;
    if (groups > 0) {
      if constexpr (B == 4) {
        Groups4(x, pair, groups, acc);
      } else {
        Groups1(x, pair, groups, acc);
      }
    }
    AccumulateTail<B>(x, w + groups * B * kGroup, in_c % kGroup, acc);
  }

  template <int32_t B>
  static inline void DotPairs(const int16_t* patch, const int16_t* w, int32_t pairs,
                              int32_t row_stride, int32_t* acc) {
    const Pair* p = reinterpret_cast<const Pair*>(patch);
    const Pair* row = reinterpret_cast<const Pair*>(w);
    const int32_t stride = row_stride / 2;
    if constexpr (B == 4) {
      int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
      for (int32_t i = 0; i < pairs; ++i) {
        const int16x2_t x = p[i];
        a0 = __smlad(x, row[i], a0);
        a1 = __smlad(x, row[stride + i], a1);
        a2 = __smlad(x, row[2 * stride + i], a2);
        a3 = __smlad(x, row[3 * stride + i], a3);
      }
      acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
    } else {
      static_assert(B == 1, "blocks of 4 or 1 output channels");
      int32_t a0 = acc[0];
      for (int32_t i = 0; i < pairs; ++i) a0 = __smlad(p[i], row[i], a0);
      acc[0] = a0;
    }
  }
};
#endif

#if DNZ_MCU_HAVE_WASM_SIMD128
// WebAssembly SIMD128 (the page's module, docs/web.md): i32x4.dot_i16x8_s is SMLAD four times
// over, two int16 products summed into each of four int32 lanes. The weight layout is the
// same; the lanes are summed at the end of a tap, so every sum is the portable one's (int32
// arithmetic, in another order).
struct WasmSimd128 {
  static constexpr const char* kName = "wasm_simd128";

  // Four int8 inputs (x0 x1 x2 x3) as int16 (x0 x2 x1 x3 x0 x2 x1 x3): both halves meet a
  // group's weights (w0 w2 w1 w3) of two channels.
  static inline v128_t GroupTwice(const int8_t* x) {
    const v128_t wide = wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(x));
    return wasm_i16x8_shuffle(wide, wide, 0, 2, 1, 3, 0, 2, 1, 3);
  }
  // Eight int8 inputs, two groups, as int16 (x0 x2 x1 x3 x4 x6 x5 x7).
  static inline v128_t TwoGroups(const int8_t* x) {
    const v128_t wide = wasm_i16x8_extend_low_i8x16(wasm_v128_load64_zero(x));
    return wasm_i16x8_shuffle(wide, wide, 0, 2, 1, 3, 4, 6, 5, 7);
  }
  static inline int32_t PairSum(v128_t v, int first) {
    return first == 0 ? wasm_i32x4_extract_lane(v, 0) + wasm_i32x4_extract_lane(v, 1)
                      : wasm_i32x4_extract_lane(v, 2) + wasm_i32x4_extract_lane(v, 3);
  }
  static inline int32_t AllLanes(v128_t v) { return PairSum(v, 0) + PairSum(v, 2); }

  template <int32_t B>
  static inline void Tap(const int8_t* x, const int16_t* w, int32_t in_c, int32_t* acc) {
    const int32_t groups = in_c / kGroup;
    if constexpr (B == 4) {
      v128_t a01 = wasm_i32x4_splat(0), a23 = wasm_i32x4_splat(0);
      for (int32_t g = groups; g > 0; --g, x += kGroup, w += kGroup * B) {
        const v128_t xx = GroupTwice(x);
        a01 = wasm_i32x4_add(a01, wasm_i32x4_dot_i16x8(xx, wasm_v128_load(w)));
        a23 = wasm_i32x4_add(a23, wasm_i32x4_dot_i16x8(xx, wasm_v128_load(w + 8)));
      }
      acc[0] += PairSum(a01, 0), acc[1] += PairSum(a01, 2), acc[2] += PairSum(a23, 0),
          acc[3] += PairSum(a23, 2);
    } else {
      static_assert(B == 1, "blocks of 4 or 1 output channels");
      v128_t a0 = wasm_i32x4_splat(0);
      int32_t g = groups;
      for (; g >= 2; g -= 2, x += 2 * kGroup, w += 2 * kGroup) {
        a0 = wasm_i32x4_add(a0, wasm_i32x4_dot_i16x8(TwoGroups(x), wasm_v128_load(w)));
      }
      int32_t sum = AllLanes(a0);
      if (g == 1) {
        sum += w[0] * x[0] + w[1] * x[2] + w[2] * x[1] + w[3] * x[3];
        x += kGroup, w += kGroup;
      }
      acc[0] += sum;
    }
    AccumulateTail<B>(x, w, in_c % kGroup, acc);
  }

  // The weight expansion, once per weight and band, is not the hot loop: Portable's (one copy
  // of its code in the module, not two).
  using ExpandIsa = Portable;

  template <int32_t B>
  static inline void DotPairs(const int16_t* patch, const int16_t* w, int32_t pairs,
                              int32_t row_stride, int32_t* acc) {
    const int32_t values = 2 * pairs;
    for (int32_t b = 0; b < B; ++b) {
      const int16_t* row = w + b * row_stride;
      v128_t sums = wasm_i32x4_splat(0);
      int32_t i = 0;
      for (; i + 8 <= values; i += 8) {
        sums = wasm_i32x4_add(
            sums, wasm_i32x4_dot_i16x8(wasm_v128_load(patch + i), wasm_v128_load(row + i)));
      }
      int32_t sum = AllLanes(sums);
      for (; i < values; ++i) sum += int32_t(patch[i]) * int32_t(row[i]);
      acc[b] += sum;
    }
  }
};
#endif

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_INSTRUCTION_SETS_H_
