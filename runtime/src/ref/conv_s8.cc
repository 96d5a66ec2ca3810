// int8 convolution, the specification, with int8 or int4 weights (weights.h). For each output
// channel:
//   acc = bias + sum over valid taps of w * (x - input_zero_point)     (int32)
// Taps outside the (padded) input contribute nothing: padding is the real value
// 0, i.e. the input zero point. With fused upsampling the conv reads input pixel
// (y >> 1, x >> 1) of a virtual 2x larger image. The accumulator is requantized
// (requantize.h); ReLU clamps at the output zero point; sigmoid requantizes to
// the pre-activation scale and looks the result up in the op's table. With a
// fused pool, each output is the max of the (up to) four requantized values of
// its 2x2 window: requantization is monotone, so this equals pooling afterwards.
#include <cstdint>

#include "conv_rows.h"
#include "dnz_internal/ref_kernels.h"
#include "dnz_internal/requantize.h"
#include "dnz_internal/weights.h"

namespace dnz::ref {
namespace {

struct ConvGeometry {
  int32_t in_h, in_w, in_c;      // the stored input
  int32_t virtual_h, virtual_w;  // the input as the conv sees it (2x when upsampled)
  int upsample_shift;            // 1 with a fused upsample, else 0
};

template <typename Weights>
int32_t ConvAccumulate(const dnz_op& op, Weights weights, const ConvGeometry& g,
                       const Rows<const int8_t>& input, int32_t zero_point, int32_t oy, int32_t ox,
                       int32_t oc) {
  int32_t acc = op.bias[oc];
  const Weights filter = weights + oc * op.kernel_h * op.kernel_w * g.in_c;
  for (int32_t ky = 0; ky < op.kernel_h; ++ky) {
    const int32_t vy = oy + ky - op.pad_top;
    if (vy < 0 || vy >= g.virtual_h) continue;
    const int8_t* row = input.Row(vy >> g.upsample_shift);
    for (int32_t kx = 0; kx < op.kernel_w; ++kx) {
      const int32_t vx = ox + kx - op.pad_left;
      if (vx < 0 || vx >= g.virtual_w) continue;
      const int32_t ix = vx >> g.upsample_shift;
      const int8_t* x = row + ix * g.in_c;
      const Weights w = filter + (ky * op.kernel_w + kx) * g.in_c;
      for (int32_t ic = 0; ic < g.in_c; ++ic) acc += int32_t(w[ic]) * (int32_t(x[ic]) - zero_point);
    }
  }
  return acc;
}

// One function per format, never inlined into the dispatch: with both formats' loops in one
// function GCC's register allocation costs the int8 loop 30% more instructions on a Cortex-M4
// (tests/firmware/instruction_count.cc).
template <typename Weights>
[[gnu::noinline]] void ConvRows(const dnz_op& op, Weights weights, const dnz_tensor_info& in,
                                const Rows<const int8_t> input, const dnz_tensor_info& out,
                                const Rows<int8_t> output, int32_t y0, int32_t y1) {
  const int shift = op.fused_upsample_input ? 1 : 0;
  const ConvGeometry g{in.height,          in.width,          in.channels,
                       in.height << shift, in.width << shift, shift};
  const int32_t window = op.fused_maxpool_output ? 2 : 1;
  for (int32_t py = y0; py < y1; ++py) {
    for (int32_t px = 0; px < out.width; ++px) {
      int8_t* result = output.Row(py) + px * out.channels;
      for (int32_t oc = 0; oc < out.channels; ++oc) {
        int32_t best = -129;
        for (int32_t dy = 0; dy < window; ++dy) {
          const int32_t oy = py * window + dy;
          if (oy >= op.conv_out_h) break;  // ceil mode: partial window at the edge
          for (int32_t dx = 0; dx < window; ++dx) {
            const int32_t ox = px * window + dx;
            if (ox >= op.conv_out_w) break;
            const int32_t acc = ConvAccumulate(op, weights, g, input, in.zero_point, oy, ox, oc);
            const int32_t value = RequantizeActivate(op, out.zero_point, acc, oc);
            if (value > best) best = value;
          }
        }
        result[oc] = int8_t(best);
      }
    }
  }
}

}  // namespace

void ConvS8Rows(const dnz_op& op, const dnz_tensor_info& in, Rows<const int8_t> input,
                const dnz_tensor_info& out, Rows<int8_t> output, int32_t y0, int32_t y1) {
  WithWeights(op, [&](auto weights) { ConvRows(op, weights, in, input, out, output, y0, y1); });
}

void ConvS8(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
            const dnz_tensor_info& out, int8_t* output) {
  ConvS8Rows(op, in, WholeRows(in, input), out, WholeRows(out, output), 0, out.height);
}

}  // namespace dnz::ref
