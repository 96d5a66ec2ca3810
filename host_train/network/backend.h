// The trainer's compute backend: forward, backward and Adam on the seed network for batches
// of 28x28 images. Parameters cross this interface in the flat OIHW layout of
// SeedParamLayout(); inside, a backend keeps them in whatever layout suits it (oneDNN: the
// blocked layouts its kernels chose; cuDNN: the flat layout itself, on the GPU).
// No method throws: failures return false with a one-line message.
#ifndef DNZ_HOST_TRAIN_NETWORK_BACKEND_H_
#define DNZ_HOST_TRAIN_NETWORK_BACKEND_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "network/step_stages.h"
#include "optimize/adam.h"

namespace dnz::train {

// Adam's moments in the flat parameter layout and the number of updates done.
struct AdamState {
  std::vector<float> m;
  std::vector<float> v;
  int64_t step = 0;
};

class TrainBackend {
 public:
  virtual ~TrainBackend() = default;

  // E.g. "onednn-f32"; and the device it runs on, e.g. "cpu avx512_core, 2 threads".
  virtual std::string Name() const = 0;
  virtual std::string Device() const = 0;

  virtual bool SetParameters(const std::vector<float>& params, std::string* error) = 0;
  virtual bool GetParameters(std::vector<float>* params, std::string* error) = 0;
  virtual bool SetAdamState(const AdamState& state, std::string* error) = 0;
  virtual bool GetAdamState(AdamState* state, std::string* error) = 0;

  // Forward and backward of the mean sigmoid-BCE of the network on `noisy` against `clean`
  // (both [batch][28][28]); keeps the gradients for ApplyAdam/GetGradients.
  virtual bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                                std::string* error) = 0;
  // Gradients of the last ComputeGradients, flat layout (for tests).
  virtual bool GetGradients(std::vector<float>* grads, std::string* error) = 0;
  // One Adam update with the last gradients.
  virtual bool ApplyAdam(const AdamConfig& config, std::string* error) = 0;

  // Forward only: logits [batch][28][28] (apply a sigmoid for images).
  virtual bool Forward(const float* noisy, int batch, float* logits, std::string* error) = 0;

  // ---- Device-resident data (the GPU backend; the others keep these defaults) ----
  // The trainer uploads the clean training set once and each epoch's order; each step then
  // gathers its batch and draws its noise on the device, and the loss is summed there and
  // read back every few steps (TakeLossSum), so that a step needs no host synchronisation.
  virtual bool SupportsDeviceData() const { return false; }
  virtual bool UploadTrainingSet(const float* images, int count, std::string* error);
  virtual bool SetEpochOrder(const std::vector<int>& order, std::string* error);
  // ComputeGradients for the images order[first .. first + batch), each with noise of
  // factor `noise` from its own stream of (noise_seed, noise_epoch, image index); the loss
  // times `batch` is added to the device's sum.
  virtual bool ComputeGradientsOnDevice(int first, int batch, double noise, uint64_t noise_seed,
                                        uint64_t noise_epoch, std::string* error);
  // The sum of loss * images since the last call (one synchronisation); then resets it.
  virtual bool TakeLossSum(double* sum, std::string* error);
  // How device-resident steps have been launched, for benchmarks and tests: "direct" (one
  // launch per kernel) or "graph" (replayed as one CUDA graph); a failed capture adds why.
  virtual std::string StepLaunchMode() const { return "direct"; }

  // ---- Stage timing (host_train --bench-profile; network/step_stages.h) ----
  // While on, the time of each stage of every step is added up; TakeStageTimes returns the
  // sums since the last call and resets them. Results do not change. On the GPU the steps
  // then run directly rather than as graphs, each stage between two CUDA events. A backend
  // without it returns false with why.
  virtual bool SetStageTiming(bool on, std::string* error);
  virtual bool TakeStageTimes(StageTimes* times, std::string* error);

  // Fraction of positive outputs of the single-channel bottleneck conv (layer 13,
  // docs/reference.md) in the last forward pass; 0 means its ReLU is dead and no gradient reaches
  // layers 1-13.
  virtual double BottleneckPositiveFraction() = 0;
};

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
