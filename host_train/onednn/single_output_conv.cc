#include "onednn/single_output_conv.h"

#include <algorithm>
#include <cstddef>

namespace dnz::train::onednn {
namespace {

// The kernels, for a compile-time block so the inner loop is one SIMD register (B = 16).
// The forward pass makes X neighbouring outputs of a row at once: X independent sums per
// weight load, where one sum alone waits on each multiply-add before the next. Each output
// still adds its terms in the same order, so the result does not depend on X, nor on whether
// the window needed bounds checks (kInside: it lies inside the input, as every window of a
// 'valid' conv does; then the loops have no branch and the sums stay in registers).
template <int B, int X, bool kInside>
inline __attribute__((always_inline)) void ForwardOutputs(const SingleOutputConvShape& s,
                                                          const float* src, const float* weights,
                                                          float bias, int y, int x0, float* dst) {
  const int k = s.kernel, in = s.in_side, out = s.out_side, pad = s.padding;
  float acc[X][B] = {};
  for (int cb = 0; cb < s.channel_blocks; ++cb) {
    for (int ky = 0; ky < k; ++ky) {
      const int iy = y + ky - pad;
      if (!kInside && (iy < 0 || iy >= in)) continue;
      const float* row = src + (static_cast<size_t>(cb) * in + iy) * in * B;
      for (int kx = 0; kx < k; ++kx) {
        const float* wp = weights + ((static_cast<size_t>(cb) * k + ky) * k + kx) * B;
        for (int i = 0; i < X; ++i) {
          const int ix = x0 + i + kx - pad;
          if (!kInside && (ix < 0 || ix >= in)) continue;
          const float* sp = row + static_cast<size_t>(ix) * B;
          for (int b = 0; b < B; ++b) acc[i][b] += sp[b] * wp[b];
        }
      }
    }
  }
  for (int i = 0; i < X; ++i) {
    float sum = bias;
    for (int b = 0; b < B; ++b) sum += acc[i][b];
    dst[y * out + x0 + i] = (s.relu && sum < 0.0f) ? 0.0f : sum;
  }
}

template <int B>
inline __attribute__((always_inline)) void ForwardImage(const SingleOutputConvShape& s,
                                                        const float* src, const float* weights,
                                                        float bias, float* dst) {
  constexpr int kX = 4;
  const int out = s.out_side, k = s.kernel, in = s.in_side, pad = s.padding;
  // Windows from [first, last] (rows and columns alike) lie inside the input.
  const int first = pad, last = in + pad - k;
  for (int y = 0; y < out; ++y) {
    const bool row_inside = y >= first && y <= last;
    int x = 0;
    for (; x + kX <= out; x += kX) {
      if (row_inside && x >= first && x + kX - 1 <= last) {
        ForwardOutputs<B, kX, true>(s, src, weights, bias, y, x, dst);
      } else {
        ForwardOutputs<B, kX, false>(s, src, weights, bias, y, x, dst);
      }
    }
    for (; x < out; ++x) ForwardOutputs<B, 1, false>(s, src, weights, bias, y, x, dst);
  }
}

template <int B>
inline __attribute__((always_inline)) void BackwardImage(const SingleOutputConvShape& s,
                                                         const float* src, const float* weights,
                                                         const float* dst, const float* diff_dst,
                                                         float* diff_pre, float* diff_weights,
                                                         float* diff_bias, float* diff_src) {
  const int k = s.kernel, in = s.in_side, out = s.out_side, pad = s.padding;
  const size_t weight_count = static_cast<size_t>(s.channel_blocks) * k * k * B;
  std::fill(diff_weights, diff_weights + weight_count, 0.0f);
  if (diff_src != nullptr) {
    std::fill(diff_src, diff_src + static_cast<size_t>(s.channel_blocks) * in * in * B, 0.0f);
  }
  float bias_sum = 0.0f;
  for (int y = 0; y < out; ++y) {
    for (int x = 0; x < out; ++x) {
      const int o = y * out + x;
      const float g = (s.relu && !(dst[o] > 0.0f)) ? 0.0f : diff_dst[o];
      diff_pre[o] = g;
      if (g == 0.0f) continue;
      bias_sum += g;
      for (int cb = 0; cb < s.channel_blocks; ++cb) {
        for (int ky = 0; ky < k; ++ky) {
          const int iy = y + ky - pad;
          if (iy < 0 || iy >= in) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = x + kx - pad;
            if (ix < 0 || ix >= in) continue;
            const size_t si = ((static_cast<size_t>(cb) * in + iy) * in + ix) * B;
            const size_t wi = ((static_cast<size_t>(cb) * k + ky) * k + kx) * B;
            for (int b = 0; b < B; ++b) diff_weights[wi + b] += g * src[si + b];
            if (diff_src != nullptr) {
              for (int b = 0; b < B; ++b) diff_src[si + b] += g * weights[wi + b];
            }
          }
        }
      }
    }
  }
  *diff_bias = bias_sum;
}

// One clone per ISA, picked at load time (the project builds for baseline x86-64). The
// clones hold no OpenMP region. No AVX-512 clone: GCC 12 -O3 miscompiled it (wrong sums,
// caught by onednn_layers_test); AVX2 + FMA is most of the gain here. Under ThreadSanitizer
// only the default: GCC instruments the clones' resolver, which the loader runs before TSan's
// runtime is up (the program crashed at load), and threads are what that build checks.
#if defined(__SANITIZE_THREAD__)
#define DNZ_HASWELL_CLONES
#else
#define DNZ_HASWELL_CLONES __attribute__((target_clones("arch=haswell", "default")))
#endif
DNZ_HASWELL_CLONES void ForwardOneImage(const SingleOutputConvShape& s, const float* src,
                                        const float* weights, float bias, float* dst) {
  if (s.block == 16) {
    ForwardImage<16>(s, src, weights, bias, dst);
  } else {
    ForwardImage<1>(s, src, weights, bias, dst);
  }
}

DNZ_HASWELL_CLONES void BackwardOneImage(const SingleOutputConvShape& s, const float* src,
                                         const float* weights, const float* dst,
                                         const float* diff_dst, float* diff_pre,
                                         float* diff_weights, float* diff_bias, float* diff_src) {
  if (s.block == 16) {
    BackwardImage<16>(s, src, weights, dst, diff_dst, diff_pre, diff_weights, diff_bias, diff_src);
  } else {
    BackwardImage<1>(s, src, weights, dst, diff_dst, diff_pre, diff_weights, diff_bias, diff_src);
  }
}

void ForwardBatch(const SingleOutputConvShape& s, const float* src, const float* weights,
                  float bias, float* dst) {
  const size_t src_image = static_cast<size_t>(s.channel_blocks) * s.in_side * s.in_side * s.block;
  const size_t dst_image = static_cast<size_t>(s.out_side) * s.out_side;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < s.batch; ++n) {
    ForwardOneImage(s, src + n * src_image, weights, bias, dst + n * dst_image);
  }
}

void BackwardBatch(const SingleOutputConvShape& s, const float* src, const float* weights,
                   const float* dst, const float* diff_dst, float* diff_pre, float* diff_src,
                   float* scratch, float* bias_sums) {
  const size_t src_image = static_cast<size_t>(s.channel_blocks) * s.in_side * s.in_side * s.block;
  const size_t dst_image = static_cast<size_t>(s.out_side) * s.out_side;
  const size_t weight_count = static_cast<size_t>(s.channel_blocks) * s.kernel * s.kernel * s.block;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < s.batch; ++n) {
    BackwardOneImage(s, src + n * src_image, weights, dst + n * dst_image, diff_dst + n * dst_image,
                     diff_pre + n * dst_image, scratch + n * weight_count, bias_sums + n,
                     diff_src != nullptr ? diff_src + n * src_image : nullptr);
  }
}

}  // namespace

void SingleOutputConvForward(const SingleOutputConvShape& shape, const float* src,
                             const float* weights, float bias, float* dst) {
  ForwardBatch(shape, src, weights, bias, dst);
}

void SingleOutputConvBackward(const SingleOutputConvShape& shape, const float* src,
                              const float* weights, const float* dst, const float* diff_dst,
                              float* diff_pre, float* diff_weights, float* diff_bias,
                              float* diff_src, float* scratch) {
  const size_t weight_count =
      static_cast<size_t>(shape.channel_blocks) * shape.kernel * shape.kernel * shape.block;
  // The per-image bias sums live after the per-image weight sums in `scratch`.
  float* bias_sums = scratch + static_cast<size_t>(shape.batch) * weight_count;
  BackwardBatch(shape, src, weights, dst, diff_dst, diff_pre, diff_src, scratch, bias_sums);
  for (size_t w = 0; w < weight_count; ++w) {
    double total = 0.0;
    for (int n = 0; n < shape.batch; ++n) total += scratch[n * weight_count + w];
    diff_weights[w] = static_cast<float>(total);
  }
  double bias_total = 0.0;
  for (int n = 0; n < shape.batch; ++n) bias_total += bias_sums[n];
  *diff_bias = static_cast<float>(bias_total);
}

}  // namespace dnz::train::onednn
