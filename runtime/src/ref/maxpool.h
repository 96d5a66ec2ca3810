// 2x2 stride-2 max-pool, ceil mode: the bottom/right window may be partial
// (Keras 'same' padding, 7 -> 4), and padding never wins the max. One template for
// every element type: int8 (ref), float (float), and the onednn backend's u8
// (q + 128, which orders like q).
#ifndef DNZ_RUNTIME_SRC_REF_MAXPOOL_H_
#define DNZ_RUNTIME_SRC_REF_MAXPOOL_H_

#include <cstdint>

#include "dnz/dnz.h"
#include "dnz_internal/conv_geometry.h"

namespace dnz::ref {

// One image: input [in.H][in.W][C], output [(in.H + 1) / 2][(in.W + 1) / 2][C].
template <typename T>
void MaxPool2x2(const dnz_tensor_info& in, const T* input, T* output) {
  const int32_t out_h = PooledSide(in.height), out_w = PooledSide(in.width), c = in.channels;
  for (int32_t py = 0; py < out_h; ++py) {
    for (int32_t px = 0; px < out_w; ++px) {
      T* result = output + (py * out_w + px) * c;
      const T* first = input + (2 * py * in.width + 2 * px) * c;
      for (int32_t ch = 0; ch < c; ++ch) result[ch] = first[ch];
      for (int32_t dy = 0; dy < 2 && 2 * py + dy < in.height; ++dy) {
        for (int32_t dx = 0; dx < 2 && 2 * px + dx < in.width; ++dx) {
          const T* x = input + ((2 * py + dy) * in.width + 2 * px + dx) * c;
          for (int32_t ch = 0; ch < c; ++ch) result[ch] = x[ch] > result[ch] ? x[ch] : result[ch];
        }
      }
    }
  }
}

}  // namespace dnz::ref

#endif  // DNZ_RUNTIME_SRC_REF_MAXPOOL_H_
