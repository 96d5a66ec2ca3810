// CudaNetwork's handles, buffers and host copies: the stream and cuDNN handle, each layer's
// cuDNN conv, the parameter and Adam buffers, and the per-batch buffers grown by Prepare.
// The passes over them are in cuda_forward_backward.cc and cuda_adam.cc.
#include "cuda/cuda_network.h"

#include <algorithm>
#include <cstdint>

#include "cuda/cuda_status.h"

namespace dnz::train::cuda {

template <typename T>
CudaNetwork<T>::~CudaNetwork() {
  graphs.Clear();  // before the stream and the buffers they were captured on
  if (cudnn != nullptr) cudnnDestroy(cudnn);
  if (stream != nullptr) cudaStreamDestroy(stream);
}

template <typename T>
bool CudaNetwork<T>::Init(bool polyphase_upsample, bool step_graph, int train_batch,
                          std::string* error) {
  if (!CudaOk(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), "cudaStreamCreate",
              error) ||
      !CudnnOk(cudnnCreate(&cudnn), "cudnnCreate", error) ||
      !CudnnOk(cudnnSetStream(cudnn, stream), "cudnnSetStream", error)) {
    return false;
  }
  device_name = DescribeDevice();
  graphs.set_enabled(step_graph);
  const ParamLayout& layout = SeedParamLayout();
  for (int i = 0; i < kNumConvs; ++i) {
    Layer<T>& layer = layers[static_cast<size_t>(i)];
    layer.spec = kSeedConvs[static_cast<size_t>(i)];
    const SeedConv& s = layer.spec;
    layer.polyphase = s.fused_upsample_input && polyphase_upsample;
    layer.upsample = s.fused_upsample_input && !layer.polyphase;
    layer.small_side = s.fused_upsample_input ? s.in_side / 2 : s.in_side;
    ConvShape shape{s.in_channels, s.in_side, s.out_channels, s.kernel, Padding(s)};
    if (layer.polyphase) shape = {s.in_channels, layer.small_side, 4 * s.out_channels, 2, 1};
    if (!layer.conv.Init(shape, kPrecision<T>, error)) return false;
    if (layer.polyphase &&
        (!layer.kernels.Reserve(static_cast<size_t>(16) * s.out_channels * s.in_channels, error) ||
         !layer.kernel_grads.Reserve(layer.kernels.size(), error))) {
      return false;
    }
  }
  const size_t total = layout.total;
  // The weights cuDNN reads and the gradients it writes, one copy at aligned offsets
  // (flat offsets are only 4-byte aligned, 2-byte in 16 bits: layer 14 starts at 333,313).
  // Polyphase layers have their own kernels and are left out.
  static_assert(kNumConvs <= WeightSegments::kMax, "one segment per conv");
  int64_t end = 0;
  for (int i = 0; i < kNumConvs; ++i) {
    if (layers[static_cast<size_t>(i)].polyphase) continue;
    const int64_t at = (end + kAlignElements - 1) / kAlignElements * kAlignElements;
    conv_offset[static_cast<size_t>(i)] = at;
    end = at + static_cast<int64_t>(layout.weight_count[i]);
    const int k = weight_segments.count++;
    weight_segments.from[k] = static_cast<int64_t>(layout.weight_offset[i]);
    weight_segments.to[k] = at;
    weight_segments.size[k] = static_cast<int64_t>(layout.weight_count[i]);
    weight_segments.total += weight_segments.size[k];
  }
  if (!conv_weights.Reserve(static_cast<size_t>(end), error) ||
      !conv_weight_grads.Reserve(static_cast<size_t>(end), error)) {
    return false;
  }
  if (kLossScaling) {
    // `start` lives on this stack: the copy must have read it before this returns.
    const LossScaleState start{65536.0f, 0, 0, 0.0f, 0};
    if (!loss_scale.Reserve(1, error) ||
        !CudaOk(
            cudaMemcpyAsync(loss_scale.get(), &start, sizeof start, cudaMemcpyHostToDevice, stream),
            "copy the loss scale", error) ||
        !CudaOk(cudaStreamSynchronize(stream), "copy the loss scale", error)) {
      return false;
    }
  }
  return params.Reserve(total, error) && grads.Reserve(total, error) && m.Reserve(total, error) &&
         v.Reserve(total, error) &&
         CudaOk(cudaMemsetAsync(grads.get(), 0, total * sizeof(float), stream), "cudaMemset",
                error) &&
         // Adam's moments start at zero (AdamState{}); cudaMalloc does not clear memory.
         CudaOk(cudaMemsetAsync(m.get(), 0, total * sizeof(float), stream), "cudaMemset", error) &&
         CudaOk(cudaMemsetAsync(v.get(), 0, total * sizeof(float), stream), "cudaMemset", error) &&
         counter.Reserve(1, error) && loss_sum.Reserve(1, error) &&
         running_loss.Reserve(1, error) &&
         CudaOk(cudaMemsetAsync(running_loss.get(), 0, sizeof(double), stream), "cudaMemset",
                error) &&
         Prepare(train_batch, error);
}

template <typename T>
bool CudaNetwork<T>::Prepare(int batch, std::string* error) {
  if (batch <= 0) {
    *error = "batch must be positive";
    return false;
  }
  size_t workspace_bytes = 0;
  for (Layer<T>& layer : layers) {
    size_t bytes = 0;
    if (!layer.conv.Prepare(cudnn, batch, &bytes, error)) return false;
    workspace_bytes = std::max(workspace_bytes, bytes);
  }
  const size_t workspace_before = workspace.size();
  if (!workspace.Reserve(std::max<size_t>(workspace_bytes, 1), error)) return false;
  // Captured steps name the buffers they were captured with: growing one voids them.
  if (workspace.size() != workspace_before) graphs.Clear();
  if (batch <= capacity) return true;
  graphs.Clear();
  const size_t n = static_cast<size_t>(batch);
  const size_t image = kImagePixels;
  if (!noisy.Reserve(n * image, error) || !clean.Reserve(n * image, error) ||
      !staging.Reserve(n * image, error) || !per_image.Reserve(n, error)) {
    return false;
  }
  for (Layer<T>& l : layers) {
    const SeedConv& s = l.spec;
    const size_t act = n * static_cast<size_t>(l.ActPerImage());
    if (!l.act.Reserve(act, error) || !l.act_grad.Reserve(act, error)) return false;
    if (s.fused_maxpool_output) {
      const size_t pooled = n * static_cast<size_t>(l.PooledPerImage());
      if (!l.pooled.Reserve(pooled, error) || !l.pooled_grad.Reserve(pooled, error) ||
          !l.argmax.Reserve(pooled, error)) {
        return false;
      }
    }
    if (l.polyphase) {
      const size_t q = static_cast<size_t>(l.small_side + 1);
      const size_t parity = n * 4 * static_cast<size_t>(s.out_channels) * q * q;
      if (!l.conv_out.Reserve(parity, error) || !l.conv_out_grad.Reserve(parity, error))
        return false;
    }
    if (l.upsample) {
      const size_t up = n * static_cast<size_t>(s.in_channels) * s.in_side * s.in_side;
      if (!l.upsampled.Reserve(up, error) || !l.upsampled_grad.Reserve(up, error)) return false;
    }
  }
  capacity = batch;
  return true;
}

template <typename T>
bool CudaNetwork<T>::CopyIn(const std::vector<float>& host, float* device, std::string* error) {
  if (host.size() != SeedParamLayout().total) {
    *error = "parameter vector has " + std::to_string(host.size()) + " values, the network " +
             std::to_string(SeedParamLayout().total);
    return false;
  }
  return CudaOk(cudaMemcpyAsync(device, host.data(), host.size() * sizeof(float),
                                cudaMemcpyHostToDevice, stream),
                "copy to the GPU", error) &&
         CudaOk(cudaStreamSynchronize(stream), "copy to the GPU", error);
}

template <typename T>
bool CudaNetwork<T>::CopyOut(const float* device, std::vector<float>* host, std::string* error) {
  host->assign(SeedParamLayout().total, 0.0f);
  return CudaOk(cudaMemcpyAsync(host->data(), device, host->size() * sizeof(float),
                                cudaMemcpyDeviceToHost, stream),
                "copy from the GPU", error) &&
         CudaOk(cudaStreamSynchronize(stream), "copy from the GPU", error);
}

template <typename T>
bool CudaNetwork<T>::UploadNoisy(const float* images, int batch, std::string* error) {
  if constexpr (kFloat) {
    return Upload(images, batch, noisy.get(), error);
  } else {
    return Upload(images, batch, staging.get(), error) &&
           CudaOk(ConvertFromFloat(staging.get(), static_cast<int64_t>(batch) * kImagePixels,
                                   noisy.get(), stream),
                  "convert a batch", error);
  }
}

template <typename T>
bool CudaNetwork<T>::Upload(const float* images, int batch, float* device, std::string* error) {
  return CudaOk(
      cudaMemcpyAsync(device, images, sizeof(float) * static_cast<size_t>(batch) * kImagePixels,
                      cudaMemcpyHostToDevice, stream),
      "copy a batch to the GPU", error);
}

#define DNZ_INSTANTIATE(T) template struct CudaNetwork<T>;
DNZ_CUDA_STORAGE_TYPES(DNZ_INSTANTIATE)
#undef DNZ_INSTANTIATE

}  // namespace dnz::train::cuda
