// The launchers kernels.h declares, written once: each builds its kernel (kernel_bodies.h)
// and picks its launch shape. Defines functions, so included by exactly one file of a program,
// after it defines LaunchKernel: kernels.cu (the GPU) or tests/gpu_emulation/emulated_kernels.cc
// (the CPU), each of which instantiates them for float, __half and __nv_bfloat16.
#ifndef DNZ_HOST_TRAIN_CUDA_KERNEL_LAUNCHERS_H_
#define DNZ_HOST_TRAIN_CUDA_KERNEL_LAUNCHERS_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/kernel_bodies.h"
#include "cuda/kernel_grid.h"
#include "cuda/kernels.h"

namespace dnz::train::cuda {

// One thread per element of kernel.Count(); nothing to launch for none.
template <typename Kernel>
cudaError_t LaunchElements(const Kernel& kernel, cudaStream_t stream) {
  const int64_t count = kernel.Count();
  if (count <= 0) return cudaSuccess;
  return LaunchKernel(ElementShape(count), stream, ElementKernel<Kernel>{kernel});
}

template <typename T>
cudaError_t BiasActivate(T* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream) {
  return LaunchElements(BiasActivateKernel<T>{y, bias, n, c, hw, relu}, stream);
}

template <typename T>
cudaError_t ReluBackward(const T* activation, T* grad, int64_t count, cudaStream_t stream) {
  return LaunchElements(ReluBackwardKernel<T>{activation, grad, count}, stream);
}

template <typename T>
cudaError_t FakeQuantizeActivations(T* values, int64_t count, FakeQuantGrid grid,
                                    cudaStream_t stream) {
  return LaunchElements(FakeQuantizeKernel<T>{values, count, grid}, stream);
}

template <typename T>
cudaError_t FakeQuantBackwardActivations(const T* quantized, T* grad, int64_t count,
                                         FakeQuantGrid grid, cudaStream_t stream) {
  return LaunchElements(FakeQuantBackwardKernel<T>{quantized, grad, count, grid}, stream);
}

template <typename T>
cudaError_t MaxPool(const T* in, int planes, int h, int w, T* out, uint8_t* argmax,
                    cudaStream_t stream) {
  return LaunchElements(MaxPoolKernel<T>{in, planes, h, w, out, argmax}, stream);
}

template <typename T>
cudaError_t MaxPoolBackward(const T* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            T* grad_in, cudaStream_t stream) {
  return LaunchElements(MaxPoolBackwardKernel<T>{grad_out, argmax, planes, h, w, grad_in}, stream);
}

template <typename T>
cudaError_t Upsample(const T* in, int planes, int h, int w, T* out, cudaStream_t stream) {
  return LaunchElements(UpsampleKernel<T>{in, planes, h, w, out}, stream);
}

template <typename T>
cudaError_t UpsampleBackward(const T* grad_out, int planes, int h, int w, T* grad_in,
                             cudaStream_t stream) {
  return LaunchElements(UpsampleBackwardKernel<T>{grad_out, planes, h, w, grad_in}, stream);
}

template <typename T>
cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             T* kernels, cudaStream_t stream) {
  return LaunchElements(PolyphaseKernelsKernel<T>{weights, channels, in_c, taps, kernels}, stream);
}

template <typename T>
cudaError_t FoldPolyphaseGradients(const T* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, const LossScaleState* loss_scale,
                                   float* weight_grads, cudaStream_t stream) {
  return LaunchElements(
      FoldPolyphaseGradientsKernel<T>{kernel_grads, channels, in_c, taps, loss_scale, weight_grads},
      stream);
}

template <typename T>
cudaError_t InterleaveParities(const T* parity_out, const float* bias, int n, int channels, int s,
                               bool relu, T* out, cudaStream_t stream) {
  return LaunchElements(InterleaveParitiesKernel<T>{parity_out, bias, n, channels, s, relu, out},
                        stream);
}

template <typename T>
cudaError_t DeinterleaveParities(const T* full_grad, int n, int channels, int s, T* parity_grad,
                                 cudaStream_t stream) {
  return LaunchElements(DeinterleaveParitiesKernel<T>{full_grad, n, channels, s, parity_grad},
                        stream);
}

template <typename T>
cudaError_t BiasGradient(const T* grad, int n, int c, int hw, const LossScaleState* loss_scale,
                         float* bias_grad, cudaStream_t stream) {
  return LaunchKernel({c, kThreadsPerBlock}, stream,
                      BiasGradientKernel<T>{grad, n, c, hw, loss_scale, bias_grad});
}

template <typename T>
cudaError_t SigmoidBce(const T* logits, const float* target, int images, int pixels,
                       const LossScaleState* loss_scale, T* grad, double* per_image,
                       double* loss_sum, double* running_sum, cudaStream_t stream) {
  const float mean =
      static_cast<float>(1.0 / (static_cast<double>(images) * static_cast<double>(pixels)));
  const cudaError_t status = LaunchKernel(
      {images, kThreadsPerBlock}, stream,
      SigmoidBceKernel<T>{logits, target, images, pixels, mean, loss_scale, grad, per_image});
  if (status != cudaSuccess) return status;
  return LaunchKernel({1, kThreadsPerBlock}, stream,
                      SumImagesKernel{per_image, images, pixels, loss_sum, running_sum});
}

template <typename T>
cudaError_t NoisyBatch(const float* set, const int* order, int first, int batch, int pixels,
                       float factor, unsigned long long seed, T* noisy, float* clean,
                       cudaStream_t stream) {
  return LaunchElements(
      NoisyBatchKernel<T>{set, order, first, batch, pixels, factor, seed, noisy, clean}, stream);
}

template <typename T>
cudaError_t GatherWeights(const float* params, WeightSegments segments, T* out,
                          cudaStream_t stream) {
  return LaunchElements(GatherWeightsKernel<T>{params, segments, out}, stream);
}

template <typename T>
cudaError_t ConvertFromFloat(const float* in, int64_t count, T* out, cudaStream_t stream) {
  return LaunchElements(ConvertFromFloatKernel<T>{in, count, out}, stream);
}

template <typename T>
cudaError_t ConvertToFloat(const T* in, int64_t count, const LossScaleState* loss_scale, float* out,
                           cudaStream_t stream) {
  return LaunchElements(ConvertToFloatKernel<T>{in, count, loss_scale, out}, stream);
}

cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream) {
  return LaunchElements(
      AdamKernel{lr_t, beta1, beta2, epsilon, count, params, grads, m, v, nullptr}, stream);
}

cudaError_t UpdateLossScale(const float* grads, int64_t count, float learning_rate, float beta1,
                            float beta2, int growth_interval, LossScaleState* state,
                            cudaStream_t stream) {
  cudaError_t status = cudaMemsetAsync(&state->overflow, 0, sizeof state->overflow, stream);
  if (status == cudaSuccess)
    status = LaunchElements(FlagNonFiniteKernel{grads, count, state}, stream);
  if (status != cudaSuccess) return status;
  return LaunchKernel({1, 1}, stream,
                      AdvanceLossScaleKernel{learning_rate, beta1, beta2, growth_interval, state});
}

cudaError_t AdamScaled(const LossScaleState* state, float beta1, float beta2, float epsilon,
                       int64_t count, float* params, const float* grads, float* m, float* v,
                       cudaStream_t stream) {
  return LaunchElements(AdamKernel{0.0f, beta1, beta2, epsilon, count, params, grads, m, v, state},
                        stream);
}

template <typename T>
cudaError_t CountPositive(const T* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream) {
  const cudaError_t status = cudaMemsetAsync(counter, 0, sizeof *counter, stream);
  if (status != cudaSuccess) return status;
  return LaunchElements(CountPositiveKernel<T>{values, count, counter}, stream);
}

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_KERNEL_LAUNCHERS_H_
