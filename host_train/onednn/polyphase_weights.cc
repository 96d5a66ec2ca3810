#include "onednn/polyphase_weights.h"

#include <cstdint>
#include <cstring>

#include "dnz_internal/polyphase.h"  // the kernel map, shared with the runtime

namespace dnz::train::onednn {
namespace {

using dnz::PolyphaseKernelRows;

constexpr int kBlock = 16;

// Index of kernel p's tap (ry, rx) for channels (oc, ic) in [4][out_c][in_c][2][2].
long KernelIndex(int p, int oc, int ic, int ry, int rx, int out_c, int in_c) {
  return ((((long(p) * out_c + oc) * in_c + ic) * 2 + ry) * 2 + rx);
}

// Byte offset of pixel (y, x) of image n, channel block cb, in [N][CB][H][W][16].
int64_t PixelOffset(int n, int cb, int y, int x, int channel_blocks, int h, int w, int bytes) {
  return (((int64_t(n) * channel_blocks + cb) * h + y) * w + x) * kBlock * bytes;
}

}  // namespace

void PolyphaseKernels(const float* weights, int out_c, int in_c, float* kernels) {
  for (int p = 0; p < 4; ++p) {
    for (int oc = 0; oc < out_c; ++oc) {
      for (int ic = 0; ic < in_c; ++ic) {
        const float* w = weights + (long(oc) * in_c + ic) * 9;
        for (int ry = 0; ry < 2; ++ry) {
          for (int rx = 0; rx < 2; ++rx) {
            int y0, y1, x0, x1;
            PolyphaseKernelRows(p >> 1, ry, &y0, &y1);
            PolyphaseKernelRows(p & 1, rx, &x0, &x1);
            float sum = 0.0f;
            for (int ky = y0; ky <= y1; ++ky) {
              for (int kx = x0; kx <= x1; ++kx) sum += w[ky * 3 + kx];
            }
            kernels[KernelIndex(p, oc, ic, ry, rx, out_c, in_c)] = sum;
          }
        }
      }
    }
  }
}

void FoldPolyphaseGradients(const float* kernel_grads, int out_c, int in_c, float* weight_grads) {
  std::memset(weight_grads, 0, sizeof(float) * size_t(out_c) * size_t(in_c) * 9);
  for (int p = 0; p < 4; ++p) {
    for (int oc = 0; oc < out_c; ++oc) {
      for (int ic = 0; ic < in_c; ++ic) {
        float* dw = weight_grads + (long(oc) * in_c + ic) * 9;
        for (int ry = 0; ry < 2; ++ry) {
          for (int rx = 0; rx < 2; ++rx) {
            const float g = kernel_grads[KernelIndex(p, oc, ic, ry, rx, out_c, in_c)];
            int y0, y1, x0, x1;
            PolyphaseKernelRows(p >> 1, ry, &y0, &y1);
            PolyphaseKernelRows(p & 1, rx, &x0, &x1);
            for (int ky = y0; ky <= y1; ++ky) {
              for (int kx = x0; kx <= x1; ++kx) dw[ky * 3 + kx] += g;
            }
          }
        }
      }
    }
  }
}

namespace {

// Copies every pixel between the parity tensors and the full one, in either direction.
void MoveParities(bool to_full, uint8_t* const parities[4], int batch, int channel_blocks, int h,
                  int w, int bytes, uint8_t* full) {
  const int64_t rows = int64_t(batch) * channel_blocks * h;
  const size_t pixel = size_t(kBlock) * size_t(bytes);
#pragma omp parallel for schedule(static)
  for (int64_t row = 0; row < rows; ++row) {
    const int n = int(row / (int64_t(channel_blocks) * h));
    const int cb = int(row / h % channel_blocks), i = int(row % h);
    for (int p = 0; p < 4; ++p) {
      for (int j = 0; j < w; ++j) {
        uint8_t* whole = full + PixelOffset(n, cb, 2 * i + (p >> 1), 2 * j + (p & 1),
                                            channel_blocks, 2 * h, 2 * w, bytes);
        uint8_t* part = parities[p] + PixelOffset(n, cb, i, j, channel_blocks, h, w, bytes);
        if (to_full) {
          std::memcpy(whole, part, pixel);
        } else {
          std::memcpy(part, whole, pixel);
        }
      }
    }
  }
}

}  // namespace

void InterleaveParities(const void* const parities[4], int batch, int channel_blocks, int h, int w,
                        int bytes, void* full) {
  uint8_t* const sources[4] = {// only read
                               static_cast<uint8_t*>(const_cast<void*>(parities[0])),
                               static_cast<uint8_t*>(const_cast<void*>(parities[1])),
                               static_cast<uint8_t*>(const_cast<void*>(parities[2])),
                               static_cast<uint8_t*>(const_cast<void*>(parities[3]))};
  MoveParities(true, sources, batch, channel_blocks, h, w, bytes, static_cast<uint8_t*>(full));
}

void DeinterleaveParities(const void* full, int batch, int channel_blocks, int h, int w, int bytes,
                          void* const parities[4]) {
  uint8_t* const targets[4] = {
      static_cast<uint8_t*>(parities[0]), static_cast<uint8_t*>(parities[1]),
      static_cast<uint8_t*>(parities[2]), static_cast<uint8_t*>(parities[3])};
  MoveParities(false, targets, batch, channel_blocks, h, w, bytes,  // `full` is only read
               static_cast<uint8_t*>(const_cast<void*>(full)));
}

}  // namespace dnz::train::onednn
