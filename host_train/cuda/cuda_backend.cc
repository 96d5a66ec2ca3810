// The GPU backend's glue: TrainBackend on a CudaNetwork (cuda_network.h) for the chosen
// precision. The training set and each epoch's order live on the GPU; a step gathers its
// batch and draws its noise there (cuda/kernels.h, NoisyBatch), is replayed as a CUDA graph
// (step_graph.h) and adds its loss to a sum on the device, so that it waits for nothing.
#include "cuda/cuda_backend.h"

#include <cstdint>
#include <cstdio>
#include <memory>

#include "cuda/cuda_network.h"
#include "cuda/cuda_status.h"

namespace dnz::train {
namespace {

using cuda::CudaNetwork;
using cuda::CudaOk;
using cuda::DeviceBuffer;

// Steps between the trainer's loss reads: each read waits for the GPU.
constexpr int kLossReadSteps = 20;

template <typename T>
class CudaBackend final : public TrainBackend {
 public:
  using Network = CudaNetwork<T>;

  bool Init(const BackendOptions& options, const CudaBackendOptions& cuda_options,
            std::string* error) {
    return net_.Init(cuda_options.polyphase_upsample, cuda_options.step_graph, options.train_batch,
                     error);
  }

  BackendInfo Info() const override {
    BackendInfo info;
    info.name = Network::kFloat ? "cudnn-f32" : Network::kLossScaling ? "cudnn-f16" : "cudnn-bf16";
    info.device = "cuda " + net_.device_name;
    info.loss_read_steps = kLossReadSteps;
    info.data_on_device = true;
    const cuda::StepGraphs& graphs = net_.graphs;
    if (!graphs.disabled_reason().empty()) {
      info.launch_mode = "direct (" + graphs.disabled_reason() + ")";
    } else {
      info.launch_mode = graphs.enabled() && graphs.replays() > 0 ? "graph" : "direct";
    }
    return info;
  }

  bool SetParameters(const std::vector<float>& params, std::string* error) override {
    return net_.CopyIn(params, net_.params.get(), error);
  }
  bool GetParameters(std::vector<float>* params, std::string* error) override {
    return net_.CopyOut(net_.params.get(), params, error);
  }
  bool SetAdamState(const AdamState& state, std::string* error) override {
    if (!net_.CopyIn(state.m, net_.m.get(), error) || !net_.CopyIn(state.v, net_.v.get(), error))
      return false;
    adam_step_ = state.step;
    if (!Network::kLossScaling) return true;
    // f16 counts its steps on the device, where overflowing steps are skipped.
    const long long step = state.step;
    return CudaOk(cudaMemcpyAsync(&net_.loss_scale.get()->step, &step, sizeof step,
                                  cudaMemcpyHostToDevice, net_.stream),
                  "copy Adam's step", error) &&
           CudaOk(cudaStreamSynchronize(net_.stream), "copy Adam's step", error);
  }
  bool GetAdamState(AdamState* state, std::string* error) override {
    state->step = adam_step_;
    if (Network::kLossScaling) {
      long long step = 0;
      if (!CudaOk(cudaMemcpyAsync(&step, &net_.loss_scale.get()->step, sizeof step,
                                  cudaMemcpyDeviceToHost, net_.stream),
                  "copy Adam's step", error) ||
          !CudaOk(cudaStreamSynchronize(net_.stream), "copy Adam's step", error)) {
        return false;
      }
      state->step = step;
    }
    return net_.CopyOut(net_.m.get(), &state->m, error) &&
           net_.CopyOut(net_.v.get(), &state->v, error);
  }

  bool SetTrainingSet(const float* images, int count, std::string* error) override {
    const size_t values = static_cast<size_t>(count) * kImagePixels;
    set_count_ = 0;
    if (!train_set_.Reserve(values, error) || !order_.Reserve(static_cast<size_t>(count), error) ||
        !CudaOk(cudaMemcpyAsync(train_set_.get(), images, values * sizeof(float),
                                cudaMemcpyHostToDevice, net_.stream),
                "copy the training set to the GPU", error) ||
        !CudaOk(cudaStreamSynchronize(net_.stream), "copy the training set to the GPU", error)) {
      return false;
    }
    set_count_ = count;
    return true;
  }

  bool SetEpochOrder(const std::vector<int>& order, std::string* error) override {
    if (!CheckEpochOrder(order, set_count_, error)) return false;
    // Synchronous: `order` may change after the call, and this is once per epoch.
    return CudaOk(cudaMemcpyAsync(order_.get(), order.data(), order.size() * sizeof(int),
                                  cudaMemcpyHostToDevice, net_.stream),
                  "copy the epoch order to the GPU", error) &&
           CudaOk(cudaStreamSynchronize(net_.stream), "copy the epoch order to the GPU", error);
  }

  bool Step(const StepRequest& request, std::string* error) override {
    if (!CheckStepRange(request, set_count_, error)) return false;
    const int batch = request.batch;
    // One Philox key per (run, epoch); the image index picks the stream within it.
    const unsigned long long seed =
        request.noise_seed ^ (request.noise_epoch * 0x9E3779B97F4A7C15ULL);
    // The batch changes every step, so its kernel runs outside the step's graph; the
    // forward and backward passes read and write the same buffers every step. Timed stages
    // run directly: a graph would be one stage.
    const auto passes = [this, batch](std::string* e) {
      return net_.ForwardPass(batch, e) && net_.BackwardPass(batch, net_.running_loss.get(), e);
    };
    const bool ok =
        net_.Prepare(batch, error) && net_.StartStep(error) &&
        CudaOk(cuda::NoisyBatch(train_set_.get(), order_.get(), request.first, batch, kImagePixels,
                                static_cast<float>(request.noise), seed, net_.noisy.get(),
                                net_.clean.get(), net_.stream),
               "noise kernel", error) &&
        (net_.stage_timing ? passes(error) : net_.graphs.Run(batch, net_.stream, passes, error));
    if (!net_.graphs.disabled_reason().empty() && !graph_failure_reported_) {
      std::fprintf(stderr, "host_train: %s\n", net_.graphs.disabled_reason().c_str());
      graph_failure_reported_ = true;
    }
    if (!ok) return false;
    net_.last_batch = batch;  // a replayed graph does not run ForwardPass's host code
    has_gradients_ = true;
    return ApplyAdam(request.adam, error);
  }

  bool TakeLossSum(double* sum, std::string* error) override {
    return CudaOk(cudaMemcpyAsync(sum, net_.running_loss.get(), sizeof *sum, cudaMemcpyDeviceToHost,
                                  net_.stream),
                  "copy the loss", error) &&
           CudaOk(cudaMemsetAsync(net_.running_loss.get(), 0, sizeof(double), net_.stream),
                  "reset the loss", error) &&
           CudaOk(cudaStreamSynchronize(net_.stream), "training steps", error);
  }

  bool Forward(const float* noisy, int batch, float* logits, std::string* error) override {
    const int64_t count = static_cast<int64_t>(batch) * kImagePixels;
    net_.step_timed = false;  // validation and export: not a training step's stages
    if (!net_.Prepare(batch, error) || !net_.UploadNoisy(noisy, batch, error) ||
        !net_.ForwardPass(batch, error)) {
      return false;
    }
    const float* source = reinterpret_cast<const float*>(net_.layers.back().act.get());
    if (!Network::kFloat) {
      if (!CudaOk(cuda::ConvertToFloat(net_.layers.back().act.get(), count, nullptr,
                                       net_.staging.get(), net_.stream),
                  "convert the logits", error)) {
        return false;
      }
      source = net_.staging.get();
    }
    return CudaOk(cudaMemcpyAsync(logits, source, sizeof(float) * static_cast<size_t>(count),
                                  cudaMemcpyDeviceToHost, net_.stream),
                  "copy the logits", error) &&
           CudaOk(cudaStreamSynchronize(net_.stream), "forward pass", error);
  }

  double BottleneckPositiveFraction() override {
    if (net_.last_batch == 0) return 0.0;
    const int64_t count = static_cast<int64_t>(net_.last_batch) * kImagePixels;
    unsigned long long positive = 0;
    if (cuda::CountPositive(net_.layers[kBottleneckConv].act.get(), count, net_.counter.get(),
                            net_.stream) != cudaSuccess ||
        cudaMemcpyAsync(&positive, net_.counter.get(), sizeof positive, cudaMemcpyDeviceToHost,
                        net_.stream) != cudaSuccess ||
        cudaStreamSynchronize(net_.stream) != cudaSuccess) {
      return 0.0;  // read as dead: the trainer re-draws, and the next call reports the error
    }
    return static_cast<double>(positive) / static_cast<double>(count);
  }

  // The grids are kernel arguments: step graphs captured with the old ones are dropped.
  bool SetActivationQuant(const ActivationQuant& quant, std::string*) override {
    net_.quant = quant;
    net_.graphs.Clear();
    return true;
  }

  bool StageTiming(bool on, StageTimes* since_last, std::string* error) override {
    if (!net_.stage_events.Take(since_last, error)) return false;
    net_.stage_timing = on;
    return true;
  }

  bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                        std::string* error) override {
    if (!net_.Prepare(batch, error) || !net_.StartStep(error) ||
        !net_.Upload(clean, batch, net_.clean.get(), error) ||
        !net_.UploadNoisy(noisy, batch, error) || !net_.ForwardPass(batch, error) ||
        !net_.BackwardPass(batch, nullptr, error)) {
      return false;
    }
    has_gradients_ = true;
    double sum = 0.0;
    if (!CudaOk(cudaMemcpyAsync(&sum, net_.loss_sum.get(), sizeof sum, cudaMemcpyDeviceToHost,
                                net_.stream),
                "copy the loss", error) ||
        !CudaOk(cudaStreamSynchronize(net_.stream), "training step", error)) {
      return false;
    }
    *loss = sum / (static_cast<double>(batch) * kImagePixels);
    return true;
  }

  bool GetGradients(std::vector<float>* grads, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    return net_.CopyOut(net_.grads.get(), grads, error);
  }

  bool ApplyAdam(const AdamConfig& config, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    ++adam_step_;
    net_.step_timed = net_.stage_timing;
    return net_.StartStages(error) && net_.AdamUpdate(config, adam_step_, error) &&
           net_.MarkStage(kAdamStage, error);
  }

 private:
  Network net_;
  DeviceBuffer<float> train_set_;  // the clean training set, [count][28][28]
  DeviceBuffer<int> order_;        // this epoch's order of it
  int set_count_ = 0;
  int64_t adam_step_ = 0;
  bool has_gradients_ = false;
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
