#include "dnz_internal/polyphase.h"

#include <cstdint>

namespace dnz {
namespace {

// Sum of the 3x3 kernel's weights (one output channel, input channel ic) that
// tap (ry, rx) of parity (py, px) gathers.
int32_t TapSum(const int8_t* channel_weights, int32_t in_c, int32_t ic, int py, int px, int ry,
               int rx) {
  int y0, y1, x0, x1;
  PolyphaseKernelRows(py, ry, &y0, &y1);
  PolyphaseKernelRows(px, rx, &x0, &x1);
  int32_t sum = 0;
  for (int ky = y0; ky <= y1; ++ky) {
    for (int kx = x0; kx <= x1; ++kx) sum += channel_weights[(ky * 3 + kx) * in_c + ic];
  }
  return sum;
}

}  // namespace

bool PolyphaseShapeApplies(const dnz_op& op, const dnz_tensor_info& in,
                           const dnz_tensor_info& out) {
  return op.kind == DNZ_OP_CONV && op.fused_upsample_input && op.kernel_h == 3 &&
         op.kernel_w == 3 && op.pad_top == 1 && op.pad_left == 1 && op.pad_bottom == 1 &&
         op.pad_right == 1 && op.conv_out_h == 2 * in.height && op.conv_out_w == 2 * in.width &&
         out.channels > 0;
}

int32_t PolyphaseMaxAbsSum(const int8_t* channel_weights, int32_t in_c) {
  int32_t worst = 0;
  for (int32_t ic = 0; ic < in_c; ++ic) {
    for (int tap = 0; tap < 16; ++tap) {
      const int32_t sum =
          TapSum(channel_weights, in_c, ic, tap >> 3, (tap >> 2) & 1, (tap >> 1) & 1, tap & 1);
      const int32_t magnitude = sum < 0 ? -sum : sum;
      if (magnitude > worst) worst = magnitude;
    }
  }
  return worst;
}

bool PolyphaseKernel(const int8_t* weights, int32_t out_c, int32_t in_c, int py, int px,
                     int8_t* kernel) {
  for (int32_t oc = 0; oc < out_c; ++oc) {
    const int8_t* channel = weights + int64_t(oc) * 9 * in_c;
    for (int ry = 0; ry < 2; ++ry) {
      for (int rx = 0; rx < 2; ++rx) {
        for (int32_t ic = 0; ic < in_c; ++ic) {
          const int32_t sum = TapSum(channel, in_c, ic, py, px, ry, rx);
          if (sum < -128 || sum > 127) return false;
          kernel[((int64_t(oc) * 2 + ry) * 2 + rx) * in_c + ic] = int8_t(sum);
        }
      }
    }
  }
  return true;
}

}  // namespace dnz
