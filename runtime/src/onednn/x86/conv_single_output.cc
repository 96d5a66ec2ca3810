#include "conv_single_output.h"

#include <cstdint>

#include "../threads.h"
#include "intrinsics.h"
#include "isa.h"

namespace dnz {
namespace {

struct Geometry {
  const dnz_op* op;
  int32_t in_h, in_w, in_c;
};

// The kernel columns [*kx_begin, *kx_end) whose input column ox + kx - pad_left
// lies inside the image.
inline void ValidColumns(const Geometry& g, int32_t ox, int32_t* kx_begin, int32_t* kx_end) {
  const int32_t begin = g.op->pad_left - ox, end = g.in_w + g.op->pad_left - ox;
  *kx_begin = begin > 0 ? begin : 0;
  *kx_end = end < g.op->kernel_w ? end : g.op->kernel_w;
}

// Deep inputs (in_c >= kMinDeepChannels): for one output pixel and one kernel row,
// the valid taps are one contiguous span of (kx_end - kx_begin) * in_c bytes in
// both the NHWC input and the OHWI weights, so each pixel is a few long dot
// products. Inlined into each ISA's wrapper and vectorized there.
constexpr int32_t kMinDeepChannels = 16;

inline __attribute__((always_inline)) void DeepRowBody(const Geometry& g, const uint8_t* image,
                                                       int32_t oy, int32_t* out_row) {
  const dnz_op& op = *g.op;
  for (int32_t ox = 0; ox < op.conv_out_w; ++ox) {
    int32_t kx_begin, kx_end;
    ValidColumns(g, ox, &kx_begin, &kx_end);
    const int32_t span = (kx_end - kx_begin) * g.in_c;
    int32_t acc = op.bias[0];
    for (int32_t ky = 0; ky < op.kernel_h && span > 0; ++ky) {
      const int32_t iy = oy + ky - op.pad_top;
      if (iy < 0 || iy >= g.in_h) continue;
      const uint8_t* __restrict x = image + (iy * g.in_w + ox + kx_begin - op.pad_left) * g.in_c;
      const int8_t* __restrict w = op.weights + (ky * op.kernel_w + kx_begin) * g.in_c;
      int32_t sum = 0;
      for (int32_t i = 0; i < span; ++i) sum += int32_t(w[i]) * int32_t(x[i]);
      acc += sum;
    }
    out_row[ox] = acc;
  }
}

// The same with AVX-512 VNNI: vpdpbusd multiplies u8 by s8 and adds groups of four
// into int32 lanes without saturation, so the sum is exact; masked loads cover
// the tail of a span without reading past it. Inside the image, four neighbouring
// output pixels share each weight load (their inputs are in_c bytes apart).
constexpr int32_t kPixelBlock = 4;

__attribute__((target("avx512f,avx512bw,avx512vnni"))) inline __mmask64 TailMask(int32_t bytes) {
  return bytes >= 64 ? ~__mmask64{0} : (__mmask64{1} << bytes) - 1;
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) void DeepRowVnni(const Geometry& g,
                                                                        const uint8_t* image,
                                                                        int32_t oy,
                                                                        int32_t* out_row) {
  const dnz_op& op = *g.op;
  const int32_t full_span = op.kernel_w * g.in_c;
  int32_t ox = 0;
  while (ox < op.conv_out_w) {
    const bool inside = ox + kPixelBlock <= op.conv_out_w && ox - op.pad_left >= 0 &&
                        ox + kPixelBlock - 1 - op.pad_left + op.kernel_w <= g.in_w;
    if (inside) {
      __m512i acc[kPixelBlock];
      for (__m512i& a : acc) a = _mm512_setzero_si512();
      for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
        const int32_t iy = oy + ky - op.pad_top;
        if (iy < 0 || iy >= g.in_h) continue;
        const uint8_t* x = image + (iy * g.in_w + ox - op.pad_left) * g.in_c;
        const int8_t* w = op.weights + ky * full_span;
        for (int32_t i = 0; i < full_span; i += 64) {
          const __mmask64 mask = TailMask(full_span - i);
          const __m512i weights = _mm512_maskz_loadu_epi8(mask, w + i);
          for (int32_t p = 0; p < kPixelBlock; ++p) {
            acc[p] = _mm512_dpbusd_epi32(acc[p], _mm512_maskz_loadu_epi8(mask, x + p * g.in_c + i),
                                         weights);
          }
        }
      }
      for (int32_t p = 0; p < kPixelBlock; ++p) {
        out_row[ox + p] = op.bias[0] + _mm512_reduce_add_epi32(acc[p]);
      }
      ox += kPixelBlock;
      continue;
    }
    int32_t kx_begin, kx_end;
    ValidColumns(g, ox, &kx_begin, &kx_end);
    const int32_t span = (kx_end - kx_begin) * g.in_c;
    __m512i acc = _mm512_setzero_si512();
    for (int32_t ky = 0; ky < op.kernel_h && span > 0; ++ky) {
      const int32_t iy = oy + ky - op.pad_top;
      if (iy < 0 || iy >= g.in_h) continue;
      const uint8_t* x = image + (iy * g.in_w + ox + kx_begin - op.pad_left) * g.in_c;
      const int8_t* w = op.weights + (ky * op.kernel_w + kx_begin) * g.in_c;
      for (int32_t i = 0; i < span; i += 64) {
        const __mmask64 mask = TailMask(span - i);
        acc = _mm512_dpbusd_epi32(acc, _mm512_maskz_loadu_epi8(mask, x + i),
                                  _mm512_maskz_loadu_epi8(mask, w + i));
      }
    }
    out_row[ox] = op.bias[0] + _mm512_reduce_add_epi32(acc);
    ++ox;
  }
}

// Shallow inputs (the 1-channel 3x3 conv): vectorize across output columns
// instead; for each tap the valid columns are one range, so no per-pixel test.
inline __attribute__((always_inline)) void ShallowRowBody(const Geometry& g, const uint8_t* image,
                                                          int32_t oy, int32_t* out_row) {
  const dnz_op& op = *g.op;
  for (int32_t ox = 0; ox < op.conv_out_w; ++ox) out_row[ox] = op.bias[0];
  for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
    const int32_t iy = oy + ky - op.pad_top;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int32_t kx = 0; kx < op.kernel_w; ++kx) {
      const int32_t begin = op.pad_left - kx > 0 ? op.pad_left - kx : 0;
      const int32_t limit = g.in_w + op.pad_left - kx;
      const int32_t end = limit < op.conv_out_w ? limit : op.conv_out_w;
      for (int32_t c = 0; c < g.in_c; ++c) {
        const int32_t w = op.weights[(ky * op.kernel_w + kx) * g.in_c + c];
        const uint8_t* __restrict x = image + (iy * g.in_w + begin + kx - op.pad_left) * g.in_c + c;
        int32_t* __restrict out = out_row + begin;
        if (g.in_c == 1) {  // unit stride, spelled out so that it vectorizes
          for (int32_t i = 0; i < end - begin; ++i) out[i] += w * int32_t(x[i]);
        } else {
          for (int32_t i = 0; i < end - begin; ++i) out[i] += w * int32_t(x[i * g.in_c]);
        }
      }
    }
  }
}

inline __attribute__((always_inline)) void RowBody(const Geometry& g, const uint8_t* image,
                                                   int32_t oy, int32_t* out_row) {
  if (g.in_c >= kMinDeepChannels) {
    DeepRowBody(g, image, oy, out_row);
  } else {
    ShallowRowBody(g, image, oy, out_row);
  }
}

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"))) void RowAvx512(const Geometry& g,
                                                                             const uint8_t* image,
                                                                             int32_t oy,
                                                                             int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"))) void RowAvx512Vnni(
    const Geometry& g, const uint8_t* image, int32_t oy, int32_t* out_row) {
  if (g.in_c >= kMinDeepChannels) {
    DeepRowVnni(g, image, oy, out_row);
  } else {
    ShallowRowBody(g, image, oy, out_row);
  }
}
__attribute__((target("avx2"))) void RowAvx2(const Geometry& g, const uint8_t* image, int32_t oy,
                                             int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}
void RowBaseline(const Geometry& g, const uint8_t* image, int32_t oy, int32_t* out_row) {
  RowBody(g, image, oy, out_row);
}

using RowFn = void (*)(const Geometry&, const uint8_t*, int32_t, int32_t*);
constexpr x86::Variant<RowFn> kRowVariants[] = {
    {x86::Isa::kBaseline, RowBaseline},
    {x86::Isa::kAvx2, RowAvx2},
    {x86::Isa::kAvx512, RowAvx512},
    {x86::Isa::kAvx512Vnni, RowAvx512Vnni},
};

}  // namespace

void ConvSingleOutputU8(const dnz_op& op, int32_t in_h, int32_t in_w, int32_t in_c,
                        const uint8_t* input, int32_t* accumulators, uint32_t n, int threads) {
  const Geometry g{&op, in_h, in_w, in_c};
  const int64_t rows = int64_t(n) * op.conv_out_h;
  const RowFn Row = x86::PickVariant(kRowVariants);
  ParallelFor(threads, rows, [&](int64_t row) {
    const int64_t image = row / op.conv_out_h;
    const int32_t oy = int32_t(row % op.conv_out_h);
    Row(g, input + image * in_h * in_w * in_c, oy, accumulators + row * op.conv_out_w);
  });
}

}  // namespace dnz
