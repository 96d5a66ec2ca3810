#include "conv_single_output.h"

namespace dnz {
namespace {

struct Geometry {
  const dnz_op* op;
  int32_t in_h, in_w, in_c;
};

// One output row of one image; inlined into each ISA's wrapper and vectorized
// there over the input channels.
inline __attribute__((always_inline)) void RowBody(const Geometry& g, const uint8_t* image,
                                                   int32_t oy, int32_t* out_row) {
  const dnz_op& op = *g.op;
  for (int32_t ox = 0; ox < op.conv_out_w; ++ox) {
    int32_t acc = op.bias[0];
    for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
      const int32_t iy = oy + ky - op.pad_top;
      if (iy < 0 || iy >= g.in_h) continue;
      for (int32_t kx = 0; kx < op.kernel_w; ++kx) {
        const int32_t ix = ox + kx - op.pad_left;
        if (ix < 0 || ix >= g.in_w) continue;
        const uint8_t* __restrict x = image + (iy * g.in_w + ix) * g.in_c;
        const int8_t* __restrict w = op.weights + (ky * op.kernel_w + kx) * g.in_c;
        int32_t sum = 0;
        for (int32_t c = 0; c < g.in_c; ++c) sum += int32_t(w[c]) * int32_t(x[c]);
        acc += sum;
      }
    }
    out_row[ox] = acc;
  }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"))) void RowAvx512(const Geometry& g,
                                                                             const uint8_t* image,
                                                                             int32_t oy,
                                                                             int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}
__attribute__((target("avx2"))) void RowAvx2(const Geometry& g, const uint8_t* image, int32_t oy,
                                             int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}
void RowBaseline(const Geometry& g, const uint8_t* image, int32_t oy, int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}

using RowFn = void (*)(const Geometry&, const uint8_t*, int32_t, int32_t*);
RowFn PickRow() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) return RowAvx512;
  if (__builtin_cpu_supports("avx2")) return RowAvx2;
  return RowBaseline;
}
const RowFn Row = PickRow();

}  // namespace

void ConvSingleOutputU8(const dnz_op& op, int32_t in_h, int32_t in_w, int32_t in_c,
                        const uint8_t* input, int32_t* accumulators, uint32_t n) {
  const Geometry g{&op, in_h, in_w, in_c};
  const int64_t rows = int64_t(n) * op.conv_out_h;
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < rows; ++row) {
    const int64_t image = row / op.conv_out_h;
    const int32_t oy = int32_t(row % op.conv_out_h);
    Row(g, input + image * in_h * in_w * in_c, oy, accumulators + row * op.conv_out_w);
  }
}

}  // namespace dnz
