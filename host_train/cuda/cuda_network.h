// The seed network on the GPU for one storage type T (float, __half, __nv_bfloat16): its
// layers and every buffer they use, the stream and cuDNN handle, and the passes over them.
// The backend glue (cuda_backend.cc) owns one and answers TrainBackend with it; the passes
// are split by purpose: buffers and copies (cuda_network.cc), forward and backward
// (cuda_forward_backward.cc), Adam and the loss scale (cuda_adam.cc).
//
// Parameters, gradients, Adam's moments, biases and the loss are float in every precision,
// resident in the flat OIHW layout of SeedParamLayout(); in f16 and bf16 the conv weights are
// rounded into a T copy each step, and the conv weight gradients come back through a T buffer
// (f16: with the loss scale divided out, cuda::LossScaleState).
#ifndef DNZ_HOST_TRAIN_CUDA_CUDA_NETWORK_H_
#define DNZ_HOST_TRAIN_CUDA_CUDA_NETWORK_H_

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "cuda/cudnn_conv.h"
#include "cuda/device_buffer.h"
#include "cuda/kernels.h"
#include "cuda/polyphase_taps.h"
#include "cuda/stage_events.h"
#include "cuda/step_graph.h"
#include "network/backend.h"
#include "network/seed_network.h"
#include "optimize/adam.h"

namespace dnz::train::cuda {

// The storage types a network is built for: each .cc that defines members of CudaNetwork
// instantiates them for these.
#define DNZ_CUDA_STORAGE_TYPES(X) X(float) X(__half) X(__nv_bfloat16)

// One conv of the seed network and the tensors around it, for up to `capacity` images;
// activations and their gradients are of the storage type T.
template <typename T>
struct Layer {
  SeedConv spec;
  bool polyphase = false;  // upsample + 3x3 as one 2x2 conv with 4x the output channels
  bool upsample = false;   // plain path: nearest upsample, then the conv
  int small_side = 0;      // side of the layer's input as the previous layer leaves it
  CudnnConv conv;
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
constexpr Precision kPrecision = Precision::kF32;
template <>
constexpr Precision kPrecision<__half> = Precision::kF16;
template <>
constexpr Precision kPrecision<__nv_bfloat16> = Precision::kBF16;

template <typename T>
struct CudaNetwork {
  static constexpr bool kFloat = std::is_same<T, float>::value;
  static constexpr bool kLossScaling = std::is_same<T, __half>::value;

  CudaNetwork() = default;
  CudaNetwork(const CudaNetwork&) = delete;
  CudaNetwork& operator=(const CudaNetwork&) = delete;
  ~CudaNetwork();

  // ---- cuda_network.cc: handles, buffers, copies ----
  // `polyphase_upsample` false runs the plain nearest upsample and 3x3 conv instead of four
  // 2x2 convs (the path the polyphase one is tested against); `step_graph` false launches
  // every kernel directly instead of replaying steps as CUDA graphs.
  bool Init(bool polyphase_upsample, bool step_graph, int train_batch, std::string* error);
  // Algorithms and buffers for `batch` images: made once per batch size, kept after.
  bool Prepare(int batch, std::string* error);
  // Host <-> device copies of a whole flat parameter vector (synchronous).
  bool CopyIn(const std::vector<float>& host, float* device, std::string* error);
  bool CopyOut(const float* device, std::vector<float>* host, std::string* error);
  // Host images into noisy_ (through the float staging buffer when T is not float), or
  // into a float buffer.
  bool UploadNoisy(const float* images, int batch, std::string* error);
  bool Upload(const float* images, int batch, float* device, std::string* error);

  // ---- cuda_forward_backward.cc ----
  // The forward pass on noisy_ (its first `batch` images); logits end in the last act.
  bool ForwardPass(int batch, std::string* error);
  // The loss against clean_ and every gradient, after ForwardPass; the loss times `batch`
  // is added to `running_sum` when it is not null.
  bool BackwardPass(int batch, double* running_sum, std::string* error);

  // ---- cuda_adam.cc ----
  // One Adam update of params_ with grads_ (f16: and the loss scale's update, on the GPU).
  bool AdamUpdate(const AdamConfig& config, int64_t adam_step, std::string* error);

  // Stage timing (TrainBackend::StageTiming) of training steps: a step opens with StartStep,
  // its Adam update sets step_timed and opens with StartStages. No-ops for untimed work
  // (timing off, or a forward-only pass).
  bool StartStep(std::string* error) {
    step_timed = stage_timing;
    if (step_timed) stage_events.CountStep();
    return StartStages(error);
  }
  bool StartStages(std::string* error) { return !step_timed || stage_events.Start(stream, error); }
  bool MarkStage(int stage, std::string* error) {
    return !step_timed || stage_events.Mark(stage, stream, error);
  }

  // The input of conv i as the previous layer leaves it (pooled, or small before an upsample).
  const T* Input(int i) const {
    if (i == 0) return noisy.get();
    const Layer<T>& prev = layers[static_cast<size_t>(i - 1)];
    return prev.spec.fused_maxpool_output ? prev.pooled.get() : prev.act.get();
  }
  T* InputGrad(int i) {
    Layer<T>& prev = layers[static_cast<size_t>(i - 1)];
    return prev.spec.fused_maxpool_output ? prev.pooled_grad.get() : prev.act_grad.get();
  }
  // The conv weights as cuDNN reads them: their aligned copy in T (not for polyphase layers).
  T* Weights(int i) const { return conv_weights.get() + conv_offset[static_cast<size_t>(i)]; }
  float* MasterWeights(int i) const { return params.get() + SeedParamLayout().weight_offset[i]; }
  float* Bias(int i) const { return params.get() + SeedParamLayout().bias_offset[i]; }
  const LossScaleState* LossScale() const { return kLossScaling ? loss_scale.get() : nullptr; }

  cudaStream_t stream = nullptr;
  cudnnHandle_t cudnn = nullptr;
  std::string device_name;  // DescribeDevice(), read once
  const PolyphaseTaps taps = MakePolyphaseTaps();
  std::array<Layer<T>, kNumConvs> layers;
  DeviceBuffer<float> params, grads, m, v;
  // cuDNN's weights and weight gradients, each conv at an offset aligned to kAlignElements.
  static constexpr int64_t kAlignElements = 64;
  DeviceBuffer<T> conv_weights, conv_weight_grads;
  std::array<int64_t, kNumConvs> conv_offset{};
  WeightSegments weight_segments;           // params -> conv_weights
  DeviceBuffer<LossScaleState> loss_scale;  // f16 only
  DeviceBuffer<T> noisy;
  DeviceBuffer<float> clean, staging;
  DeviceBuffer<double> per_image, loss_sum, running_loss;
  DeviceBuffer<unsigned long long> counter;
  DeviceBuffer<unsigned char> workspace;
  int capacity = 0;
  int last_batch = 0;         // of the last forward pass (BottleneckPositiveFraction)
  bool stage_timing = false;  // TrainBackend::StageTiming
  ActivationQuant quant;      // TrainBackend::SetActivationQuant (captured into step graphs)
  bool step_timed = false;    // the work being enqueued is a timed training step's
  StageEvents stage_events;
  StepGraphs graphs;  // declared last: destroyed first

 private:
  // Gradients of conv i from its act_grad (the gradient at its output, after the
  // activation); writes its weight and bias gradients and the previous layer's act_grad.
  bool BackwardConv(int i, int batch, std::string* error);
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_CUDA_NETWORK_H_
