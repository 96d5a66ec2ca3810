// Nearest-neighbour x2 upsample: output pixel (y, x) is input pixel (y >> 1, x >> 1).
// One template for every element type (int8, float, the onednn backend's u8).
// Each input row becomes one doubled row, copied once more for the odd output row
// (the copy is still in cache).
#ifndef DNZ_RUNTIME_SRC_REF_UPSAMPLE_H_
#define DNZ_RUNTIME_SRC_REF_UPSAMPLE_H_

#include <cstdint>
#include <cstring>

#include "dnz/dnz.h"

namespace dnz::ref {

// One image: input [in.H][in.W][C], output [2 in.H][2 in.W][C]. Images stacked
// along H upsample as one taller image.
template <typename T>
void Upsample2x(const dnz_tensor_info& in, const T* input, T* output) {
  const int64_t c = in.channels, out_row = int64_t(in.width) * 2 * c;
  for (int64_t y = 0; y < in.height; ++y) {
    const T* src = input + y * in.width * c;
    T* dst = output + y * 2 * out_row;
    for (int64_t x = 0; x < in.width; ++x) {
      for (int64_t k = 0; k < c; ++k)
        dst[2 * x * c + k] = dst[(2 * x + 1) * c + k] = src[x * c + k];
    }
    std::memcpy(dst + out_row, dst, sizeof(T) * size_t(out_row));
  }
}

}  // namespace dnz::ref

#endif  // DNZ_RUNTIME_SRC_REF_UPSAMPLE_H_
