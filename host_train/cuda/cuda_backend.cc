#include "cuda/cuda_backend.h"

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <type_traits>
#include <vector>

#include "cuda/cuda_status.h"
#include "cuda/cudnn_conv.h"
#include "cuda/device_buffer.h"
#include "cuda/kernels.h"
#include "cuda/polyphase_taps.h"
#include "cuda/stage_events.h"
#include "cuda/step_graph.h"
#include "network/seed_network.h"

namespace dnz::train {
namespace {

using cuda::CudaOk;
using cuda::CudnnOk;
using cuda::DeviceBuffer;

// One conv of the seed network and the tensors around it, for up to `capacity` images;
// activations and their gradients are of the storage type T (float, __half, __nv_bfloat16).
template <typename T>
struct Layer {
  SeedConv spec;
  bool polyphase = false;  // upsample + 3x3 as one 2x2 conv with 4x the output channels
  bool upsample = false;   // plain path: nearest upsample, then the conv
  int small_side = 0;      // side of the layer's input as the previous layer leaves it
  cuda::CudnnConv conv;
  DeviceBuffer<T> kernels, kernel_grads;      // polyphase: [4C][in_c][2][2]
  DeviceBuffer<T> conv_out, conv_out_grad;    // polyphase: [n][4C][s+1][s+1]
  DeviceBuffer<T> upsampled, upsampled_grad;  // plain upsample: [n][in_c][2s][2s]
  DeviceBuffer<T> act, act_grad;              // [n][C][out][out] after bias + activation
  DeviceBuffer<T> pooled, pooled_grad;        // [n][C][ceil(out/2)]^2
  DeviceBuffer<uint8_t> argmax;

  int64_t ActPerImage() const {
    return static_cast<int64_t>(spec.out_channels) * spec.out_side * spec.out_side;
  }
  int64_t PooledPerImage() const {
    const int side = PooledSide(spec.out_side);
    return static_cast<int64_t>(spec.out_channels) * side * side;
  }
};

template <typename T>
constexpr cuda::Precision kPrecision = cuda::Precision::kF32;
template <>
constexpr cuda::Precision kPrecision<__half> = cuda::Precision::kF16;
template <>
constexpr cuda::Precision kPrecision<__nv_bfloat16> = cuda::Precision::kBF16;

// The network for storage type T. Parameters, gradients, Adam's moments, biases and the
// loss are float in every precision; in f16 and bf16 the conv weights are rounded into a
// T copy each step, and the conv weight gradients come back through a T buffer (f16: with
// the loss scale divided out, cuda::LossScaleState).
template <typename T>
class CudaBackend final : public TrainBackend {
 public:
  static constexpr bool kFloat = std::is_same<T, float>::value;
  static constexpr bool kLossScaling = std::is_same<T, __half>::value;

  ~CudaBackend() override {
    graphs_.Clear();  // before the stream and the buffers they were captured on
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
    graphs_.set_enabled(cuda_options.step_graph);
    const ParamLayout& layout = SeedParamLayout();
    for (int i = 0; i < kNumConvs; ++i) {
      Layer<T>& layer = layers_[static_cast<size_t>(i)];
      layer.spec = kSeedConvs[static_cast<size_t>(i)];
      const SeedConv& s = layer.spec;
      layer.polyphase = s.upsample_before && cuda_options.polyphase_upsample;
      layer.upsample = s.upsample_before && !layer.polyphase;
      layer.small_side = s.upsample_before ? s.in_side / 2 : s.in_side;
      cuda::ConvShape shape{s.in_channels, s.in_side, s.out_channels, s.kernel, Padding(s)};
      if (layer.polyphase) shape = {s.in_channels, layer.small_side, 4 * s.out_channels, 2, 1};
      if (!layer.conv.Init(shape, kPrecision<T>, error)) return false;
      if (layer.polyphase &&
          (!layer.kernels.Reserve(static_cast<size_t>(16) * s.out_channels * s.in_channels,
                                  error) ||
           !layer.kernel_grads.Reserve(layer.kernels.size(), error))) {
        return false;
      }
    }
    const size_t total = layout.total;
    // The weights cuDNN reads and the gradients it writes, one copy at aligned offsets
    // (flat offsets are only 4-byte aligned, 2-byte in 16 bits: layer 14 starts at 333,313).
    // Polyphase layers have their own kernels and are left out.
    static_assert(kNumConvs <= cuda::WeightSegments::kMax, "one segment per conv");
    int64_t end = 0;
    for (int i = 0; i < kNumConvs; ++i) {
      if (layers_[static_cast<size_t>(i)].polyphase) continue;
      const int64_t at = (end + kAlignElements - 1) / kAlignElements * kAlignElements;
      conv_offset_[static_cast<size_t>(i)] = at;
      end = at + static_cast<int64_t>(layout.weight_count[i]);
      const int k = weight_segments_.count++;
      weight_segments_.from[k] = static_cast<int64_t>(layout.weight_offset[i]);
      weight_segments_.to[k] = at;
      weight_segments_.size[k] = static_cast<int64_t>(layout.weight_count[i]);
      weight_segments_.total += weight_segments_.size[k];
    }
    if (!conv_weights_.Reserve(static_cast<size_t>(end), error) ||
        !conv_weight_grads_.Reserve(static_cast<size_t>(end), error)) {
      return false;
    }
    if (kLossScaling) {
      const cuda::LossScaleState start{65536.0f, 0, 0, 0.0f, 0};
      if (!loss_scale_.Reserve(1, error) ||
          !CudaOk(cudaMemcpyAsync(loss_scale_.get(), &start, sizeof start, cudaMemcpyHostToDevice,
                                  stream_),
                  "copy the loss scale", error)) {
        return false;
      }
    }
    return params_.Reserve(total, error) && grads_.Reserve(total, error) &&
           m_.Reserve(total, error) && v_.Reserve(total, error) &&
           CudaOk(cudaMemsetAsync(grads_.get(), 0, total * sizeof(float), stream_), "cudaMemset",
                  error) &&
           // Adam's moments start at zero (AdamState{}); cudaMalloc does not clear memory.
           CudaOk(cudaMemsetAsync(m_.get(), 0, total * sizeof(float), stream_), "cudaMemset",
                  error) &&
           CudaOk(cudaMemsetAsync(v_.get(), 0, total * sizeof(float), stream_), "cudaMemset",
                  error) &&
           counter_.Reserve(1, error) && loss_sum_.Reserve(1, error) &&
           running_loss_.Reserve(1, error) &&
           CudaOk(cudaMemsetAsync(running_loss_.get(), 0, sizeof(double), stream_), "cudaMemset",
                  error) &&
           Prepare(options.train_batch, error);
  }

  std::string Name() const override {
    return kFloat ? "cudnn-f32" : kLossScaling ? "cudnn-f16" : "cudnn-bf16";
  }
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
    if (!kLossScaling) return true;
    // f16 counts its steps on the device, where overflowing steps are skipped.
    const long long step = state.step;
    return CudaOk(cudaMemcpyAsync(&loss_scale_.get()->step, &step, sizeof step,
                                  cudaMemcpyHostToDevice, stream_),
                  "copy Adam's step", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "copy Adam's step", error);
  }
  bool GetAdamState(AdamState* state, std::string* error) override {
    state->step = adam_step_;
    if (kLossScaling) {
      long long step = 0;
      if (!CudaOk(cudaMemcpyAsync(&step, &loss_scale_.get()->step, sizeof step,
                                  cudaMemcpyDeviceToHost, stream_),
                  "copy Adam's step", error) ||
          !CudaOk(cudaStreamSynchronize(stream_), "copy Adam's step", error)) {
        return false;
      }
      state->step = step;
    }
    return CopyOut(m_.get(), &state->m, error) && CopyOut(v_.get(), &state->v, error);
  }

  bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                        std::string* error) override {
    if (!Prepare(batch, error) || !StartStep(error) || !Upload(clean, batch, clean_.get(), error) ||
        !UploadNoisy(noisy, batch, error) || !ForwardPass(batch, error) ||
        !BackwardPass(batch, nullptr, error)) {
      return false;
    }
    double sum = 0.0;
    if (!CudaOk(cudaMemcpyAsync(&sum, loss_sum_.get(), sizeof sum, cudaMemcpyDeviceToHost, stream_),
                "copy the loss", error) ||
        !CudaOk(cudaStreamSynchronize(stream_), "training step", error)) {
      return false;
    }
    *loss = sum / (static_cast<double>(batch) * kImagePixels);
    return true;
  }

  bool SupportsDeviceData() const override { return true; }

  bool UploadTrainingSet(const float* images, int count, std::string* error) override {
    const size_t values = static_cast<size_t>(count) * kImagePixels;
    set_count_ = 0;
    if (!train_set_.Reserve(values, error) || !order_.Reserve(static_cast<size_t>(count), error) ||
        !CudaOk(cudaMemcpyAsync(train_set_.get(), images, values * sizeof(float),
                                cudaMemcpyHostToDevice, stream_),
                "copy the training set to the GPU", error) ||
        !CudaOk(cudaStreamSynchronize(stream_), "copy the training set to the GPU", error)) {
      return false;
    }
    set_count_ = count;
    return true;
  }

  bool SetEpochOrder(const std::vector<int>& order, std::string* error) override {
    if (static_cast<int>(order.size()) != set_count_) {
      *error = "internal: the epoch order does not match the uploaded training set";
      return false;
    }
    for (int image : order) {
      if (image < 0 || image >= set_count_) {
        *error = "internal: the epoch order names an image outside the training set";
        return false;
      }
    }
    // Synchronous: `order` may change after the call, and this is once per epoch.
    return CudaOk(cudaMemcpyAsync(order_.get(), order.data(), order.size() * sizeof(int),
                                  cudaMemcpyHostToDevice, stream_),
                  "copy the epoch order to the GPU", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "copy the epoch order to the GPU", error);
  }

  bool ComputeGradientsOnDevice(int first, int batch, double noise, uint64_t noise_seed,
                                uint64_t noise_epoch, std::string* error) override {
    if (first < 0 || batch <= 0 || first + batch > set_count_) {
      *error = "internal: batch outside the uploaded training set";
      return false;
    }
    // One Philox key per (run, epoch); the image index picks the stream within it.
    const unsigned long long seed = noise_seed ^ (noise_epoch * 0x9E3779B97F4A7C15ULL);
    // The batch changes every step, so its kernel runs outside the step's graph; the
    // forward and backward passes read and write the same buffers every step. Timed stages
    // run directly: a graph would be one stage.
    const auto passes = [this, batch](std::string* e) {
      return ForwardPass(batch, e) && BackwardPass(batch, running_loss_.get(), e);
    };
    const bool ok = Prepare(batch, error) && StartStep(error) &&
                    CudaOk(cuda::NoisyBatch(train_set_.get(), order_.get(), first, batch,
                                            kImagePixels, static_cast<float>(noise), seed,
                                            noisy_.get(), clean_.get(), stream_),
                           "noise kernel", error) &&
                    (stage_timing_ ? passes(error) : graphs_.Run(batch, stream_, passes, error));
    if (!graphs_.disabled_reason().empty() && !graph_failure_reported_) {
      std::fprintf(stderr, "host_train: %s\n", graphs_.disabled_reason().c_str());
      graph_failure_reported_ = true;
    }
    if (!ok) return false;
    last_batch_ = batch;  // a replayed graph does not run ForwardPass's host code
    has_gradients_ = true;
    return true;
  }

  std::string StepLaunchMode() const override {
    if (!graphs_.disabled_reason().empty()) return "direct (" + graphs_.disabled_reason() + ")";
    return graphs_.enabled() && graphs_.replays() > 0 ? "graph" : "direct";
  }

  bool TakeLossSum(double* sum, std::string* error) override {
    return CudaOk(cudaMemcpyAsync(sum, running_loss_.get(), sizeof *sum, cudaMemcpyDeviceToHost,
                                  stream_),
                  "copy the loss", error) &&
           CudaOk(cudaMemsetAsync(running_loss_.get(), 0, sizeof(double), stream_),
                  "reset the loss", error) &&
           CudaOk(cudaStreamSynchronize(stream_), "training steps", error);
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
    step_timed_ = stage_timing_;
    return StartStages(error) && AdamUpdate(config, error) && MarkStage(kAdamStage, error);
  }

  bool SetStageTiming(bool on, std::string* error) override {
    StageTimes discarded;
    if (!stage_events_.Take(&discarded, error)) return false;
    stage_timing_ = on;
    return true;
  }
  bool TakeStageTimes(StageTimes* times, std::string* error) override {
    return stage_events_.Take(times, error);
  }

  bool Forward(const float* noisy, int batch, float* logits, std::string* error) override {
    const int64_t count = static_cast<int64_t>(batch) * kImagePixels;
    step_timed_ = false;  // validation and export: not a training step's stages
    if (!Prepare(batch, error) || !UploadNoisy(noisy, batch, error) || !ForwardPass(batch, error)) {
      return false;
    }
    const float* source = reinterpret_cast<const float*>(layers_.back().act.get());
    if (!kFloat) {
      if (!CudaOk(cuda::ConvertToFloat(layers_.back().act.get(), count, nullptr, staging_.get(),
                                       stream_),
                  "convert the logits", error)) {
        return false;
      }
      source = staging_.get();
    }
    return CudaOk(cudaMemcpyAsync(logits, source, sizeof(float) * static_cast<size_t>(count),
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
  bool AdamUpdate(const AdamConfig& config, std::string* error) {
    const int64_t total = static_cast<int64_t>(SeedParamLayout().total);
    if (kLossScaling) {
      constexpr int kGrowthInterval = 2000;  // good steps before the scale doubles
      return CudaOk(
                 cuda::UpdateLossScale(grads_.get(), total, config.learning_rate, config.beta1,
                                       config.beta2, kGrowthInterval, loss_scale_.get(), stream_),
                 "loss-scale kernel", error) &&
             CudaOk(
                 cuda::AdamScaled(loss_scale_.get(), config.beta1, config.beta2, config.epsilon,
                                  total, params_.get(), grads_.get(), m_.get(), v_.get(), stream_),
                 "Adam kernel", error);
    }
    return CudaOk(
        cuda::Adam(AdamStepSize(config, adam_step_), config.beta1, config.beta2, config.epsilon,
                   total, params_.get(), grads_.get(), m_.get(), v_.get(), stream_),
        "Adam kernel", error);
  }

  // Stage timing (SetStageTiming) of training steps: a step opens with StartStep, its Adam
  // update sets step_timed_ and opens with StartStages. No-ops for untimed work (timing off,
  // or a forward-only pass).
  bool StartStep(std::string* error) {
    step_timed_ = stage_timing_;
    if (step_timed_) stage_events_.CountStep();
    return StartStages(error);
  }
  bool StartStages(std::string* error) {
    return !step_timed_ || stage_events_.Start(stream_, error);
  }
  bool MarkStage(int stage, std::string* error) {
    return !step_timed_ || stage_events_.Mark(stage, stream_, error);
  }

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
  // Host images into noisy_, through the float staging buffer when T is not float.
  bool UploadNoisy(const float* images, int batch, std::string* error) {
    if constexpr (kFloat) {
      return Upload(images, batch, noisy_.get(), error);
    } else {
      return Upload(images, batch, staging_.get(), error) &&
             CudaOk(
                 cuda::ConvertFromFloat(staging_.get(), static_cast<int64_t>(batch) * kImagePixels,
                                        noisy_.get(), stream_),
                 "convert a batch", error);
    }
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
    for (Layer<T>& layer : layers_) {
      size_t bytes = 0;
      if (!layer.conv.Prepare(cudnn_, batch, &bytes, error)) return false;
      workspace = std::max(workspace, bytes);
    }
    const size_t workspace_before = workspace_.size();
    if (!workspace_.Reserve(std::max<size_t>(workspace, 1), error)) return false;
    // Captured steps name the buffers they were captured with: growing one voids them.
    if (workspace_.size() != workspace_before) graphs_.Clear();
    if (batch <= capacity_) return true;
    graphs_.Clear();
    const size_t n = static_cast<size_t>(batch);
    const size_t image = kImagePixels;
    if (!noisy_.Reserve(n * image, error) || !clean_.Reserve(n * image, error) ||
        !staging_.Reserve(n * image, error) || !per_image_.Reserve(n, error)) {
      return false;
    }
    for (Layer<T>& l : layers_) {
      const SeedConv& s = l.spec;
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
  const T* Input(int i) const {
    if (i == 0) return noisy_.get();
    const Layer<T>& prev = layers_[static_cast<size_t>(i - 1)];
    return prev.spec.pool_after ? prev.pooled.get() : prev.act.get();
  }
  T* InputGrad(int i) {
    Layer<T>& prev = layers_[static_cast<size_t>(i - 1)];
    return prev.spec.pool_after ? prev.pooled_grad.get() : prev.act_grad.get();
  }
  // The conv weights as cuDNN reads them: their aligned copy in T (not for polyphase layers).
  T* Weights(int i) const { return conv_weights_.get() + conv_offset_[static_cast<size_t>(i)]; }
  float* MasterWeights(int i) const { return params_.get() + SeedParamLayout().weight_offset[i]; }
  float* Bias(int i) const { return params_.get() + SeedParamLayout().bias_offset[i]; }

  // The forward pass on noisy_ (its first `batch` images); logits end in the last act.
  bool ForwardPass(int batch, std::string* error) {
    if (!CudaOk(cuda::GatherWeights(params_.get(), weight_segments_, conv_weights_.get(), stream_),
                "copy the conv weights", error) ||
        !MarkStage(kSetupStage, error)) {
      return false;
    }
    void* ws = workspace_.get();
    const size_t ws_bytes = workspace_.size();
    for (int i = 0; i < kNumConvs; ++i) {
      Layer<T>& l = layers_[static_cast<size_t>(i)];
      const SeedConv& s = l.spec;
      const int out_plane = s.out_side * s.out_side;
      bool ok = true;
      if (l.polyphase) {
        ok = CudaOk(cuda::PolyphaseKernels(MasterWeights(i), s.out_channels, s.in_channels, taps_,
                                           l.kernels.get(), stream_),
                    "polyphase kernels", error) &&
             l.conv.Forward(cudnn_, batch, Input(i), l.kernels.get(), l.conv_out.get(), ws,
                            ws_bytes, error) &&
             CudaOk(cuda::InterleaveParities(l.conv_out.get(), Bias(i), batch, s.out_channels,
                                             l.small_side, HasRelu(s), l.act.get(), stream_),
                    "interleave kernel", error);
      } else {
        const T* x = Input(i);
        if (l.upsample) {
          ok = CudaOk(cuda::Upsample(x, batch * s.in_channels, l.small_side, l.small_side,
                                     l.upsampled.get(), stream_),
                      "upsample kernel", error);
          x = l.upsampled.get();
        }
        ok = ok && l.conv.Forward(cudnn_, batch, x, Weights(i), l.act.get(), ws, ws_bytes, error) &&
             CudaOk(cuda::BiasActivate(l.act.get(), Bias(i), batch, s.out_channels, out_plane,
                                       HasRelu(s), stream_),
                    "bias kernel", error);
      }
      if (ok && s.pool_after) {
        ok = CudaOk(cuda::MaxPool(l.act.get(), batch * s.out_channels, s.out_side, s.out_side,
                                  l.pooled.get(), l.argmax.get(), stream_),
                    "max-pool kernel", error);
      }
      if (!ok || !MarkStage(ForwardStage(i), error)) return false;
    }
    last_batch_ = batch;
    return true;
  }

  // The loss against clean_ and every gradient, after ForwardPass; the loss times `batch`
  // is added to `running_sum` when it is not null.
  bool BackwardPass(int batch, double* running_sum, std::string* error) {
    Layer<T>& last = layers_.back();
    if (!CudaOk(cuda::SigmoidBce(last.act.get(), clean_.get(), batch, kImagePixels, LossScale(),
                                 last.act_grad.get(), per_image_.get(), loss_sum_.get(),
                                 running_sum, stream_),
                "sigmoid-BCE kernel", error) ||
        !MarkStage(kLossStage, error)) {
      return false;
    }
    for (int i = kNumConvs - 1; i >= 0; --i) {
      if (!Backward(i, batch, error) || !MarkStage(BackwardStage(i), error)) return false;
    }
    has_gradients_ = true;
    return true;
  }

  // Gradients of conv i from its act_grad (the gradient at its output, after the
  // activation); writes its weight and bias gradients and the previous layer's act_grad.
  bool Backward(int i, int batch, std::string* error) {
    Layer<T>& l = layers_[static_cast<size_t>(i)];
    const SeedConv& s = l.spec;
    const ParamLayout& layout = SeedParamLayout();
    float* weight_grad = grads_.get() + layout.weight_offset[i];
    float* bias_grad = grads_.get() + layout.bias_offset[i];
    const int out_plane = s.out_side * s.out_side;
    void* ws = workspace_.get();
    const size_t ws_bytes = workspace_.size();
    if (HasRelu(s) &&
        !CudaOk(cuda::ReluBackward(l.act.get(), l.act_grad.get(),
                                   static_cast<int64_t>(batch) * l.ActPerImage(), stream_),
                "ReLU backward kernel", error)) {
      return false;
    }
    if (!CudaOk(cuda::BiasGradient(l.act_grad.get(), batch, s.out_channels, out_plane, LossScale(),
                                   bias_grad, stream_),
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
                                               taps_, LossScale(), weight_grad, stream_),
                  "polyphase fold kernel", error) ||
          (!first && !l.conv.BackwardData(cudnn_, batch, l.kernels.get(), l.conv_out_grad.get(),
                                          InputGrad(i), ws, ws_bytes, error))) {
        return false;
      }
    } else {
      const T* x = l.upsample ? l.upsampled.get() : Input(i);
      T* x_grad = first ? nullptr : (l.upsample ? l.upsampled_grad.get() : InputGrad(i));
      // The conv writes its weight gradient in T into the aligned copy; from there into the
      // float gradients, with the loss scale divided out.
      T* conv_weight_grad = conv_weight_grads_.get() + conv_offset_[static_cast<size_t>(i)];
      if (!l.conv.BackwardFilter(cudnn_, batch, x, l.act_grad.get(), conv_weight_grad, ws, ws_bytes,
                                 error) ||
          !CudaOk(
              cuda::ConvertToFloat(conv_weight_grad, static_cast<int64_t>(layout.weight_count[i]),
                                   LossScale(), weight_grad, stream_),
              "convert the weight gradients", error) ||
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
    Layer<T>& prev = layers_[static_cast<size_t>(i - 1)];
    if (!prev.spec.pool_after) return true;
    return CudaOk(cuda::MaxPoolBackward(prev.pooled_grad.get(), prev.argmax.get(),
                                        batch * prev.spec.out_channels, prev.spec.out_side,
                                        prev.spec.out_side, prev.act_grad.get(), stream_),
                  "max-pool backward kernel", error);
  }

  const cuda::LossScaleState* LossScale() const {
    return kLossScaling ? loss_scale_.get() : nullptr;
  }

  cudaStream_t stream_ = nullptr;
  cudnnHandle_t cudnn_ = nullptr;
  std::string device_;
  const cuda::PolyphaseTaps taps_ = cuda::MakePolyphaseTaps();
  std::array<Layer<T>, kNumConvs> layers_;
  DeviceBuffer<float> params_, grads_, m_, v_;
  // cuDNN's weights and weight gradients, each conv at an offset aligned to kAlignElements.
  static constexpr int64_t kAlignElements = 64;
  DeviceBuffer<T> conv_weights_, conv_weight_grads_;
  std::array<int64_t, kNumConvs> conv_offset_{};
  cuda::WeightSegments weight_segments_;           // params_ -> conv_weights_
  DeviceBuffer<cuda::LossScaleState> loss_scale_;  // f16 only
  DeviceBuffer<T> noisy_;
  DeviceBuffer<float> clean_, staging_;
  DeviceBuffer<double> per_image_, loss_sum_, running_loss_;
  DeviceBuffer<float> train_set_;  // the clean training set, [count][28][28]
  DeviceBuffer<int> order_;        // this epoch's order of it
  int set_count_ = 0;
  DeviceBuffer<unsigned long long> counter_;
  DeviceBuffer<unsigned char> workspace_;
  int capacity_ = 0;
  int last_batch_ = 0;
  int64_t adam_step_ = 0;
  bool has_gradients_ = false;
  bool stage_timing_ = false;  // SetStageTiming
  bool step_timed_ = false;    // the work being enqueued is a timed training step's
  cuda::StageEvents stage_events_;
  cuda::StepGraphs graphs_;  // declared last: destroyed first
  bool graph_failure_reported_ = false;
};

}  // namespace

bool CudaBackendUsable(std::string* why) { return cuda::CudaUsable(why); }

std::unique_ptr<TrainBackend> CreateCudaBackend(const BackendOptions& options,
                                                const CudaBackendOptions& cuda_options,
                                                std::string* error) {
  std::string why;
  if (!cuda::CudaUsable(&why)) {
    *error = "no usable GPU: " + why;
    return nullptr;
  }
  int device = 0, major = 0;
  if (!CudaOk(cudaGetDevice(&device), "cudaGetDevice", error) ||
      !CudaOk(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device),
              "cudaDeviceGetAttribute", error)) {
    return nullptr;
  }
  // auto: bf16 where the tensor cores have it (Ampere, compute capability 8.0, and later),
  // else f16 (the T4: 7.5).
  std::string precision = options.precision;
  if (precision == "auto") precision = major >= 8 ? "bf16" : "f16";
  if (precision == "bf16" && major < 8) {
    *error = "--precision bf16 needs a GPU of compute capability 8.0 or later (this one: " +
             std::to_string(major) + ".x); use f16 or auto";
    return nullptr;
  }
  std::unique_ptr<TrainBackend> backend;
  bool ok = false;
  if (precision == "f32") {
    auto b = std::make_unique<CudaBackend<float>>();
    ok = b->Init(options, cuda_options, error);
    backend = std::move(b);
  } else if (precision == "f16") {
    auto b = std::make_unique<CudaBackend<__half>>();
    ok = b->Init(options, cuda_options, error);
    backend = std::move(b);
  } else if (precision == "bf16") {
    auto b = std::make_unique<CudaBackend<__nv_bfloat16>>();
    ok = b->Init(options, cuda_options, error);
    backend = std::move(b);
  } else {
    *error = "--precision " + precision + ": use f32, f16, bf16 or auto";
  }
  if (!ok) return nullptr;
  return backend;
}

}  // namespace dnz::train
