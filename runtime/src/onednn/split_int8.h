// Exact int8 convolutions on CPUs without VNNI. There oneDNN multiplies u8 by s8 with
// vpmaddubsw, which adds each pair of products into int16 with saturation (oneDNN's
// "int8 computation aspects"): 2 x 255 x 127 = 64,770 does not fit, so results can differ
// from ref (found by running the byte-identity tests with ONEDNN_MAX_CPU_ISA=AVX2). A
// 7-bit input cannot saturate: 2 x 127 x 128 = 32,512. So the backend runs each conv on
// the input's low 7 bits (with the bias) and again on its top bit (without), and adds:
//   conv(x) = conv(x & 127) + 128 * conv(x >> 7),
// exact in int32. That costs a second convolution and two light passes over the data,
// still far faster than `ref`'s plain loops (docs/benchmarks.md).
#ifndef DNZ_RUNTIME_SRC_ONEDNN_SPLIT_INT8_H_
#define DNZ_RUNTIME_SRC_ONEDNN_SPLIT_INT8_H_

#include <cstddef>
#include <cstdint>

namespace dnz {

// Whether oneDNN's int8 convolutions give ref's bytes by themselves on this CPU (with
// VNNI); elsewhere the backend splits each conv's input as above (onednn_backend.cc).
bool OnednnInt8IsExact();

// x -> (x & 127) in place, and x >> 7 into `high`.
inline void SplitImageTopBit(uint8_t* input, uint8_t* high, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) {
    high[i] = uint8_t(input[i] >> 7);
    input[i] = uint8_t(input[i] & 0x7F);
  }
}

// sums += 128 * high_sums. |high_sums| is at most the sum of |weights| of one output
// (< 2^24 for any conv the verifier accepts), so 128 times it fits int32.
inline void AddTopBitSumsOfImage(const int32_t* high_sums, int32_t* sums, size_t count) {
  for (size_t i = 0; i < count; ++i) sums[i] += high_sums[i] * 128;
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ONEDNN_SPLIT_INT8_H_
