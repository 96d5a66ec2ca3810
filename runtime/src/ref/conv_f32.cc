// float32 convolution: the same geometry as conv_s8.cc (fused upsample, fused
// ceil-mode pool, explicit padding) on the file's float weights. It measures
// what quantization costs; it is not the int8 specification.
#include <cmath>
#include <cstdint>

#include "conv_rows.h"
#include "dnz_internal/ref_kernels.h"

namespace dnz::ref {
namespace {

// Dot product in 8 interleaved partial sums, added in a fixed order: the compiler
// can vectorize it without -ffast-math and the result is the same everywhere.
float Dot(const float* w, const float* x, int32_t n) {
  float partial[8] = {};
  int32_t i = 0;
  for (; i + 8 <= n; i += 8) {
    for (int32_t lane = 0; lane < 8; ++lane) partial[lane] += w[i + lane] * x[i + lane];
  }
  float sum = ((partial[0] + partial[1]) + (partial[2] + partial[3])) +
              ((partial[4] + partial[5]) + (partial[6] + partial[7]));
  for (; i < n; ++i) sum += w[i] * x[i];
  return sum;
}

float ConvAccumulateF32(const dnz_op& op, const dnz_tensor_info& in, int upsample_shift,
                        const Rows<const float>& input, int32_t oy, int32_t ox, int32_t oc) {
  const int32_t virtual_h = in.height << upsample_shift, virtual_w = in.width << upsample_shift;
  float acc = op.float_bias[oc];
  const float* filter = op.float_weights + oc * op.kernel_h * op.kernel_w * in.channels;
  for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
    const int32_t vy = oy + ky - op.pad_top;
    if (vy < 0 || vy >= virtual_h) continue;
    const float* row = input.Row(vy >> upsample_shift);
    for (int32_t kx = 0; kx < op.kernel_w; ++kx) {
      const int32_t vx = ox + kx - op.pad_left;
      if (vx < 0 || vx >= virtual_w) continue;
      const float* x = row + (vx >> upsample_shift) * in.channels;
      const float* w = filter + (ky * op.kernel_w + kx) * in.channels;
      acc += Dot(w, x, in.channels);
    }
  }
  return acc;
}

float ActivateF32(dnz_activation activation, float value) {
  if (activation == DNZ_ACT_RELU) return value > 0.0f ? value : 0.0f;
  if (activation == DNZ_ACT_SIGMOID) return 1.0f / (1.0f + std::exp(-value));
  return value;
}

}  // namespace

void ConvF32Rows(const dnz_op& op, const dnz_tensor_info& in, Rows<const float> input,
                 const dnz_tensor_info& out, Rows<float> output, int32_t y0, int32_t y1) {
  const int shift = op.fused_upsample_input ? 1 : 0;
  const int32_t window = op.fused_maxpool_output ? 2 : 1;
  for (int32_t py = y0; py < y1; ++py) {
    for (int32_t px = 0; px < out.width; ++px) {
      float* result = output.Row(py) + px * out.channels;
      for (int32_t oc = 0; oc < out.channels; ++oc) {
        float best = -INFINITY;
        for (int32_t oy = py * window; oy < py * window + window && oy < op.conv_out_h; ++oy) {
          for (int32_t ox = px * window; ox < px * window + window && ox < op.conv_out_w; ++ox) {
            const float value =
                ActivateF32(op.activation, ConvAccumulateF32(op, in, shift, input, oy, ox, oc));
            best = value > best ? value : best;
          }
        }
        result[oc] = best;
      }
    }
  }
}

void ConvF32(const dnz_op& op, const dnz_tensor_info& in, const float* input,
             const dnz_tensor_info& out, float* output) {
  ConvF32Rows(op, in, WholeRows(in, input), out, WholeRows(out, output), 0, out.height);
}

}  // namespace dnz::ref
