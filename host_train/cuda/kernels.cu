// The GPU trainer's own kernels: element_ops.h run one thread per element through one
// grid-stride launcher, and the three reductions.
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

// Sum of one value per thread over the block, in a fixed order; valid in thread 0.
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

__global__ void BiasGradientKernel(const float* grad, int n, int c, int hw, float* bias_grad) {
  const int channel = blockIdx.x;
  float sum = 0.0f;
  for (int image = 0; image < n; ++image) {
    const float* plane = grad + (static_cast<int64_t>(image) * c + channel) * hw;
    for (int p = threadIdx.x; p < hw; p += kThreads) sum += plane[p];
  }
  sum = BlockSum(sum);
  if (threadIdx.x == 0) bias_grad[channel] = sum;
}

__global__ void SigmoidBceKernel(const float* logits, const float* target, int pixels, float scale,
                                 float* grad, double* per_image) {
  const int64_t first = static_cast<int64_t>(blockIdx.x) * pixels;
  double sum = 0.0;
  for (int p = threadIdx.x; p < pixels; p += kThreads) {
    sum += SigmoidBceElement(logits[first + p], target[first + p], scale, &grad[first + p]);
  }
  sum = BlockSum(sum);
  if (threadIdx.x == 0) per_image[blockIdx.x] = sum;
}

__global__ void SumImagesKernel(const double* per_image, int images, double* loss_sum) {
  double sum = 0.0;
  for (int i = threadIdx.x; i < images; i += kThreads) sum += per_image[i];
  sum = BlockSum(sum);
  if (threadIdx.x == 0) *loss_sum = sum;
}

}  // namespace

cudaError_t BiasActivate(float* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream) {
  return Launch(static_cast<int64_t>(n) * c * hw, stream, [=] __device__(int64_t i) {
    y[i] = cuda::BiasActivate(y[i], bias[(i / hw) % c], relu);
  });
}

cudaError_t ReluBackward(const float* activation, float* grad, int64_t count, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    grad[i] = cuda::ReluBackward(activation[i], grad[i]);
  });
}

cudaError_t MaxPool(const float* in, int planes, int h, int w, float* out, uint8_t* argmax,
                    cudaStream_t stream) {
  const int64_t count = static_cast<int64_t>(planes) * ((h + 1) / 2) * ((w + 1) / 2);
  return Launch(count, stream,
                [=] __device__(int64_t o) { MaxPoolElement(in, h, w, o, out, argmax); });
}

cudaError_t MaxPoolBackward(const float* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            float* grad_in, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * h * w, stream, [=] __device__(int64_t i) {
    grad_in[i] = MaxPoolBackwardElement(grad_out, argmax, h, w, i);
  });
}

cudaError_t Upsample(const float* in, int planes, int h, int w, float* out, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * 4 * h * w, stream,
                [=] __device__(int64_t o) { out[o] = UpsampleElement(in, h, w, o); });
}

cudaError_t UpsampleBackward(const float* grad_out, int planes, int h, int w, float* grad_in,
                             cudaStream_t stream) {
  return Launch(static_cast<int64_t>(planes) * h * w, stream, [=] __device__(int64_t i) {
    grad_in[i] = UpsampleBackwardElement(grad_out, h, w, i);
  });
}

cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             float* kernels, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(16) * channels * in_c, stream, [=] __device__(int64_t k) {
    kernels[k] = PolyphaseKernelElement(weights, channels, in_c, taps, k);
  });
}

cudaError_t FoldPolyphaseGradients(const float* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, float* weight_grads, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(9) * channels * in_c, stream, [=] __device__(int64_t g) {
    weight_grads[g] = FoldPolyphaseGradientElement(kernel_grads, channels, in_c, taps, g);
  });
}

cudaError_t InterleaveParities(const float* parity_out, const float* bias, int n, int channels,
                               int s, bool relu, float* out, cudaStream_t stream) {
  return Launch(static_cast<int64_t>(n) * channels * 4 * s * s, stream, [=] __device__(int64_t o) {
    out[o] = InterleaveParitiesElement(parity_out, bias, channels, s, relu, o);
  });
}

cudaError_t DeinterleaveParities(const float* full_grad, int n, int channels, int s,
                                 float* parity_grad, cudaStream_t stream) {
  const int64_t count = static_cast<int64_t>(n) * 4 * channels * (s + 1) * (s + 1);
  return Launch(count, stream, [=] __device__(int64_t e) {
    parity_grad[e] = DeinterleaveParitiesElement(full_grad, channels, s, e);
  });
}

cudaError_t BiasGradient(const float* grad, int n, int c, int hw, float* bias_grad,
                         cudaStream_t stream) {
  BiasGradientKernel<<<c, kThreads, 0, stream>>>(grad, n, c, hw, bias_grad);
  return cudaGetLastError();
}

cudaError_t SigmoidBce(const float* logits, const float* target, int images, int pixels,
                       float* grad, double* per_image, double* loss_sum, cudaStream_t stream) {
  const float scale =
      static_cast<float>(1.0 / (static_cast<double>(images) * static_cast<double>(pixels)));
  SigmoidBceKernel<<<images, kThreads, 0, stream>>>(logits, target, pixels, scale, grad, per_image);
  SumImagesKernel<<<1, kThreads, 0, stream>>>(per_image, images, loss_sum);
  return cudaGetLastError();
}

cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream) {
  return Launch(count, stream, [=] __device__(int64_t i) {
    AdamElement(lr_t, beta1, beta2, epsilon, i, params, grads, m, v);
  });
}

cudaError_t CountPositive(const float* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream) {
  cudaError_t status = cudaMemsetAsync(counter, 0, sizeof *counter, stream);
  if (status != cudaSuccess) return status;
  return Launch(count, stream, [=] __device__(int64_t i) {
    if (values[i] > 0.0f) atomicAdd(counter, 1ULL);
  });
}

}  // namespace dnz::train::cuda
