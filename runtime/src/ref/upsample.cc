// Nearest-neighbour x2 upsample: output pixel (y, x) is input pixel (y >> 1, x >> 1).
#include <cstring>

#include "kernels_ref.h"

namespace dnz::ref {

template <typename T>
void Upsample2x(const dnz_tensor_info& in, const T* input, T* output) {
  const int32_t c = in.channels, out_w = in.width * 2;
  for (int32_t y = 0; y < in.height * 2; ++y) {
    for (int32_t x = 0; x < out_w; ++x) {
      std::memcpy(output + (y * out_w + x) * c, input + ((y >> 1) * in.width + (x >> 1)) * c,
                  sizeof(T) * size_t(c));
    }
  }
}

void Upsample2xS8(const dnz_tensor_info& in, const int8_t* input, int8_t* output) {
  Upsample2x(in, input, output);
}

void Upsample2xF32(const dnz_tensor_info& in, const float* input, float* output) {
  Upsample2x(in, input, output);
}

}  // namespace dnz::ref
