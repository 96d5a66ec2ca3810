// The GPU trainer's kernels (kernel_grid.h says how they are written): each struct holds a
// launch's arguments; its operator() is one thread block's body, or, for the kernels of one
// thread per element, Element(i) is one element's work (ElementKernel runs it over the grid);
// and Buffers() names every device array it touches with its length in elements (the
// emulation checks them against the allocations; a GPU would corrupt memory silently). The
// arithmetic is element_ops.h's.
// kernel_launchers.h picks each one's launch shape; kernels.cu runs them on the GPU and
// tests/gpu_emulation/emulated_kernels.cc on the CPU.
#ifndef DNZ_HOST_TRAIN_CUDA_KERNEL_BODIES_H_
#define DNZ_HOST_TRAIN_CUDA_KERNEL_BODIES_H_

#include <curand_kernel.h>

#include <cstdint>

#include "cuda/element_ops.h"
#include "cuda/kernel_grid.h"
#include "cuda/kernels.h"
#include "network/fake_quant.h"

namespace dnz::train::cuda {

DNZ_DEVICE float ScaleOf(const LossScaleState* loss_scale) {
  return loss_scale == nullptr ? 1.0f : loss_scale->scale;
}

// ---- One thread per element ---------------------------------------------------------------

// The block body of a kernel that defines Count() and Element(i): every element once, over the
// grid (ForEachElement).
template <typename Kernel>
struct ElementKernel {
  Kernel kernel;
  template <typename Block>
  DNZ_DEVICE void operator()(Block& block) const {
    const Kernel* k = &kernel;
    ForEachElement(block, kernel.Count(), [=](int64_t i) { k->Element(i); });
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    kernel.Buffers(visit);
  }
};

template <typename T>
struct BiasActivateKernel {
  T* y;
  const float* bias;
  int n, c, hw;
  bool relu;
  DNZ_HD int64_t Count() const { return int64_t{n} * c * hw; }
  DNZ_DEVICE void Element(int64_t i) const {
    y[i] = Store<T>(cuda::BiasActivate(Load(y[i]), bias[(i / hw) % c], relu));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(y, Count(), "BiasActivate y");
    visit(bias, c, "BiasActivate bias");
  }
};

template <typename T>
struct ReluBackwardKernel {
  const T* activation;
  T* grad;
  int64_t count;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    grad[i] = Store<T>(cuda::ReluBackward(Load(activation[i]), Load(grad[i])));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(activation, count, "ReluBackward activation");
    visit(grad, count, "ReluBackward grad");
  }
};

template <typename T>
struct FakeQuantizeKernel {
  T* values;
  int64_t count;
  FakeQuantGrid grid;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    values[i] = Store<T>(train::FakeQuantize(Load(values[i]), grid));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(values, count, "FakeQuantizeActivations values");
  }
};

template <typename T>
struct FakeQuantBackwardKernel {
  const T* quantized;
  T* grad;
  int64_t count;
  FakeQuantGrid grid;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    grad[i] = Store<T>(train::FakeQuantBackward(Load(quantized[i]), Load(grad[i]), grid));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(quantized, count, "FakeQuantBackwardActivations quantized");
    visit(grad, count, "FakeQuantBackwardActivations grad");
  }
};

template <typename T>
struct MaxPoolKernel {
  const T* in;
  int planes, h, w;
  T* out;
  uint8_t* argmax;
  DNZ_HD int64_t Count() const { return int64_t{planes} * ((h + 1) / 2) * ((w + 1) / 2); }
  DNZ_DEVICE void Element(int64_t o) const { MaxPoolElement(in, h, w, o, out, argmax); }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(in, int64_t{planes} * h * w, "MaxPool in");
    visit(out, Count(), "MaxPool out");
    visit(argmax, Count(), "MaxPool argmax");
  }
};

template <typename T>
struct MaxPoolBackwardKernel {
  const T* grad_out;
  const uint8_t* argmax;
  int planes, h, w;
  T* grad_in;
  DNZ_HD int64_t Count() const { return int64_t{planes} * h * w; }
  DNZ_DEVICE void Element(int64_t i) const {
    grad_in[i] = Store<T>(MaxPoolBackwardElement(grad_out, argmax, h, w, i));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    const int64_t pooled = int64_t{planes} * ((h + 1) / 2) * ((w + 1) / 2);
    visit(grad_out, pooled, "MaxPoolBackward grad_out");
    visit(argmax, pooled, "MaxPoolBackward argmax");
    visit(grad_in, Count(), "MaxPoolBackward grad_in");
  }
};

template <typename T>
struct UpsampleKernel {
  const T* in;
  int planes, h, w;
  T* out;
  DNZ_HD int64_t Count() const { return int64_t{planes} * 4 * h * w; }
  DNZ_DEVICE void Element(int64_t o) const { out[o] = Store<T>(UpsampleElement(in, h, w, o)); }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(in, int64_t{planes} * h * w, "Upsample in");
    visit(out, Count(), "Upsample out");
  }
};

template <typename T>
struct UpsampleBackwardKernel {
  const T* grad_out;
  int planes, h, w;
  T* grad_in;
  DNZ_HD int64_t Count() const { return int64_t{planes} * h * w; }
  DNZ_DEVICE void Element(int64_t i) const {
    grad_in[i] = Store<T>(UpsampleBackwardElement(grad_out, h, w, i));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(grad_out, int64_t{planes} * 4 * h * w, "UpsampleBackward grad_out");
    visit(grad_in, Count(), "UpsampleBackward grad_in");
  }
};

template <typename T>
struct PolyphaseKernelsKernel {
  const float* weights;
  int channels, in_c;
  PolyphaseTaps taps;
  T* kernels;
  DNZ_HD int64_t Count() const { return int64_t{16} * channels * in_c; }
  DNZ_DEVICE void Element(int64_t k) const {
    kernels[k] = Store<T>(PolyphaseKernelElement(weights, channels, in_c, taps, k));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(weights, int64_t{9} * channels * in_c, "PolyphaseKernels weights");
    visit(kernels, Count(), "PolyphaseKernels kernels");
  }
};

template <typename T>
struct FoldPolyphaseGradientsKernel {
  const T* kernel_grads;
  int channels, in_c;
  PolyphaseTaps taps;
  const LossScaleState* loss_scale;
  float* weight_grads;
  DNZ_HD int64_t Count() const { return int64_t{9} * channels * in_c; }
  DNZ_DEVICE void Element(int64_t g) const {
    weight_grads[g] =
        FoldPolyphaseGradientElement(kernel_grads, channels, in_c, taps, g) / ScaleOf(loss_scale);
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(kernel_grads, int64_t{16} * channels * in_c, "FoldPolyphaseGradients kernel_grads");
    visit(weight_grads, Count(), "FoldPolyphaseGradients weight_grads");
    if (loss_scale != nullptr) visit(loss_scale, 1, "FoldPolyphaseGradients loss_scale");
  }
};

template <typename T>
struct InterleaveParitiesKernel {
  const T* parity_out;
  const float* bias;
  int n, channels, s;
  bool relu;
  T* out;
  DNZ_HD int64_t Count() const { return int64_t{n} * channels * 4 * s * s; }
  DNZ_DEVICE void Element(int64_t o) const {
    out[o] = Store<T>(InterleaveParitiesElement(parity_out, bias, channels, s, relu, o));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(parity_out, int64_t{n} * 4 * channels * (s + 1) * (s + 1),
          "InterleaveParities parity_out");
    visit(bias, channels, "InterleaveParities bias");
    visit(out, Count(), "InterleaveParities out");
  }
};

template <typename T>
struct DeinterleaveParitiesKernel {
  const T* full_grad;
  int n, channels, s;
  T* parity_grad;
  DNZ_HD int64_t Count() const { return int64_t{n} * 4 * channels * (s + 1) * (s + 1); }
  DNZ_DEVICE void Element(int64_t e) const {
    parity_grad[e] = Store<T>(DeinterleaveParitiesElement(full_grad, channels, s, e));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(full_grad, int64_t{n} * channels * 4 * s * s, "DeinterleaveParities full_grad");
    visit(parity_grad, Count(), "DeinterleaveParities parity_grad");
  }
};

// noisy[e] = clip(clean + factor * N(0, 1), 0, 1) for element e = (n, p) of the batch; the
// normal is cuRAND's Philox (seed, subsequence image, offset 2p), on the GPU and, from the
// same header compiled for the CPU, in the emulation.
template <typename T>
struct NoisyBatchKernel {
  const float* set;
  const int* order;
  int first, batch, pixels;
  float factor;
  unsigned long long seed;
  T* noisy;
  float* clean;
  DNZ_HD int64_t Count() const { return int64_t{batch} * pixels; }
  DNZ_DEVICE void Element(int64_t e) const {
    const int n = static_cast<int>(e / pixels), p = static_cast<int>(e % pixels);
    const int image = order[first + n];
    const float value = set[static_cast<int64_t>(image) * pixels + p];
    curandStatePhilox4_32_10_t state;
    curand_init(seed, static_cast<unsigned long long>(image), 2ULL * static_cast<unsigned>(p),
                &state);
    const float noisy_value = value + factor * curand_normal(&state);
    clean[e] = value;
    noisy[e] = Store<T>(fminf(fmaxf(noisy_value, 0.0f), 1.0f));
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(order + first, batch, "NoisyBatch order");
    visit(noisy, Count(), "NoisyBatch noisy");
    visit(clean, Count(), "NoisyBatch clean");
    for (int n = 0; n < batch; ++n) {
      visit(set + int64_t{order[first + n]} * pixels, pixels, "NoisyBatch set");
    }
  }
};

template <typename T>
struct GatherWeightsKernel {
  const float* params;
  WeightSegments segments;
  T* out;
  DNZ_HD int64_t Count() const { return segments.total; }
  DNZ_DEVICE void Element(int64_t e) const {
    int64_t from = 0, to = 0;
    SegmentElement(segments, e, &from, &to);
    out[to] = Store<T>(params[from]);
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    for (int k = 0; k < segments.count; ++k) {
      visit(params + segments.from[k], segments.size[k], "GatherWeights params");
      visit(out + segments.to[k], segments.size[k], "GatherWeights out");
    }
  }
};

template <typename T>
struct ConvertFromFloatKernel {
  const float* in;
  int64_t count;
  T* out;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const { out[i] = Store<T>(in[i]); }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(in, count, "ConvertFromFloat in");
    visit(out, count, "ConvertFromFloat out");
  }
};

template <typename T>
struct ConvertToFloatKernel {
  const T* in;
  int64_t count;
  const LossScaleState* loss_scale;
  float* out;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const { out[i] = Load(in[i]) / ScaleOf(loss_scale); }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(in, count, "ConvertToFloat in");
    visit(out, count, "ConvertToFloat out");
    if (loss_scale != nullptr) visit(loss_scale, 1, "ConvertToFloat loss_scale");
  }
};

// Adam over `count` parameters; with `state`, its lr_t, and no update where it says overflow.
struct AdamKernel {
  float lr_t, beta1, beta2, epsilon;
  int64_t count;
  float* params;
  const float* grads;
  float* m;
  float* v;
  const LossScaleState* state;  // null: lr_t as given
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    if (state != nullptr && state->overflow) return;
    AdamElement(state != nullptr ? state->lr_t : lr_t, beta1, beta2, epsilon, i, params, grads, m,
                v);
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(params, count, "Adam params");
    visit(grads, count, "Adam grads");
    visit(m, count, "Adam m");
    visit(v, count, "Adam v");
    if (state != nullptr) visit(state, 1, "Adam loss scale state");
  }
};

// state->overflow = 1 if any gradient is not finite (cleared before the launch).
struct FlagNonFiniteKernel {
  const float* grads;
  int64_t count;
  LossScaleState* state;
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    if (!isfinite(grads[i])) state->overflow = 1;  // a benign race: every writer writes 1
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(grads, count, "UpdateLossScale grads");
    visit(state, 1, "UpdateLossScale state");
  }
};

template <typename T>
struct CountPositiveKernel {
  const T* values;
  int64_t count;
  unsigned long long* counter;  // zeroed before the launch
  DNZ_HD int64_t Count() const { return count; }
  DNZ_DEVICE void Element(int64_t i) const {
    if (Load(values[i]) > 0.0f) CountOne(counter);
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(values, count, "CountPositive values");
    visit(counter, 1, "CountPositive counter");
  }
};

// ---- One thread alone ----------------------------------------------------------------------

struct AdvanceLossScaleKernel {
  float learning_rate, beta1, beta2;
  int growth_interval;
  LossScaleState* state;
  template <typename Block>
  DNZ_DEVICE void operator()(Block& block) const {
    block.Threads([=](int thread) {
      if (thread == 0) AdvanceLossScale(learning_rate, beta1, beta2, growth_interval, state);
    });
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(state, 1, "UpdateLossScale state");
  }
};

// ---- Block sums ------------------------------------------------------------------------------

// One block per channel: bias_grad[c] = the sum of grad[.][c][.] / loss scale.
template <typename T>
struct BiasGradientKernel {
  const T* grad;
  int n, c, hw;
  const LossScaleState* loss_scale;
  float* bias_grad;
  template <typename Block>
  DNZ_DEVICE void operator()(Block& block) const {
    float* partial = block.template Shared<float, kThreadsPerBlock>();
    const int channel = block.index(), threads = block.size();
    block.Threads([=](int thread) {
      float sum = 0.0f;
      for (int image = 0; image < n; ++image) {
        const T* plane = grad + (static_cast<int64_t>(image) * c + channel) * hw;
        for (int p = thread; p < hw; p += threads) sum += Load(plane[p]);
      }
      partial[thread] = sum;
    });
    BlockSum(block, partial);
    block.Threads([=](int thread) {
      if (thread == 0) bias_grad[channel] = partial[0] / ScaleOf(loss_scale);
    });
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(grad, int64_t{n} * c * hw, "BiasGradient grad");
    visit(bias_grad, c, "BiasGradient bias_grad");
    if (loss_scale != nullptr) visit(loss_scale, 1, "BiasGradient loss_scale");
  }
};

// One block per image: grad = the loss gradient, per_image[image] = the image's loss sum.
template <typename T>
struct SigmoidBceKernel {
  const T* logits;
  const float* target;
  int images, pixels;
  float mean;  // 1 / (images * pixels)
  const LossScaleState* loss_scale;
  T* grad;
  double* per_image;
  template <typename Block>
  DNZ_DEVICE void operator()(Block& block) const {
    double* partial = block.template Shared<double, kThreadsPerBlock>();
    const int64_t first = static_cast<int64_t>(block.index()) * pixels;
    const int image = block.index(), threads = block.size();
    block.Threads([=](int thread) {
      const float scale = mean * ScaleOf(loss_scale);
      double sum = 0.0;
      for (int p = thread; p < pixels; p += threads) {
        float g = 0.0f;
        sum += SigmoidBceElement(Load(logits[first + p]), target[first + p], scale, &g);
        grad[first + p] = Store<T>(g);
      }
      partial[thread] = sum;
    });
    BlockSum(block, partial);
    block.Threads([=](int thread) {
      if (thread == 0) per_image[image] = partial[0];
    });
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    const int64_t count = int64_t{images} * pixels;
    visit(logits, count, "SigmoidBce logits");
    visit(target, count, "SigmoidBce target");
    visit(grad, count, "SigmoidBce grad");
    visit(per_image, images, "SigmoidBce per_image");
    if (loss_scale != nullptr) visit(loss_scale, 1, "SigmoidBce loss_scale");
  }
};

// One block: *loss_sum = the sum of per_image; running_sum (if any) += loss_sum / pixels.
struct SumImagesKernel {
  const double* per_image;
  int images, pixels;
  double* loss_sum;
  double* running_sum;
  template <typename Block>
  DNZ_DEVICE void operator()(Block& block) const {
    double* partial = block.template Shared<double, kThreadsPerBlock>();
    const int threads = block.size();
    block.Threads([=](int thread) {
      double sum = 0.0;
      for (int i = thread; i < images; i += threads) sum += per_image[i];
      partial[thread] = sum;
    });
    BlockSum(block, partial);
    block.Threads([=](int thread) {
      if (thread != 0) return;
      *loss_sum = partial[0];
      if (running_sum != nullptr) *running_sum += partial[0] / pixels;
    });
  }
  template <typename Visit>
  void Buffers(Visit&& visit) const {
    visit(per_image, images, "SigmoidBce per_image");
    visit(loss_sum, 1, "SigmoidBce loss_sum");
    if (running_sum != nullptr) visit(running_sum, 1, "SigmoidBce running_sum");
  }
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_KERNEL_BODIES_H_
