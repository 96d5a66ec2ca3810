#include "requantize_output.h"

#include <cstdint>

#include "../threads.h"
#include "dnz_internal/requantize.h"
#include "intrinsics.h"
#include "isa.h"

namespace dnz {
namespace {

// A run of accumulators that become `count` u8 outputs (q + 128). Per-channel
// parameters are indexed by the value's position (a pixel's channels), or, with
// `uniform`, the first entry serves every value (a one-channel row).
struct Span {
  const int32_t* multiplier;
  const int32_t* rounding;
  const int32_t* shift32;
  int32_t count;
  bool uniform;
  int32_t zero_point, lower;
};

inline __attribute__((always_inline)) uint8_t SpanValue(const Span& s, int32_t acc, int32_t m,
                                                        int32_t r, int32_t sh) {
  int32_t value = RequantizeHigh32(acc, m, r, sh) + s.zero_point;
  value = value < s.lower ? s.lower : value;
  value = value > 127 ? 127 : value;
  return uint8_t(value + 128);
}

// One conv output row of `pixels` pixels (span.count values each). Conv pixel x
// reads its accumulators at columns[x & 1] + (x >> column_shift) * count: both
// columns point at the row when the accumulators are plain, and at the even and
// odd columns' parity blocks when they are polyphase. It goes to output pixel
// x >> window_shift (1 with a fused 2x2 pool): stored when it is the first of its
// window, else max-ed in (always, with `merge`: the window's second row).
struct ConvRow {
  const int32_t* columns[2];
  int32_t column_shift, pixels, window_shift;
  bool merge;
};

// Plain C++ that the compiler vectorizes (compiled for AVX2 and the baseline).
inline __attribute__((always_inline)) void SpanBody(const Span& s, const int32_t* __restrict acc,
                                                    uint8_t* __restrict out, bool pool) {
  if (s.uniform) {
    const int32_t m = s.multiplier[0], r = s.rounding[0], sh = s.shift32[0];
    for (int32_t i = 0; i < s.count; ++i) {
      const uint8_t u = SpanValue(s, acc[i], m, r, sh);
      out[i] = pool && out[i] > u ? out[i] : u;
    }
    return;
  }
  const int32_t* __restrict m = s.multiplier;
  const int32_t* __restrict r = s.rounding;
  const int32_t* __restrict sh = s.shift32;
  for (int32_t i = 0; i < s.count; ++i) {
    const uint8_t u = SpanValue(s, acc[i], m[i], r[i], sh[i]);
    out[i] = pool && out[i] > u ? out[i] : u;
  }
}

// AVX-512, 16 values at a time with a masked tail. The high word of the 64-bit
// product comes from two vpmuldq (even and odd lanes), which is exact and much
// cheaper than the widening the compiler picks (vpmullq on sign-extended halves).
__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"), always_inline)) inline void SpanAvx512(
    const Span& s, const int32_t* acc, uint8_t* out, bool pool) {
  const __m512i zero_point = _mm512_set1_epi32(s.zero_point);
  const __m512i lower = _mm512_set1_epi32(s.lower), upper = _mm512_set1_epi32(127);
  const __m512i offset = _mm512_set1_epi32(128);
  __m512i multiplier = _mm512_set1_epi32(s.multiplier[0]);
  __m512i rounding = _mm512_set1_epi32(s.rounding[0]);
  __m512i shift32 = _mm512_set1_epi32(s.shift32[0]);
  for (int32_t i = 0; i < s.count; i += 16) {
    const int32_t left = s.count - i;
    const __mmask16 mask = left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
    if (!s.uniform) {
      multiplier = _mm512_maskz_loadu_epi32(mask, s.multiplier + i);
      rounding = _mm512_maskz_loadu_epi32(mask, s.rounding + i);
      shift32 = _mm512_maskz_loadu_epi32(mask, s.shift32 + i);
    }
    const __m512i a = _mm512_maskz_loadu_epi32(mask, acc + i);
    const __m512i even = _mm512_srli_epi64(_mm512_mul_epi32(a, multiplier), 32);
    const __m512i odd =
        _mm512_mul_epi32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(multiplier, 32));
    const __m512i high = _mm512_mask_blend_epi32(0xaaaa, even, odd);
    __m512i value = _mm512_srav_epi32(_mm512_add_epi32(high, rounding), shift32);
    value = _mm512_min_epi32(_mm512_max_epi32(_mm512_add_epi32(value, zero_point), lower), upper);
    __m128i bytes = _mm512_cvtepi32_epi8(_mm512_add_epi32(value, offset));
    if (pool) bytes = _mm_max_epu8(bytes, _mm_maskz_loadu_epi8(mask, out + i));
    _mm_mask_storeu_epi8(out + i, mask, bytes);
  }
}

#define DNZ_CONV_ROW_LOOP(SPAN)                                                         \
  for (int32_t x = 0; x < row.pixels; ++x) {                                            \
    const bool pool = row.merge || (x & row.window_shift) != 0;                         \
    const int32_t* acc = row.columns[x & 1] + int64_t(x >> row.column_shift) * s.count; \
    SPAN(s, acc, out + int64_t(x >> row.window_shift) * s.count, pool);                 \
  }

__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq"))) void ConvRowAvx512(const Span& s,
                                                                                 const ConvRow& row,
                                                                                 uint8_t* out) {
  DNZ_CONV_ROW_LOOP(SpanAvx512)
}
__attribute__((target("avx2"))) void ConvRowAvx2(const Span& s, const ConvRow& row, uint8_t* out) {
  DNZ_CONV_ROW_LOOP(SpanBody)
}
void ConvRowBaseline(const Span& s, const ConvRow& row, uint8_t* out) {
  DNZ_CONV_ROW_LOOP(SpanBody)
}
#undef DNZ_CONV_ROW_LOOP

using ConvRowFn = void (*)(const Span&, const ConvRow&, uint8_t*);
constexpr x86::Variant<ConvRowFn> kConvRowVariants[] = {
    {x86::Isa::kBaseline, ConvRowBaseline},
    {x86::Isa::kAvx2, ConvRowAvx2},
    {x86::Isa::kAvx512, ConvRowAvx512},
};

// The general rule in 64 bits (requantize.h), one value at a time: any shift, any
// activation.
inline uint8_t RequantizeScalar(const dnz_op& op, const dnz_tensor_info& out, int32_t acc,
                                int32_t oc) {
  return uint8_t(RequantizeActivate(op, out.zero_point, acc, oc)) ^ 0x80;
}

struct RowJob {
  ConvRowFn conv_row;  // the variant for this CPU (kConvRowVariants)
  const dnz_op* op;
  const dnz_tensor_info* out;
  const int32_t* acc;
  uint32_t images;
  bool polyphase;
  Span pixel;  // one output pixel's channels (or, one channel, a whole row)
  bool vector_path, sigmoid;
};

// The accumulators of conv row oy of one image: plain [n][h][w][c], or polyphase,
// four parity blocks [py][px][n][h/2][w/2][c].
ConvRow ConvRowAt(const RowJob& job, int64_t image, int32_t oy) {
  const dnz_op& op = *job.op;
  const int64_t c = job.out->channels;
  ConvRow row{};
  row.pixels = op.conv_out_w;
  if (!job.polyphase) {
    const int64_t offset = (image * op.conv_out_h + oy) * op.conv_out_w * c;
    row.columns[0] = row.columns[1] = job.acc + offset;
    return row;
  }
  const int64_t half_h = op.conv_out_h / 2, half_w = op.conv_out_w / 2;
  const int64_t block = int64_t(job.images) * half_h * half_w * c;
  const int64_t offset = (image * half_h + (oy >> 1)) * half_w * c;
  for (int px = 0; px < 2; ++px) row.columns[px] = job.acc + ((oy & 1) * 2 + px) * block + offset;
  row.column_shift = 1;
  return row;
}

// Output row py of one image from its one or two conv rows.
void RequantizeRow(const RowJob& job, int64_t image, int32_t py, uint8_t* out_row) {
  const dnz_op& op = *job.op;
  const int32_t channels = job.out->channels, window = op.fused_maxpool_output ? 2 : 1;
  for (int32_t oy = py * window; oy < py * window + window && oy < op.conv_out_h; ++oy) {
    ConvRow row = ConvRowAt(job, image, oy);
    row.window_shift = window - 1;
    row.merge = oy != py * window;
    if (!job.vector_path) {
      for (int32_t x = 0; x < op.conv_out_w; ++x) {
        const int32_t* acc = row.columns[x & 1] + int64_t(x >> row.column_shift) * channels;
        uint8_t* result = out_row + (x >> row.window_shift) * channels;
        const bool pool = row.merge || (x & row.window_shift) != 0;
        for (int32_t oc = 0; oc < channels; ++oc) {
          const uint8_t v = RequantizeScalar(op, *job.out, acc[oc], oc);
          result[oc] = pool && result[oc] > v ? result[oc] : v;
        }
      }
    } else if (job.pixel.uniform && window == 1 && !job.polyphase) {
      Span whole_row = job.pixel;  // one channel: the row is one span
      whole_row.count = op.conv_out_w;
      row.pixels = 1;
      job.conv_row(whole_row, row, out_row);
    } else {
      job.conv_row(job.pixel, row, out_row);
    }
  }
  // The vector path wrote the sigmoid's pre-activation (+128): map it through the table.
  if (job.vector_path && job.sigmoid) {
    const int32_t count = job.out->width * channels;
    for (int32_t i = 0; i < count; ++i) {
      out_row[i] = uint8_t(op.activation_table[out_row[i]]) ^ 0x80;
    }
  }
}

}  // namespace

Requant32 MakeRequant32(const dnz_op& op, int32_t channels) {
  Requant32 r;
  for (int32_t oc = 0; oc < channels; ++oc) {
    if (op.requant_shift[oc] < kMinShiftForHigh32) return {};
  }
  for (int32_t oc = 0; oc < channels; ++oc) {
    r.rounding.push_back(int32_t(1) << (op.requant_shift[oc] - kMinShiftForHigh32));
    r.shift32.push_back(op.requant_shift[oc] - 32);
  }
  return r;
}

void RequantizeOutput(const dnz_op& op, const Requant32& fast, const dnz_tensor_info& out,
                      const int32_t* acc, bool polyphase, uint8_t* output, uint32_t n,
                      int threads) {
  const bool sigmoid = op.activation == DNZ_ACT_SIGMOID;
  RowJob job;
  job.conv_row = x86::PickVariant(kConvRowVariants);
  job.op = &op;
  job.out = &out;
  job.acc = acc;
  job.images = n;
  job.polyphase = polyphase;
  job.sigmoid = sigmoid;
  // A pooled sigmoid takes the max after the table (the table need not be monotonic).
  job.vector_path = !fast.rounding.empty() && !(sigmoid && op.fused_maxpool_output);
  job.pixel = Span{op.requant_multiplier,
                   fast.rounding.data(),
                   fast.shift32.data(),
                   out.channels,
                   out.channels == 1,
                   sigmoid ? op.preact_zero_point : out.zero_point,
                   ActivationLowerBound(op, out.zero_point)};
  const int64_t rows = int64_t(n) * out.height;
  const int64_t row_bytes = int64_t(out.width) * out.channels;
  ParallelFor(threads, rows, [&](int64_t row) {
    RequantizeRow(job, row / out.height, int32_t(row % out.height), output + row * row_bytes);
  });
}

}  // namespace dnz
