// A conv's weights as the kernels read them, int8 or packed int4 (docs/quantization.md,
// "int4 weights"): weight i of the OHWI order is byte i (int8), or the nibble in bits
// 4 * (i & 1) of byte i / 2, sign-extended from 4 bits (int4). Kernels are templates on the
// reader, so an int8 model runs exactly the code it ran before int4 existed.
#ifndef DNZ_RUNTIME_INTERNAL_DNZ_INTERNAL_WEIGHTS_H_
#define DNZ_RUNTIME_INTERNAL_DNZ_INTERNAL_WEIGHTS_H_

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

// Bits 0-3 of `nibble` as a two's-complement value in [-8, 7].
inline int32_t SignExtendNibble(uint32_t nibble) { return int32_t((nibble & 15u) ^ 8u) - 8; }

// Weight `index` of packed int4 weights.
inline int32_t Int4At(const int8_t* packed, int64_t index) {
  const uint32_t byte = uint8_t(packed[index >> 1]);
  return SignExtendNibble(byte >> (4 * (index & 1)));
}

// Bytes of `count` weights in `format`.
inline uint64_t WeightBytes(dnz_weight_format format, uint64_t count) {
  return format == DNZ_WEIGHTS_INT4 ? (count + 1) / 2 : count;
}

// A position in int8 weights: a plain pointer, so int8 kernels are unchanged.
using Int8Weights = const int8_t*;

// A position in packed int4 weights: the bytes and a weight index. Moves like a pointer
// (`+`, `+=`) and reads like one (`[i]`: the weight i further on). The index is 32 bits (a conv
// has fewer than 2^31 weights: DNZ_MAX_CHANNELS^2 * DNZ_MAX_KERNEL^2), which a 32-bit core
// moves in one instruction.
struct Int4Weights {
  const int8_t* packed;
  int32_t index;
  Int4Weights operator+(int32_t n) const { return {packed, index + n}; }
  Int4Weights& operator+=(int32_t n) {
    index += n;
    return *this;
  }
  int32_t operator[](int32_t i) const { return Int4At(packed, index + i); }
  // The four weights from here on as a 16-bit word, weight k in bits 4k..4k+3 (an odd start
  // takes a third byte, which then holds weight 3). One unaligned 16-bit load when even.
  uint32_t FourNibbles() const {
    const int8_t* p = packed + (index >> 1);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    typedef uint16_t __attribute__((may_alias, aligned(1))) UnalignedHalf;
    const uint32_t pair = *reinterpret_cast<const UnalignedHalf*>(p);
#else
    const uint32_t pair = uint32_t(uint8_t(p[0])) | uint32_t(uint8_t(p[1])) << 8;
#endif
    if ((index & 1) == 0) return pair;
    return (pair >> 4) | (uint32_t(uint8_t(p[2])) & 15u) << 12;
  }
};

// Either format, chosen per read: one copy of a kernel for both, where code size counts more
// than speed (the page's WebAssembly modules).
struct AnyWeights {
  const int8_t* data;
  int32_t index;
  bool int4;
  AnyWeights operator+(int32_t n) const { return {data, index + n, int4}; }
  AnyWeights& operator+=(int32_t n) {
    index += n;
    return *this;
  }
  int32_t operator[](int32_t i) const {
    return int4 ? Int4At(data, index + i) : int32_t(data[index + i]);
  }
};

// Weight k (0-3) of Int4Weights::FourNibbles(), sign-extended: one SBFX on Arm for a constant
// k, as the mcu expansion uses it. (Int4At's index is known only at run time; there the
// mask-xor-subtract of SignExtendNibble is faster: ref took 6% more instructions with this.)
inline int32_t NibbleOf(uint32_t four, int k) { return int32_t(four << (28 - 4 * k)) >> 28; }

// Calls body(weights) with the op's weights as their reader: Int8Weights or Int4Weights, each
// its own copy of the kernel; with DNZ_COMPACT_WEIGHT_READERS (the page's WebAssembly modules,
// where the download counts) one AnyWeights copy for both.
template <typename Body>
inline auto WithWeights(const dnz_op& op, Body&& body) {
#if defined(DNZ_COMPACT_WEIGHT_READERS) && DNZ_COMPACT_WEIGHT_READERS
  return body(AnyWeights{op.weights, 0, op.weight_format == DNZ_WEIGHTS_INT4});
#else
  if (op.weight_format == DNZ_WEIGHTS_INT4) return body(Int4Weights{op.weights, 0});
  return body(Int8Weights{op.weights});
#endif
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_INTERNAL_DNZ_INTERNAL_WEIGHTS_H_
