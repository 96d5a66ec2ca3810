// The trainer's compute backend: the seed network on batches of 28x28 images, trained one
// step at a time. Parameters cross this interface in the flat OIHW layout of
// SeedParamLayout(); inside, a backend keeps them in whatever layout suits it (oneDNN: the
// blocked layouts its kernels chose; cuDNN: the flat layout itself, on the GPU).
//
// Training is one API on every device: the training set once (SetTrainingSet), each epoch's
// order (SetEpochOrder), then Step after Step, each making its batch (with noise), computing
// the gradients and applying Adam; the summed loss is read with TakeLossSum as often as
// Info().loss_read_steps says is cheap. Where the batch is made and the loss summed is the
// backend's business: the CPU on the host (network/host_batch.h), the GPU on the device, so
// that a GPU step waits for nothing.
// No method throws: failures return false with a one-line message.
#ifndef DNZ_HOST_TRAIN_NETWORK_BACKEND_H_
#define DNZ_HOST_TRAIN_NETWORK_BACKEND_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "network/fake_quant.h"
#include "network/seed_network.h"
#include "network/step_stages.h"
#include "optimize/adam.h"

namespace dnz::train {

// Adam's moments in the flat parameter layout and the number of updates done.
struct AdamState {
  std::vector<float> m;
  std::vector<float> v;
  int64_t step = 0;
};

// One training step: the images order[first .. first + batch) of the epoch order, each with
// noise of factor `noise` from its own stream of (noise_seed, noise_epoch, image index), then
// one Adam update.
struct StepRequest {
  int first = 0;
  int batch = 0;
  double noise = 0.0;
  uint64_t noise_seed = 0;
  uint64_t noise_epoch = 0;
  AdamConfig adam;
};

// Fake quantization of the activations (quantization-aware training,
// loop/activation_fake_quant.h): when enabled, every forward pass rounds the network's input
// and each conv's output (before its pool) to their grids, and the backward pass lets a
// gradient through only where that rounding did not clamp (network/fake_quant.h).
struct ActivationQuant {
  bool enabled = false;
  FakeQuantGrid input;
  std::array<FakeQuantGrid, kNumConvs> outputs{};  // the sigmoid conv: its logits' grid
};

// What a backend says about itself: for the console, the checkpoint and the benchmark line.
struct BackendInfo {
  std::string name;    // e.g. "onednn-f32", "cudnn-bf16"
  std::string device;  // e.g. "cpu avx512_core, 2 threads"
  // Steps the trainer lets pass between loss reads: 1 where the loss is on the host when a
  // step returns (the CPU), more where reading it waits for the device (the GPU: 20).
  int loss_read_steps = 1;
  bool data_on_device = false;  // the training set and the batches live on the device
  // How steps are launched where there is a choice (the GPU), else empty: "direct" (one
  // launch per kernel) or "graph" (replayed as one CUDA graph); a failed capture adds why.
  std::string launch_mode;
};

class TrainBackend {
 public:
  virtual ~TrainBackend() = default;

  virtual BackendInfo Info() const = 0;

  virtual bool SetParameters(const std::vector<float>& params, std::string* error) = 0;
  virtual bool GetParameters(std::vector<float>* params, std::string* error) = 0;
  virtual bool SetAdamState(const AdamState& state, std::string* error) = 0;
  virtual bool GetAdamState(AdamState* state, std::string* error) = 0;

  // Applies to every later Step, ComputeGradients and Forward; off until called. Fails where
  // the backend cannot (the CPU's bf16).
  virtual bool SetActivationQuant(const ActivationQuant& quant, std::string* error) = 0;

  // ---- Training ----
  // The clean training set, [count][28][28]. The CPU reads it in place (it must outlive the
  // steps); the GPU copies it.
  virtual bool SetTrainingSet(const float* images, int count, std::string* error) = 0;
  // This epoch's order of the training set (a permutation of 0 .. count - 1); copied.
  virtual bool SetEpochOrder(const std::vector<int>& order, std::string* error) = 0;
  // One step; its loss times its batch is added to the sum TakeLossSum returns.
  virtual bool Step(const StepRequest& request, std::string* error) = 0;
  // The sum of loss * images since the last call (on the GPU, one synchronisation); then
  // resets it.
  virtual bool TakeLossSum(double* sum, std::string* error) = 0;

  // Forward only: logits [batch][28][28] (apply a sigmoid for images).
  virtual bool Forward(const float* noisy, int batch, float* logits, std::string* error) = 0;
  // Fraction of positive outputs of the single-channel bottleneck conv (layer 13,
  // docs/reference.md) in the last forward pass; 0 means its ReLU is dead and no gradient
  // reaches layers 1-13.
  virtual double BottleneckPositiveFraction() = 0;

  // Stage timing (host_train --bench-profile; network/step_stages.h): turns it on or off and
  // hands back the time of each stage summed since the previous call, then resets the sums.
  // Results do not change; on the GPU timed steps run directly rather than as graphs, each
  // stage between two CUDA events.
  virtual bool StageTiming(bool on, StageTimes* since_last, std::string* error) = 0;

  // ---- A step in two halves, on a batch the caller gives (the tests) ----
  // Forward and backward of the mean sigmoid-BCE of the network on `noisy` against `clean`
  // (both [batch][28][28]); keeps the gradients for GetGradients and ApplyAdam.
  virtual bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                                std::string* error) = 0;
  // Gradients of the last step or ComputeGradients, flat layout.
  virtual bool GetGradients(std::vector<float>* grads, std::string* error) = 0;
  // One Adam update with the last gradients.
  virtual bool ApplyAdam(const AdamConfig& config, std::string* error) = 0;
};

// For backends: whether `order` is a permutation's worth of indices into a set of `count`
// images, and whether a step's images lie inside it; if not, why (an internal error).
bool CheckEpochOrder(const std::vector<int>& order, int count, std::string* error);
bool CheckStepRange(const StepRequest& request, int count, std::string* error);

struct BackendOptions {
  std::string device = "auto";    // auto | cpu | cuda
  int threads = 0;                // 0: the library's default
  int train_batch = 128;          // the batch size primitives are tuned for first
  std::string precision = "f32";  // f32 | bf16 (bf16 activations and kernels, f32 master
                                  // weights, Adam and loss; CPU only so far)
  bool cuda_graph = true;         // GPU: replay each training step as a CUDA graph
};

// Makes the backend for `options.device`; null with `error` set when unavailable. For
// "auto" it tries the GPU first, then the CPU, and `note` (if not null) says which it took
// and, for the CPU, why the GPU was not used.
std::unique_ptr<TrainBackend> CreateBackend(const BackendOptions& options, std::string* error,
                                            std::string* note = nullptr);

// Whether this build has the cuDNN backend, and whether it can run here (if not, why).
bool CudaBuiltIn();
bool GpuUsable(std::string* why);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_BACKEND_H_
