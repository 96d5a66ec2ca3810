// Launchers of the GPU trainer's own kernels (kernels.cu): the element-wise steps of
// element_ops.h one thread per element, plus the reductions (bias gradient, loss, counts)
// and the noise. Each enqueues on `stream` and returns the launch status; none synchronises.
#ifndef DNZ_HOST_TRAIN_CUDA_KERNELS_H_
#define DNZ_HOST_TRAIN_CUDA_KERNELS_H_

#include <cuda_runtime_api.h>

#include <cstdint>

#include "cuda/element_ops.h"

namespace dnz::train::cuda {

// y[n][c][p] = act(y + bias[c]) in place over [n][c][hw].
cudaError_t BiasActivate(float* y, const float* bias, int n, int c, int hw, bool relu,
                         cudaStream_t stream);
// grad[i] = 0 where activation[i] <= 0.
cudaError_t ReluBackward(const float* activation, float* grad, int64_t count, cudaStream_t stream);

cudaError_t MaxPool(const float* in, int planes, int h, int w, float* out, uint8_t* argmax,
                    cudaStream_t stream);
cudaError_t MaxPoolBackward(const float* grad_out, const uint8_t* argmax, int planes, int h, int w,
                            float* grad_in, cudaStream_t stream);

cudaError_t Upsample(const float* in, int planes, int h, int w, float* out, cudaStream_t stream);
cudaError_t UpsampleBackward(const float* grad_out, int planes, int h, int w, float* grad_in,
                             cudaStream_t stream);

// weights [C][in_c][3][3] -> kernels [4C][in_c][2][2], and the gradients' way back.
cudaError_t PolyphaseKernels(const float* weights, int channels, int in_c, PolyphaseTaps taps,
                             float* kernels, cudaStream_t stream);
cudaError_t FoldPolyphaseGradients(const float* kernel_grads, int channels, int in_c,
                                   PolyphaseTaps taps, float* weight_grads, cudaStream_t stream);
// parity conv output [n][4C][s+1][s+1] -> act(full + bias) [n][C][2s][2s], and back.
cudaError_t InterleaveParities(const float* parity_out, const float* bias, int n, int channels,
                               int s, bool relu, float* out, cudaStream_t stream);
cudaError_t DeinterleaveParities(const float* full_grad, int n, int channels, int s,
                                 float* parity_grad, cudaStream_t stream);

// bias_grad[c] = sum over n and hw of grad[n][c][hw] (one block per channel, fixed order).
cudaError_t BiasGradient(const float* grad, int n, int c, int hw, float* bias_grad,
                         cudaStream_t stream);

// Mean sigmoid-BCE: grad gets d(mean)/d(logit); *loss_sum (device) gets the sum over all
// values of the loss, in double, added in a fixed order (one block per image).
cudaError_t SigmoidBce(const float* logits, const float* target, int images, int pixels,
                       float* grad, double* per_image, double* loss_sum, cudaStream_t stream);

cudaError_t Adam(float lr_t, float beta1, float beta2, float epsilon, int64_t count, float* params,
                 const float* grads, float* m, float* v, cudaStream_t stream);

// *counter (device) = number of values > 0.
cudaError_t CountPositive(const float* values, int64_t count, unsigned long long* counter,
                          cudaStream_t stream);

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_KERNELS_H_
