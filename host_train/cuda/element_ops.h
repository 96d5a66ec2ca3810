// The GPU trainer's element-wise steps, one output element per call, written once for
// the CUDA kernels (kernel_bodies.h runs them one thread per element) and for
// the CPU tests (tests/train/cuda_element_ops_test.cc runs them in plain loops against
// the double reference layers), so that the indexing is checked on machines without a GPU.
//
// Tensors are NCHW; a "plane" is one (image, channel) pair. Nothing here allocates or
// branches on the device beyond bounds checks.
#ifndef DNZ_HOST_TRAIN_CUDA_ELEMENT_OPS_H_
#define DNZ_HOST_TRAIN_CUDA_ELEMENT_OPS_H_

#include <math.h>

#include <cstdint>

#if defined(__CUDACC__)
#define DNZ_HD __host__ __device__ __forceinline__
#else
#define DNZ_HD inline
#endif

namespace dnz::train::cuda {

// How a tensor element of type T is read and written: float here; the GPU's f16 and bf16 in
// half_types.h (CUDA builds only). Arithmetic is always in float.
template <typename T>
struct Storage;
template <>
struct Storage<float> {
  static DNZ_HD float Load(float v) { return v; }
  static DNZ_HD float Store(float v) { return v; }
};
template <typename T>
DNZ_HD float Load(T v) {
  return Storage<T>::Load(v);
}
template <typename T>
DNZ_HD T Store(float v) {
  return Storage<T>::Store(v);
}

// ---- Bias and activation ---------------------------------------------------------------

// z + bias, then a ReLU unless `relu` is false (the logits).
DNZ_HD float BiasActivate(float z, float bias, bool relu) {
  const float v = z + bias;
  return relu ? (v > 0.0f ? v : 0.0f) : v;
}

// The ReLU's backward on its output: the gradient passes where the output is positive.
DNZ_HD float ReluBackward(float activation, float grad) { return activation > 0.0f ? grad : 0.0f; }

// ---- 2x2 stride-2 max pool, ceil mode (7 -> 4) ------------------------------------------

// Output element `o` of [planes][oh][ow] from `in` [planes][h][w]. The first maximum in
// row-major window order wins (as the reference layers); `argmax` gets its window slot
// dy * 2 + dx.
template <typename T>
DNZ_HD void MaxPoolElement(const T* in, int h, int w, int64_t o, T* out, uint8_t* argmax) {
  const int oh = (h + 1) / 2, ow = (w + 1) / 2;
  const int x = static_cast<int>(o % ow);
  const int y = static_cast<int>((o / ow) % oh);
  const T* plane = in + (o / (static_cast<int64_t>(ow) * oh)) * h * w;
  int best = 0;
  T best_value = plane[(2 * y) * w + 2 * x];
  for (int slot = 1; slot < 4; ++slot) {
    const int iy = 2 * y + slot / 2, ix = 2 * x + slot % 2;
    if (iy < h && ix < w && Load(plane[iy * w + ix]) > Load(best_value)) {
      best_value = plane[iy * w + ix];
      best = slot;
    }
  }
  out[o] = best_value;
  argmax[o] = static_cast<uint8_t>(best);
}

// Input-gradient element `i` of [planes][h][w]: the pooled gradient if this pixel was its
// window's maximum, else 0 (a gather: windows do not overlap, so no atomics).
template <typename T>
DNZ_HD float MaxPoolBackwardElement(const T* grad_out, const uint8_t* argmax, int h, int w,
                                    int64_t i) {
  const int oh = (h + 1) / 2, ow = (w + 1) / 2;
  const int x = static_cast<int>(i % w);
  const int y = static_cast<int>((i / w) % h);
  const int64_t o = (i / (static_cast<int64_t>(w) * h)) * oh * ow + (y / 2) * ow + x / 2;
  return argmax[o] == (y % 2) * 2 + x % 2 ? Load(grad_out[o]) : 0.0f;
}

// ---- Nearest 2x upsample (the plain path the polyphase one is tested against) ----------

// Output element `o` of [planes][2h][2w] from `in` [planes][h][w].
template <typename T>
DNZ_HD float UpsampleElement(const T* in, int h, int w, int64_t o) {
  const int x = static_cast<int>(o % (2 * w));
  const int y = static_cast<int>((o / (2 * w)) % (2 * h));
  const int64_t plane = o / (4 * static_cast<int64_t>(w) * h);
  return Load(in[plane * h * w + (y / 2) * w + x / 2]);
}

// Input-gradient element `i` of [planes][h][w]: the sum of its 2x2 block of `grad_out`.
template <typename T>
DNZ_HD float UpsampleBackwardElement(const T* grad_out, int h, int w, int64_t i) {
  const int x = static_cast<int>(i % w);
  const int y = static_cast<int>((i / w) % h);
  const T* g = grad_out + (i / (static_cast<int64_t>(w) * h)) * 4 * h * w;
  const int row = 2 * y * (2 * w) + 2 * x;
  return Load(g[row]) + Load(g[row + 1]) + Load(g[row + 2 * w]) + Load(g[row + 2 * w + 1]);
}

// ---- Upsample + 3x3 'same' conv as four 2x2 convs (runtime/src/polyphase.h) -------------
//
// The four 2x2 kernels run as one conv with 4 * C output channels, padding 1 on every side,
// on the small s x s input: its output is (s + 1) x (s + 1), and parity (py, px) reads rows
// py .. py + s - 1 and columns px .. px + s - 1 of its C channels (parity 0 uses the padding
// above, parity 1 the padding below).

// Which of a 2x2 kernel's taps (0 or 1) each 3x3 kernel row feeds, per parity; filled on
// the host from PolyphaseKernelRows so that the map is written once.
struct PolyphaseTaps {
  int8_t tap_of_row[2][3];
};

// Element `k` of the kernels [4 * C][in_c][2][2] (parity-major) from the 3x3 weights
// [C][in_c][3][3].
DNZ_HD float PolyphaseKernelElement(const float* weights, int channels, int in_c,
                                    PolyphaseTaps taps, int64_t k) {
  const int tx = static_cast<int>(k % 2);
  const int ty = static_cast<int>((k / 2) % 2);
  const int64_t filter = k / 4;  // (parity * C + oc) * in_c + ic
  const int64_t per_parity = static_cast<int64_t>(channels) * in_c;
  const int parity = static_cast<int>(filter / per_parity);
  const float* w = weights + (filter % per_parity) * 9;
  float sum = 0.0f;
  for (int ky = 0; ky < 3; ++ky) {
    if (taps.tap_of_row[parity / 2][ky] != ty) continue;
    for (int kx = 0; kx < 3; ++kx) {
      if (taps.tap_of_row[parity % 2][kx] == tx) sum += w[ky * 3 + kx];
    }
  }
  return sum;
}

// Element `g` of the 3x3 weight gradient [C][in_c][3][3] from the kernels' gradient
// [4 * C][in_c][2][2]: the transpose of the sums above.
template <typename T>
DNZ_HD float FoldPolyphaseGradientElement(const T* kernel_grads, int channels, int in_c,
                                          PolyphaseTaps taps, int64_t g) {
  const int kx = static_cast<int>(g % 3);
  const int ky = static_cast<int>((g / 3) % 3);
  const int64_t filter = g / 9;  // oc * in_c + ic
  const int64_t per_parity = static_cast<int64_t>(channels) * in_c;
  float sum = 0.0f;
  for (int parity = 0; parity < 4; ++parity) {
    const int ty = taps.tap_of_row[parity / 2][ky], tx = taps.tap_of_row[parity % 2][kx];
    sum += Load(kernel_grads[(parity * per_parity + filter) * 4 + ty * 2 + tx]);
  }
  return sum;
}

// Output element `o` of the full [N][C][2s][2s] activation from the parity conv's output
// [N][4C][s + 1][s + 1], with the bias and ReLU applied.
template <typename T>
DNZ_HD float InterleaveParitiesElement(const T* parity_out, const float* bias, int channels, int s,
                                       bool relu, int64_t o) {
  const int side = 2 * s, q = s + 1;
  const int x = static_cast<int>(o % side);
  const int y = static_cast<int>((o / side) % side);
  const int c = static_cast<int>((o / (static_cast<int64_t>(side) * side)) % channels);
  const int64_t n = o / (static_cast<int64_t>(side) * side * channels);
  const int py = y % 2, px = x % 2;
  const int64_t plane = n * 4 * channels + (py * 2 + px) * channels + c;
  const float z = Load(parity_out[(plane * q + y / 2 + py) * q + x / 2 + px]);
  return BiasActivate(z, bias[c], relu);
}

// Element `e` of the parity conv's output gradient [N][4C][s + 1][s + 1] from the full
// gradient [N][C][2s][2s]: the row and column a parity does not read get 0.
template <typename T>
DNZ_HD float DeinterleaveParitiesElement(const T* full_grad, int channels, int s, int64_t e) {
  const int q = s + 1, side = 2 * s;
  const int col = static_cast<int>(e % q);
  const int row = static_cast<int>((e / q) % q);
  const int pc = static_cast<int>((e / (static_cast<int64_t>(q) * q)) % (4 * channels));
  const int64_t n = e / (static_cast<int64_t>(q) * q * 4 * channels);
  const int parity = pc / channels, c = pc % channels;
  const int py = parity / 2, px = parity % 2;
  const int i = row - py, j = col - px;
  if (i < 0 || i >= s || j < 0 || j >= s) return 0.0f;
  return Load(full_grad[((n * channels + c) * side + 2 * i + py) * side + 2 * j + px]);
}

// ---- Loss and optimizer ------------------------------------------------------------------

// Sigmoid + binary cross-entropy on a logit, the stable form (host_train/optimize/bce_loss.h);
// `grad` gets (sigmoid(z) - y) * scale, scale = 1 / (images * pixels).
DNZ_HD double SigmoidBceElement(float z, float y, float scale, float* grad) {
  const double zd = z;
  *grad = (1.0f / (1.0f + expf(-z)) - y) * scale;
  return (zd > 0.0 ? zd : 0.0) - zd * y + log1p(exp(-fabs(zd)));
}

// One Keras Adam update of parameter `i` (host_train/optimize/adam.h); `lr_t` is the
// bias-corrected step size, computed on the host in double as the CPU trainer does.
DNZ_HD void AdamElement(float lr_t, float beta1, float beta2, float epsilon, int64_t i,
                        float* params, const float* grads, float* m, float* v) {
  const float g = grads[i];
  const float mi = beta1 * m[i] + (1.0f - beta1) * g;
  const float vi = beta2 * v[i] + (1.0f - beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  params[i] -= lr_t * mi / (sqrtf(vi) + epsilon);
}

// ---- Segments of the parameters into another buffer -------------------------------------

// Pieces of the flat parameters copied to other offsets (the conv weights into their aligned
// copy for cuDNN, cuda_backend.cc): piece k is size[k] values from from[k] to to[k].
struct WeightSegments {
  static constexpr int kMax = 16;
  int count = 0;
  int64_t from[kMax] = {};
  int64_t to[kMax] = {};
  int64_t size[kMax] = {};
  int64_t total = 0;  // sum of size[0 .. count)
};

// Where element e (0 <= e < total) of the pieces laid end to end comes from and goes to.
DNZ_HD void SegmentElement(const WeightSegments& s, int64_t e, int64_t* from, int64_t* to) {
  int k = 0;
  while (k + 1 < s.count && e >= s.size[k]) {
    e -= s.size[k];
    ++k;
  }
  *from = s.from[k] + e;
  *to = s.to[k] + e;
}

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_ELEMENT_OPS_H_
