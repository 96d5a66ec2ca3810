#include "cuda/cuda_backend.h"

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "cuda/cuda_status.h"
#include "cuda/cudnn_conv.h"
#include "cuda/device_buffer.h"
#include "cuda/kernels.h"
#include "network/seed_network.h"
#include "polyphase.h"

namespace dnz::train {
namespace {

using cuda::CudaOk;
using cuda::CudnnOk;
using cuda::DeviceBuffer;

// The map of runtime/src/polyphase.h as the kernels read it.
cuda::PolyphaseTaps MakePolyphaseTaps() {
  cuda::PolyphaseTaps taps{};
  for (int parity = 0; parity < 2; ++parity) {
    for (int tap = 0; tap < 2; ++tap) {
      int first = 0, last = 0;
      PolyphaseKernelRows(parity, tap, &first, &last);
      for (int row = first; row <= last; ++row)
        taps.tap_of_row[parity][row] = static_cast<int8_t>(tap);
    }
  }
  return taps;
}

// One conv of the seed network and the tensors around it, for up to `capacity` images.
struct Layer {
  ConvSpec spec;
  bool polyphase = false;  // upsample + 3x3 as one 2x2 conv with 4x the output channels
  bool upsample = false;   // plain path: nearest upsample, then the conv
  int small_side = 0;      // side of the layer's input as the previous layer leaves it
  cuda::CudnnConv conv;
  DeviceBuffer<float> kernels, kernel_grads;      // polyphase: [4C][in_c][2][2]
  DeviceBuffer<float> conv_out, conv_out_grad;    // polyphase: [n][4C][s+1][s+1]
  DeviceBuffer<float> upsampled, upsampled_grad;  // plain upsample: [n][in_c][2s][2s]
  DeviceBuffer<float> act, act_grad;              // [n][C][out][out] after bias + activation
  DeviceBuffer<float> pooled, pooled_grad;        // [n][C][ceil(out/2)]^2
  DeviceBuffer<uint8_t> argmax;

  int64_t ActPerImage() const {
    return static_cast<int64_t>(spec.out_channels) * spec.out_side * spec.out_side;
  }
  int64_t PooledPerImage() const {
    const int side = PooledSide(spec.out_side);
    return static_cast<int64_t>(spec.out_channels) * side * side;
  }
};

class CudaBackend final : public TrainBackend {
 public:
  ~CudaBackend() override {
    if (cudnn_ != nullptr) cudnnDestroy(cudnn_);
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }

  bool Init(const BackendOptions& options, const CudaBackendOptions& cuda_options,
            std::string* error) {
    if (!CudaOk(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking), "cudaStreamCreate",
                error) ||
        !CudnnOk(cudnnCreate(&cudnn_), "cudnnCreate", error) ||
        !CudnnOk(cudnnSetStream(cudnn_, stream_), "cudnnSetStream", error)) {
      return false;
    }
    device_ = cuda::DescribeDevice();
    const ParamLayout& layout = SeedParamLayout();
    for (int i = 0; i < kNumConvs; ++i) {
      Layer& layer = layers_[static_cast<size_t>(i)];
      layer.spec = SeedConvs()[static_cast<size_t>(i)];
      const ConvSpec& s = layer.spec;
      layer.polyphase = s.upsample_before && cuda_options.polyphase_upsample;
      layer.upsample = s.upsample_before && !layer.polyphase;
      layer.small_side = s.upsample_before ? s.in_side / 2 : s.in_side;
      cuda::ConvShape shape{s.in_channels, s.in_side, s.out_channels, s.kernel, s.padding};
      if (layer.polyphase) shape = {s.in_channels, layer.small_side, 4 * s.out_channels, 2, 1};
      if (!layer.conv.Init(shape, error)) return false;
      if (layer.polyphase &&
          (!layer.kernels.Reserve(static_cast<size_t>(16) * s.out_channels * s.in_channels,
                                  error) ||
           !layer.kernel_grads.Reserve(layer.kernels.size(), error))) {
        return false;
      }
    }
    const size_t total = layout.total;
    return params_.Reserve(total, error) && grads_.Reserve(total, error) &&
           m_.Reserve(total, error) && v_.Reserve(total, error) &&
           CudaOk(cudaMemsetAsync(grads_.get(), 0, total * sizeof(float), stream_), "cudaMemset",
                  error) &&
           counter_.Reserve(1, error) && loss_sum_.Reserve(1, error) &&
           Prepare(options.train_batch, error);
  }

  std::string Name() const override { return "cudnn-f32"; }
  std::string Device() const override { return "cuda " + device_; }

  bool SetParameters(const std::vector<float>& params, std::string* error) override {
    return CopyIn(params, params_.get(), error);
  }
  bool GetParameters(std::vector<float>* params, std::string* error) override {
    return CopyOut(params_.get(), params, error);
  }
  bool SetAdamState(const AdamState& state, std::string* error) override {
    if (!CopyIn(state.m, m_.get(), error) || !CopyIn(state.v, v_.get(), error)) return false;
    adam_step_ = state.step;
    return true;
  }
  bool GetAdamState(AdamState* state, std::string* error) override {
    state->step = adam_step_;
    return CopyOut(m_.get(), &state->m, error) && CopyOut(v_.get(), &state->v, error);
  }

  bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                        std::string* error) override {
    if (!Prepare(batch, error) || !Upload(clean, batch, clean_.get(), error) ||
        !RunForward(noisy, batch, error)) {
      return false;
    }
    const Layer& last = layers_.back();
    if (!CudaOk(cuda::SigmoidBce(last.act.get(), clean_.get(), batch, kImagePixels,
                                 layers_.back().act_grad.get(), per_image_.get(), loss_sum_.get(),
                                 stream_),
                "sigmoid-BCE kernel", error)) {
      return false;
    }
    for (int i = kNumConvs - 1; i >= 0; --i) {
      if (!Backward(i, batch, error)) return false;
    }
    double sum = 0.0;
    if (!CudaOk(cudaMemcpyAsync(&sum, loss_sum_.get(), sizeof sum, cudaMemcpyDeviceToHost, stream_),
                "copy the loss", error) ||
        !CudaOk(cudaStreamSynchronize(stream_), "training step", error)) {
      return false;
    }
    *loss = sum / (static_cast<double>(batch) * kImagePixels);
    has_gradients_ = true;
    return true;
  }

  bool GetGradients(std::vector<float>* grads, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    return CopyOut(grads_.get(), grads, error);
  }

  bool ApplyAdam(const AdamConfig& config, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    ++adam_step_;
    return CudaOk(cuda::Adam(AdamStepSize(config, adam_step_), config.beta1, config.beta2,
                             config.epsilon, static_cast<int64_t>(SeedParamLayout().total),
                             params_.get(), grads_.get(), m_.get(), v_.get(), stream_),
                  "Adam kernel", error);
  }

  bool Forward(const float* noisy, int batch, float* logits, std::string* error) override {
    return Prepare(batch, error) && RunForward(noisy, batch, error) &&
           CudaOk(cudaMemcpyAsync(logits, layers_.back().act.get(),
                                  sizeof(float) * static_cast<size_t>(batch) * kImagePixels,
                                  cudaMemcpyDeviceToHost, stream_),
                  "copy the logits", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "forward pass", error);
  }

  double BottleneckPositiveFraction() override {
    if (last_batch_ == 0) return 0.0;
    const int64_t count = static_cast<int64_t>(last_batch_) * kImagePixels;
    unsigned long long positive = 0;
    if (cuda::CountPositive(layers_[kBottleneckConv].act.get(), count, counter_.get(), stream_) !=
            cudaSuccess ||
        cudaMemcpyAsync(&positive, counter_.get(), sizeof positive, cudaMemcpyDeviceToHost,
                        stream_) != cudaSuccess ||
        cudaStreamSynchronize(stream_) != cudaSuccess) {
      return 0.0;  // read as dead: the trainer re-draws, and the next call reports the error
    }
    return static_cast<double>(positive) / static_cast<double>(count);
  }

 private:
  bool CheckSize(size_t size, std::string* error) const {
    if (size == SeedParamLayout().total) return true;
    *error = "parameter vector has " + std::to_string(size) + " values, the network " +
             std::to_string(SeedParamLayout().total);
    return false;
  }
  bool CopyIn(const std::vector<float>& host, float* device, std::string* error) {
    return CheckSize(host.size(), error) &&
           CudaOk(cudaMemcpyAsync(device, host.data(), host.size() * sizeof(float),
                                  cudaMemcpyHostToDevice, stream_),
                  "copy to the GPU", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "copy to the GPU", error);
  }
  bool CopyOut(const float* device, std::vector<float>* host, std::string* error) {
    host->assign(SeedParamLayout().total, 0.0f);
    return CudaOk(cudaMemcpyAsync(host->data(), device, host->size() * sizeof(float),
                                  cudaMemcpyDeviceToHost, stream_),
                  "copy from the GPU", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "copy from the GPU", error);
  }
  bool Upload(const float* images, int batch, float* device, std::string* error) {
    return CudaOk(
        cudaMemcpyAsync(device, images, sizeof(float) * static_cast<size_t>(batch) * kImagePixels,
                        cudaMemcpyHostToDevice, stream_),
        "copy a batch to the GPU", error);
  }

  // Algorithms and buffers for `batch` images: made once per batch size, kept after.
  bool Prepare(int batch, std::string* error) {
    if (batch <= 0) {
      *error = "batch must be positive";
      return false;
    }
    size_t workspace = 0;
    for (Layer& layer : layers_) {
      size_t bytes = 0;
      if (!layer.conv.Prepare(cudnn_, batch, &bytes, error)) return false;
      workspace = std::max(workspace, bytes);
    }
    if (!workspace_.Reserve(std::max<size_t>(workspace, 1), error)) return false;
    if (batch <= capacity_) return true;
    const size_t n = static_cast<size_t>(batch);
    const size_t image = kImagePixels;
    if (!noisy_.Reserve(n * image, error) || !clean_.Reserve(n * image, error) ||
        !per_image_.Reserve(n, error)) {
      return false;
    }
    for (Layer& l : layers_) {
      const ConvSpec& s = l.spec;
      const size_t act = n * static_cast<size_t>(l.ActPerImage());
      if (!l.act.Reserve(act, error) || !l.act_grad.Reserve(act, error)) return false;
      if (s.pool_after) {
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
    capacity_ = batch;
    return true;
  }

  // The input of conv i as the previous layer leaves it (pooled, or small before an upsample).
  const float* Input(int i) const {
    if (i == 0) return noisy_.get();
    const Layer& prev = layers_[static_cast<size_t>(i - 1)];
    return prev.spec.pool_after ? prev.pooled.get() : prev.act.get();
  }
  float* InputGrad(int i) {
    Layer& prev = layers_[static_cast<size_t>(i - 1)];
    return prev.spec.pool_after ? prev.pooled_grad.get() : prev.act_grad.get();
  }
  float* Weights(int i) const { return params_.get() + SeedParamLayout().weight_offset[i]; }
  float* Bias(int i) const { return params_.get() + SeedParamLayout().bias_offset[i]; }

  bool RunForward(const float* noisy, int batch, std::string* error) {
    if (!Upload(noisy, batch, noisy_.get(), error)) return false;
    void* ws = workspace_.get();
    const size_t ws_bytes = workspace_.size();
    for (int i = 0; i < kNumConvs; ++i) {
      Layer& l = layers_[static_cast<size_t>(i)];
      const ConvSpec& s = l.spec;
      const int out_plane = s.out_side * s.out_side;
      bool ok = true;
      if (l.polyphase) {
        ok = CudaOk(cuda::PolyphaseKernels(Weights(i), s.out_channels, s.in_channels, taps_,
                                           l.kernels.get(), stream_),
                    "polyphase kernels", error) &&
             l.conv.Forward(cudnn_, batch, Input(i), l.kernels.get(), l.conv_out.get(), ws,
                            ws_bytes, error) &&
             CudaOk(cuda::InterleaveParities(l.conv_out.get(), Bias(i), batch, s.out_channels,
                                             l.small_side, s.relu, l.act.get(), stream_),
                    "interleave kernel", error);
      } else {
        const float* x = Input(i);
        if (l.upsample) {
          ok = CudaOk(cuda::Upsample(x, batch * s.in_channels, l.small_side, l.small_side,
                                     l.upsampled.get(), stream_),
                      "upsample kernel", error);
          x = l.upsampled.get();
        }
        ok = ok && l.conv.Forward(cudnn_, batch, x, Weights(i), l.act.get(), ws, ws_bytes, error) &&
             CudaOk(cuda::BiasActivate(l.act.get(), Bias(i), batch, s.out_channels, out_plane,
                                       s.relu, stream_),
                    "bias kernel", error);
      }
      if (ok && s.pool_after) {
        ok = CudaOk(cuda::MaxPool(l.act.get(), batch * s.out_channels, s.out_side, s.out_side,
                                  l.pooled.get(), l.argmax.get(), stream_),
                    "max-pool kernel", error);
      }
      if (!ok) return false;
    }
    last_batch_ = batch;
    return true;
  }

  // Gradients of conv i from its act_grad (the gradient at its output, after the
  // activation); writes its weight and bias gradients and the previous layer's act_grad.
  bool Backward(int i, int batch, std::string* error) {
    Layer& l = layers_[static_cast<size_t>(i)];
    const ConvSpec& s = l.spec;
    const ParamLayout& layout = SeedParamLayout();
    float* weight_grad = grads_.get() + layout.weight_offset[i];
    float* bias_grad = grads_.get() + layout.bias_offset[i];
    const int out_plane = s.out_side * s.out_side;
    void* ws = workspace_.get();
    const size_t ws_bytes = workspace_.size();
    if (s.relu &&
        !CudaOk(cuda::ReluBackward(l.act.get(), l.act_grad.get(),
                                   static_cast<int64_t>(batch) * l.ActPerImage(), stream_),
                "ReLU backward kernel", error)) {
      return false;
    }
    if (!CudaOk(cuda::BiasGradient(l.act_grad.get(), batch, s.out_channels, out_plane, bias_grad,
                                   stream_),
                "bias gradient kernel", error)) {
      return false;
    }
    const bool first = i == 0;
    if (l.polyphase) {
      if (!CudaOk(cuda::DeinterleaveParities(l.act_grad.get(), batch, s.out_channels, l.small_side,
                                             l.conv_out_grad.get(), stream_),
                  "deinterleave kernel", error) ||
          !l.conv.BackwardFilter(cudnn_, batch, Input(i), l.conv_out_grad.get(),
                                 l.kernel_grads.get(), ws, ws_bytes, error) ||
          !CudaOk(cuda::FoldPolyphaseGradients(l.kernel_grads.get(), s.out_channels, s.in_channels,
                                               taps_, weight_grad, stream_),
                  "polyphase fold kernel", error) ||
          (!first && !l.conv.BackwardData(cudnn_, batch, l.kernels.get(), l.conv_out_grad.get(),
                                          InputGrad(i), ws, ws_bytes, error))) {
        return false;
      }
    } else {
      const float* x = l.upsample ? l.upsampled.get() : Input(i);
      float* x_grad = first ? nullptr : (l.upsample ? l.upsampled_grad.get() : InputGrad(i));
      if (!l.conv.BackwardFilter(cudnn_, batch, x, l.act_grad.get(), weight_grad, ws, ws_bytes,
                                 error) ||
          (!first && !l.conv.BackwardData(cudnn_, batch, Weights(i), l.act_grad.get(), x_grad, ws,
                                          ws_bytes, error))) {
        return false;
      }
      if (!first && l.upsample &&
          !CudaOk(cuda::UpsampleBackward(l.upsampled_grad.get(), batch * s.in_channels,
                                         l.small_side, l.small_side, InputGrad(i), stream_),
                  "upsample backward kernel", error)) {
        return false;
      }
    }
    if (first) return true;
    Layer& prev = layers_[static_cast<size_t>(i - 1)];
    if (!prev.spec.pool_after) return true;
    return CudaOk(cuda::MaxPoolBackward(prev.pooled_grad.get(), prev.argmax.get(),
                                        batch * prev.spec.out_channels, prev.spec.out_side,
                                        prev.spec.out_side, prev.act_grad.get(), stream_),
                  "max-pool backward kernel", error);
  }

  cudaStream_t stream_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  std::string device_;
  const cuda::PolyphaseTaps taps_ = MakePolyphaseTaps();
  std::array<Layer, kNumConvs> layers_;
  DeviceBuffer<float> params_, grads_, m_, v_;
  DeviceBuffer<float> noisy_, clean_;
  DeviceBuffer<double> per_image_, loss_sum_;
  DeviceBuffer<unsigned long long> counter_;
  DeviceBuffer<unsigned char> workspace_;
  int capacity_ = 0;
  int last_batch_ = 0;
  int64_t adam_step_ = 0;
  bool has_gradients_ = false;
};

}  // namespace

bool CudaBackendUsable(std::string* why) { return cuda::CudaUsable(why); }

std::unique_ptr<TrainBackend> CreateCudaBackend(const BackendOptions& options,
                                                const CudaBackendOptions& cuda_options,
                                                std::string* error) {
  if (options.precision != "f32") {
    *error = "--precision " + options.precision +
             " on the GPU: not built yet (the cuda backend trains in f32)";
    return nullptr;
  }
  std::string why;
  if (!cuda::CudaUsable(&why)) {
    *error = "no usable GPU: " + why;
    return nullptr;
  }
  auto backend = std::make_unique<CudaBackend>();
  if (!backend->Init(options, cuda_options, error)) return nullptr;
  return backend;
}

}  // namespace dnz::train
