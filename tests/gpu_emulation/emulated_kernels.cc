// host_train/cuda/kernels.h on the CPU (emulated_device.h): each launcher enqueues a plain
// loop over the same element functions (host_train/cuda/element_ops.h) that kernels.cu runs
// one thread per element. Every pointer argument is bounds-checked against its allocation.
// The noise is not cuRAND's Philox: a hash of (seed, image, pixel) gives the same
// properties (each image its own noise, whatever its batch; another epoch, other noise).
#include <cmath>
#include <cstdint>

#include "cuda/kernels.h"
#include "emulated_device.h"

namespace dnz::train::cuda {
namespace {

using emu::RequireDevice;

template <typename T>
void In(const T* p, int64_t count, const char* what) {
  RequireDevice(p, sizeof(T) * static_cast<size_t>(count), what);
}

float ScaleOf(const LossScaleState* loss_scale) {
  return loss_scale == nullptr ? 1.0f : loss_scale->scale;
}

// Enqueues `check` (the bounds checks: when the work runs, so that a graph replayed after
// its buffers moved is caught too) and then `body` for every element.
template <typename Check, typename Body>
cudaError_t Launch(int64_t count, cudaStream_t stream, Check check, Body body) {
  if (count <= 0) return cudaSuccess;
  emu::Enqueue(stream, [=] {
    check();
    for (int64_t i = 0; i < count; ++i) body(i);
  });
  return cudaSuccess;
}

// The same for work that is not one call per element.
template <typename Check, typename Work>
cudaError_t Run(cudaStream_t stream, Check check, Work work) {
  emu::Enqueue(stream, [=] {
    check();
    work();
  });
  return cudaSuccess;
}

// A standard normal from (seed, image, pixel): SplitMix64 bits into Box-Muller.
float NormalOf(unsigned long long seed, int image, int pixel) {
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  const uint64_t bits = mix(seed ^ mix((static_cast<uint64_t>(image) << 32) | uint32_t(pixel)));
  const double u1 = (static_cast<double>(bits >> 40) + 1.0) / 16777217.0;
  const double u2 = static_cast<double>(bits & 0xFFFFFF) / 16777216.0;
  return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
}

}  // namespace

template <typename T>
cudaError_t BiasActivate(T* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream) {
  const int64_t count = int64_t{n} * c * hw;
  return Launch(
      count, stream,
      [=] {
        In(y, count, "BiasActivate y");
        In(bias, c, "BiasActivate bias");
      },
      [=](int64_t i) {
        y[i] = Store<T>(cuda::BiasActivate(Load(y[i]), bias[(i / hw) % c], relu));
      });
}

template <typename T>
cudaError_t ReluBackward(const T* activation, T* grad, int64_t count, cudaStream_t stream) {
  return Launch(
      count, stream,
      [=] {
        In(activation, count, "ReluBackward activation");
        In(grad, count, "ReluBackward grad");
      },
      [=](int64_t i) {
        grad[i] = Store<T>(cuda::ReluBackward(Load(activation[i]), Load(grad[i])));
      });
}

template <typename T>
cudaError_t FakeQuantizeActivations(T* values, int64_t count, FakeQuantGrid grid,
                                    cudaStream_t stream) {
  return Launch(
      count, stream, [=] { In(values, count, "FakeQuantizeActivations values"); },
      [=](int64_t i) { values[i] = Store<T>(train::FakeQuantize(Load(values[i]), grid)); });
}

template <typename T>
cudaError_t FakeQuantBackwardActivations(const T* quantized, T* grad, int64_t count,
                                         FakeQuantGrid grid, cudaStream_t stream) {
  return Launch(
      count, stream,
      [=] {
        In(quantized, count, "FakeQuantBackwardActivations quantized");
        In(grad, count, "FakeQuantBackwardActivations grad");
      },
      [=](int64_t i) {
        grad[i] = Store<T>(train::FakeQuantBackward(Load(quantized[i]), Load(grad[i]), grid));
      });
}

template <typename T>
cudaError_t MaxPool(const T* in, int planes, int h, int w, T* out, uint8_t* argmax,
                    cudaStream_t stream) {
  const int64_t count = int64_t{planes} * ((h + 1) / 2) * ((w + 1) / 2);
  return Launch(
      count, stream,
      [=] {
        In(in, int64_t{planes} * h * w, "MaxPool in");
        In(out, count, "MaxPool out");
        In(argmax, count, "MaxPool argmax");
      },
      [=](int64_t o) { MaxPoolElement(in, h, w, o, out, argmax); });
}

template <typename T>
cudaError_t MaxPoolBackward(const T* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            T* grad_in, cudaStream_t stream) {
  const int64_t pooled = int64_t{planes} * ((h + 1) / 2) * ((w + 1) / 2);
  return Launch(
      int64_t{planes} * h * w, stream,
      [=] {
        In(grad_out, pooled, "MaxPoolBackward grad_out");
        In(argmax, pooled, "MaxPoolBackward argmax");
        In(grad_in, int64_t{planes} * h * w, "MaxPoolBackward grad_in");
      },
      [=](int64_t i) { grad_in[i] = Store<T>(MaxPoolBackwardElement(grad_out, argmax, h, w, i)); });
}

template <typename T>
cudaError_t Upsample(const T* in, int planes, int h, int w, T* out, cudaStream_t stream) {
  return Launch(
      int64_t{planes} * 4 * h * w, stream,
      [=] {
        In(in, int64_t{planes} * h * w, "Upsample in");
        In(out, int64_t{planes} * 4 * h * w, "Upsample out");
      },
      [=](int64_t o) { out[o] = Store<T>(UpsampleElement(in, h, w, o)); });
}

template <typename T>
cudaError_t UpsampleBackward(const T* grad_out, int planes, int h, int w, T* grad_in,
                             cudaStream_t stream) {
  return Launch(
      int64_t{planes} * h * w, stream,
      [=] {
        In(grad_out, int64_t{planes} * 4 * h * w, "UpsampleBackward grad_out");
        In(grad_in, int64_t{planes} * h * w, "UpsampleBackward grad_in");
      },
      [=](int64_t i) { grad_in[i] = Store<T>(UpsampleBackwardElement(grad_out, h, w, i)); });
}

template <typename T>
cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             T* kernels, cudaStream_t stream) {
  return Launch(
      int64_t{16} * channels * in_c, stream,
      [=] {
        In(weights, int64_t{9} * channels * in_c, "PolyphaseKernels weights");
        In(kernels, int64_t{16} * channels * in_c, "PolyphaseKernels kernels");
      },
      [=](int64_t k) {
        kernels[k] = Store<T>(PolyphaseKernelElement(weights, channels, in_c, taps, k));
      });
}

template <typename T>
cudaError_t FoldPolyphaseGradients(const T* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, const LossScaleState* loss_scale,
                                   float* weight_grads, cudaStream_t stream) {
  return Launch(
      int64_t{9} * channels * in_c, stream,
      [=] {
        In(kernel_grads, int64_t{16} * channels * in_c, "FoldPolyphaseGradients kernel_grads");
        In(weight_grads, int64_t{9} * channels * in_c, "FoldPolyphaseGradients weight_grads");
        if (loss_scale != nullptr) In(loss_scale, 1, "FoldPolyphaseGradients loss_scale");
      },
      [=](int64_t g) {
        weight_grads[g] = FoldPolyphaseGradientElement(kernel_grads, channels, in_c, taps, g) /
                          ScaleOf(loss_scale);
      });
}

template <typename T>
cudaError_t InterleaveParities(const T* parity_out, const float* bias, int n, int channels, int s,
                               bool relu, T* out, cudaStream_t stream) {
  const int64_t count = int64_t{n} * channels * 4 * s * s;
  return Launch(
      count, stream,
      [=] {
        In(parity_out, int64_t{n} * 4 * channels * (s + 1) * (s + 1),
           "InterleaveParities parity_out");
        In(bias, channels, "InterleaveParities bias");
        In(out, count, "InterleaveParities out");
      },
      [=](int64_t o) {
        out[o] = Store<T>(InterleaveParitiesElement(parity_out, bias, channels, s, relu, o));
      });
}

template <typename T>
cudaError_t DeinterleaveParities(const T* full_grad, int n, int channels, int s, T* parity_grad,
                                 cudaStream_t stream) {
  const int64_t count = int64_t{n} * 4 * channels * (s + 1) * (s + 1);
  return Launch(
      count, stream,
      [=] {
        In(full_grad, int64_t{n} * channels * 4 * s * s, "DeinterleaveParities full_grad");
        In(parity_grad, count, "DeinterleaveParities parity_grad");
      },
      [=](int64_t e) {
        parity_grad[e] = Store<T>(DeinterleaveParitiesElement(full_grad, channels, s, e));
      });
}

template <typename T>
cudaError_t BiasGradient(const T* grad, int n, int c, int hw, const LossScaleState* loss_scale,
                         float* bias_grad, cudaStream_t stream) {
  return Run(
      stream,
      [=] {
        In(grad, int64_t{n} * c * hw, "BiasGradient grad");
        In(bias_grad, c, "BiasGradient bias_grad");
      },
      [=] {
        for (int channel = 0; channel < c; ++channel) {
          float sum = 0.0f;
          for (int image = 0; image < n; ++image) {
            const T* plane = grad + (int64_t{image} * c + channel) * hw;
            for (int p = 0; p < hw; ++p) sum += Load(plane[p]);
          }
          bias_grad[channel] = sum / ScaleOf(loss_scale);
        }
      });
}

template <typename T>
cudaError_t SigmoidBce(const T* logits, const float* target, int images, int pixels,
                       const LossScaleState* loss_scale, T* grad, double* per_image,
                       double* loss_sum, double* running_sum, cudaStream_t stream) {
  const int64_t count = int64_t{images} * pixels;
  const float mean = static_cast<float>(1.0 / (double(images) * double(pixels)));
  return Run(
      stream,
      [=] {
        In(logits, count, "SigmoidBce logits");
        In(target, count, "SigmoidBce target");
        In(grad, count, "SigmoidBce grad");
        In(per_image, images, "SigmoidBce per_image");
        In(loss_sum, 1, "SigmoidBce loss_sum");
        if (running_sum != nullptr) In(running_sum, 1, "SigmoidBce running_sum");
      },
      [=] {
        const float scale = mean * ScaleOf(loss_scale);
        double total = 0.0;
        for (int image = 0; image < images; ++image) {
          double sum = 0.0;
          for (int p = 0; p < pixels; ++p) {
            const int64_t e = int64_t{image} * pixels + p;
            float g = 0.0f;
            sum += SigmoidBceElement(Load(logits[e]), target[e], scale, &g);
            grad[e] = Store<T>(g);
          }
          per_image[image] = sum;
          total += sum;
        }
        *loss_sum = total;
        if (running_sum != nullptr) *running_sum += total / pixels;
      });
}

template <typename T>
cudaError_t NoisyBatch(const float* set, const int* order, int first, int batch, int pixels,
                       float factor, unsigned long long seed, T* noisy, float* clean,
                       cudaStream_t stream) {
  return Launch(
      int64_t{batch} * pixels, stream,
      [=] {
        In(order + first, batch, "NoisyBatch order");
        In(noisy, int64_t{batch} * pixels, "NoisyBatch noisy");
        In(clean, int64_t{batch} * pixels, "NoisyBatch clean");
        for (int n = 0; n < batch; ++n) {
          In(set + int64_t{order[first + n]} * pixels, pixels, "NoisyBatch set");
        }
      },
      [=](int64_t e) {
        const int n = static_cast<int>(e / pixels), p = static_cast<int>(e % pixels);
        const int image = order[first + n];
        const float value = set[int64_t{image} * pixels + p];
        const float noisy_value = value + factor * NormalOf(seed, image, p);
        clean[e] = value;
        noisy[e] = Store<T>(std::fmin(std::fmax(noisy_value, 0.0f), 1.0f));
      });
}

template <typename T>
cudaError_t GatherWeights(const float* params, WeightSegments segments, T* out,
                          cudaStream_t stream) {
  return Launch(
      segments.total, stream,
      [=] {
        for (int k = 0; k < segments.count; ++k) {
          In(params + segments.from[k], segments.size[k], "GatherWeights params");
          In(out + segments.to[k], segments.size[k], "GatherWeights out");
        }
      },
      [=](int64_t e) {
        int64_t from = 0, to = 0;
        SegmentElement(segments, e, &from, &to);
        out[to] = Store<T>(params[from]);
      });
}

template <typename T>
cudaError_t ConvertFromFloat(const float* in, int64_t count, T* out, cudaStream_t stream) {
  return Launch(
      count, stream,
      [=] {
        In(in, count, "ConvertFromFloat in");
        In(out, count, "ConvertFromFloat out");
      },
      [=](int64_t i) { out[i] = Store<T>(in[i]); });
}

template <typename T>
cudaError_t ConvertToFloat(const T* in, int64_t count, const LossScaleState* loss_scale, float* out,
                           cudaStream_t stream) {
  return Launch(
      count, stream,
      [=] {
        In(in, count, "ConvertToFloat in");
        In(out, count, "ConvertToFloat out");
      },
      [=](int64_t i) { out[i] = Load(in[i]) / ScaleOf(loss_scale); });
}

namespace {

void AdamArguments(int64_t count, const float* params, const float* grads, const float* m,
                   const float* v) {
  In(params, count, "Adam params");
  In(grads, count, "Adam grads");
  In(m, count, "Adam m");
  In(v, count, "Adam v");
}

}  // namespace

cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream) {
  return Launch(
      count, stream, [=] { AdamArguments(count, params, grads, m, v); },
      [=](int64_t i) { AdamElement(lr_t, beta1, beta2, epsilon, i, params, grads, m, v); });
}

cudaError_t UpdateLossScale(const float* grads, int64_t count, float learning_rate, float beta1,
                            float beta2, int growth_interval, LossScaleState* state,
                            cudaStream_t stream) {
  return Run(
      stream,
      [=] {
        In(grads, count, "UpdateLossScale grads");
        In(state, 1, "UpdateLossScale state");
      },
      [=] {
        state->overflow = 0;
        for (int64_t i = 0; i < count; ++i) {
          if (!std::isfinite(grads[i])) state->overflow = 1;
        }
        AdvanceLossScale(learning_rate, beta1, beta2, growth_interval, state);
      });
}

cudaError_t AdamScaled(const LossScaleState* state, float beta1, float beta2, float epsilon,
                       int64_t count, float* params, const float* grads, float* m, float* v,
                       cudaStream_t stream) {
  return Launch(
      count, stream,
      [=] {
        In(state, 1, "AdamScaled state");
        AdamArguments(count, params, grads, m, v);
      },
      [=](int64_t i) {
        if (state->overflow) return;
        AdamElement(state->lr_t, beta1, beta2, epsilon, i, params, grads, m, v);
      });
}

template <typename T>
cudaError_t CountPositive(const T* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream) {
  return Run(
      stream,
      [=] {
        In(values, count, "CountPositive values");
        In(counter, 1, "CountPositive counter");
      },
      [=] {
        unsigned long long positive = 0;
        for (int64_t i = 0; i < count; ++i) positive += Load(values[i]) > 0.0f ? 1 : 0;
        *counter = positive;
      });
}

DNZ_INSTANTIATE_KERNELS(float)
DNZ_INSTANTIATE_KERNELS(__half)
DNZ_INSTANTIATE_KERNELS(__nv_bfloat16)

}  // namespace dnz::train::cuda
