// The GPU trainer's own kernels: element_ops.h run one thread per element through one
// grid-stride launcher, the reductions, the noise, the conversions and the optimizer; each
// template is instantiated for float, __half and __nv_bfloat16 at the end.
#include <curand_kernel.h>

#include <algorithm>

#include "cuda/kernels.h"

namespace dnz::train::cuda {
namespace {

constexpr int kThreads = 256;

template <typename Body>
__global__ void ForEachElement(int64_t count, Body body) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    body(i);
  }
}

template <typename Body>
cudaError_t Launch(int64_t count, cudaStream_t stream, Body body) {
  if (count <= 0) return cudaSuccess;
  const int64_t blocks = std::min<int64_t>((count + kThreads - 1) / kThreads, 1 << 16);
  ForEachElement<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(count, body);
  return cudaGetLastError();
}

// Sum of one value per thread over the block, in a fixed order; valid in every thread.
template <typename T>
__device__ T BlockSum(T value) {
  __shared__ T partial[kThreads];
  partial[threadIdx.x] = value;
  __syncthreads();
  for (int half = kThreads / 2; half > 0; half /= 2) {
    if (threadIdx.x < half) partial[threadIdx.x] += partial[threadIdx.x + half];
    __syncthreads();
  }
  return partial[0];
}

__device__ float ScaleOf(const LossScaleState* loss_scale) {
  return loss_scale == nullptr ? 1.0f : loss_scale->scale;
}

template <typename T>
__global__ void BiasGradientKernel(const T* grad, int n, int c, int hw,
                                   const LossScaleState* loss_scale, float* bias_grad) {
  const int channel = blockIdx.x;
  float sum = 0.0f;
  for (int image = 0; image < n; ++image) {
    const T* plane = grad + (static_cast<int64_t>(image) * c + channel) * hw;
    for (int p = threadIdx.x; p < hw; p += kThreads) sum += Load(plane[p]);
  }
  sum = BlockSum(sum);
  if (threadIdx.x == 0) bias_grad[channel] = sum / ScaleOf(loss_scale);
}

template <typename T>
__global__ void SigmoidBceKernel(const T* logits, const float* target, int pixels, float mean,
                                 const LossScaleState* loss_scale, T* grad, double* per_image) {
  const int64_t first = static_cast<int64_t>(blockIdx.x) * pixels;
  const float scale = mean * ScaleOf(loss_scale);
  double sum = 0.0;
  for (int p = threadIdx.x; p < pixels; p += kThreads) {
    float g = 0.0f;
    sum += SigmoidBceElement(Load(logits[first + p]), target[first + p], scale, &g);
    grad[first + p] = Store<T>(g);
  }
  sum = BlockSum(sum);
  if (threadIdx.x == 0) per_image[blockIdx.x] = sum;
}

__global__ void SumImagesKernel(const double* per_image, int images, int pixels, double* loss_sum,
                                double* running_sum) {
  double sum = 0.0;
  for (int i = threadIdx.x; i < images; i += kThreads) sum += per_image[i];
  sum = BlockSum(sum);
  if (threadIdx.x == 0) {
    *loss_sum = sum;
    if (running_sum != nullptr) *running_sum += sum / pixels;
  }
}

__global__ void AdvanceLossScaleKernel(float learning_rate, float beta1, float beta2,
                                       int growth_interval, LossScaleState* state) {
  AdvanceLossScale(learning_rate, beta1, beta2, growth_interval, state);
}

}  // namespace

template <typename T>
cudaError_t BiasActivate(T* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream) {
  return Launch(static_cast<int64_t>(n) * c * hw, stream, [=] __device__(int64_t i) {
    y[i] = Store<T>(cuda::BiasActivate(Load(y[i]), bias[(i / hw) % c], relu));
  });
}

template <typename T>
cudaError_t ReluBackward(const T* activation, T* grad, int64_t count, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    grad[i] = Store<T>(cuda::ReluBackward(Load(activation[i]), Load(grad[i])));
  });
}

template <typename T>
cudaError_t FakeQuantizeActivations(T* values, int64_t count, FakeQuantGrid grid,
                                    cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    values[i] = Store<T>(train::FakeQuantize(Load(values[i]), grid));
  });
}

template <typename T>
cudaError_t FakeQuantBackwardActivations(const T* quantized, T* grad, int64_t count,
                                         FakeQuantGrid grid, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    grad[i] = Store<T>(train::FakeQuantBackward(Load(quantized[i]), Load(grad[i]), grid));
  });
}

template <typename T>
cudaError_t MaxPool(const T* in, int planes, int h, int w, T* out, uint8_t* argmax,
                    cudaStream_t stream) {
  const int64_t count = static_cast<int64_t>(planes) * ((h + 1) / 2) * ((w + 1) / 2);
  return Launch(count, stream,
                [=] __device__(int64_t o) { MaxPoolElement(in, h, w, o, out, argmax); });
}

template <typename T>
cudaError_t MaxPoolBackward(const T* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            T* grad_in, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * h * w, stream, [=] __device__(int64_t i) {
    grad_in[i] = Store<T>(MaxPoolBackwardElement(grad_out, argmax, h, w, i));
  });
}

template <typename T>
cudaError_t Upsample(const T* in, int planes, int h, int w, T* out, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * 4 * h * w, stream,
                [=] __device__(int64_t o) { out[o] = Store<T>(UpsampleElement(in, h, w, o)); });
}

template <typename T>
cudaError_t UpsampleBackward(const T* grad_out, int planes, int h, int w, T* grad_in,
                             cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * h * w, stream, [=] __device__(int64_t i) {
    grad_in[i] = Store<T>(UpsampleBackwardElement(grad_out, h, w, i));
  });
}

template <typename T>
cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             T* kernels, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(16) * channels * in_c, stream, [=] __device__(int64_t k) {
    kernels[k] = Store<T>(PolyphaseKernelElement(weights, channels, in_c, taps, k));
  });
}

template <typename T>
cudaError_t FoldPolyphaseGradients(const T* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, const LossScaleState* loss_scale,
                                   float* weight_grads, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(9) * channels * in_c, stream, [=] __device__(int64_t g) {
    weight_grads[g] =
        FoldPolyphaseGradientElement(kernel_grads, channels, in_c, taps, g) / ScaleOf(loss_scale);
  });
}

template <typename T>
cudaError_t InterleaveParities(const T* parity_out, const float* bias, int n, int channels, int s,
                               bool relu, T* out, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(n) * channels * 4 * s * s, stream, [=] __device__(int64_t o) {
    out[o] = Store<T>(InterleaveParitiesElement(parity_out, bias, channels, s, relu, o));
  });
}

template <typename T>
cudaError_t DeinterleaveParities(const T* full_grad, int n, int channels, int s, T* parity_grad,
                                 cudaStream_t stream) {
  const int64_t count = static_cast<int64_t>(n) * 4 * channels * (s + 1) * (s + 1);
  return Launch(count, stream, [=] __device__(int64_t e) {
    parity_grad[e] = Store<T>(DeinterleaveParitiesElement(full_grad, channels, s, e));
  });
}

template <typename T>
cudaError_t BiasGradient(const T* grad, int n, int c, int hw, const LossScaleState* loss_scale,
                         float* bias_grad, cudaStream_t stream) {
  BiasGradientKernel<<<c, kThreads, 0, stream>>>(grad, n, c, hw, loss_scale, bias_grad);
  return cudaGetLastError();
}

template <typename T>
cudaError_t SigmoidBce(const T* logits, const float* target, int images, int pixels,
                       const LossScaleState* loss_scale, T* grad, double* per_image,
                       double* loss_sum, double* running_sum, cudaStream_t stream) {
  const float mean =
      static_cast<float>(1.0 / (static_cast<double>(images) * static_cast<double>(pixels)));
  SigmoidBceKernel<<<images, kThreads, 0, stream>>>(logits, target, pixels, mean, loss_scale, grad,
                                                    per_image);
  SumImagesKernel<<<1, kThreads, 0, stream>>>(per_image, images, pixels, loss_sum, running_sum);
  return cudaGetLastError();
}

template <typename T>
cudaError_t NoisyBatch(const float* set, const int* order, int first, int batch, int pixels,
                       float factor, unsigned long long seed, T* noisy, float* clean,
                       cudaStream_t stream) {
  return Launch(static_cast<int64_t>(batch) * pixels, stream, [=] __device__(int64_t e) {
    const int n = static_cast<int>(e / pixels), p = static_cast<int>(e % pixels);
    const int image = order[first + n];
    const float value = set[static_cast<int64_t>(image) * pixels + p];
    curandStatePhilox4_32_10_t state;
    curand_init(seed, static_cast<unsigned long long>(image), 2ULL * p, &state);
    const float noisy_value = value + factor * curand_normal(&state);
    clean[e] = value;
    noisy[e] = Store<T>(fminf(fmaxf(noisy_value, 0.0f), 1.0f));
  });
}

template <typename T>
cudaError_t GatherWeights(const float* params, WeightSegments segments, T* out,
                          cudaStream_t stream) {
  return Launch(segments.total, stream, [=] __device__(int64_t e) {
    int64_t from = 0, to = 0;
    SegmentElement(segments, e, &from, &to);
    out[to] = Store<T>(params[from]);
  });
}

template <typename T>
cudaError_t ConvertFromFloat(const float* in, int64_t count, T* out, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) { out[i] = Store<T>(in[i]); });
}

template <typename T>
cudaError_t ConvertToFloat(const T* in, int64_t count, const LossScaleState* loss_scale, float* out,
                           cudaStream_t stream) {
  return Launch(count, stream,
                [=] __device__(int64_t i) { out[i] = Load(in[i]) / ScaleOf(loss_scale); });
}

cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    AdamElement(lr_t, beta1, beta2, epsilon, i, params, grads, m, v);
  });
}

cudaError_t UpdateLossScale(const float* grads, int64_t count, float learning_rate, float beta1,
                            float beta2, int growth_interval, LossScaleState* state,
                            cudaStream_t stream) {
  cudaError_t status =
      cudaMemsetAsync(&state->overflow, 0, sizeof state->overflow, stream);  // then any Inf/NaN
  if (status != cudaSuccess) return status;
  status = Launch(count, stream, [=] __device__(int64_t i) {
    if (!isfinite(grads[i])) state->overflow = 1;  // a benign race: every writer writes 1
  });
  if (status != cudaSuccess) return status;
  AdvanceLossScaleKernel<<<1, 1, 0, stream>>>(learning_rate, beta1, beta2, growth_interval, state);
  return cudaGetLastError();
}

cudaError_t AdamScaled(const LossScaleState* state, float beta1, float beta2, float epsilon,
                       int64_t count, float* params, const float* grads, float* m, float* v,
                       cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    if (state->overflow) return;
    AdamElement(state->lr_t, beta1, beta2, epsilon, i, params, grads, m, v);
  });
}

template <typename T>
cudaError_t CountPositive(const T* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream) {
  cudaError_t status = cudaMemsetAsync(counter, 0, sizeof *counter, stream);
  if (status != cudaSuccess) return status;
  return Launch(count, stream, [=] __device__(int64_t i) {
    if (Load(values[i]) > 0.0f) atomicAdd(counter, 1ULL);
  });
}

// ---- Instantiations: f32, f16, bf16 (kernels.h) ----------------------------------------------

DNZ_INSTANTIATE_KERNELS(float)
DNZ_INSTANTIATE_KERNELS(__half)
DNZ_INSTANTIATE_KERNELS(__nv_bfloat16)

}  // namespace dnz::train::cuda
