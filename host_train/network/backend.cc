#include "network/backend.h"

#ifdef DNZ_TRAIN_WITH_ONEDNN
#include "onednn/onednn_backend.h"
#endif
#ifdef DNZ_TRAIN_WITH_CUDA
#include "cuda/cuda_backend.h"
#endif

namespace dnz::train {
namespace {

std::unique_ptr<TrainBackend> CreateCpuBackend(const BackendOptions& options, std::string* error) {
#ifdef DNZ_TRAIN_WITH_ONEDNN
  if (options.precision == "auto") {  // on the CPU: f32, the reference's precision
    BackendOptions f32 = options;
    f32.precision = "f32";
    return CreateOnednnBackend(f32, error);
  }
  return CreateOnednnBackend(options, error);
#else
  (void)options;
  *error = "--device cpu: this host_train was built without oneDNN (the CPU backend)";
  return nullptr;
#endif
}

std::unique_ptr<TrainBackend> CreateGpuBackend(const BackendOptions& options, std::string* error) {
#ifdef DNZ_TRAIN_WITH_CUDA
  CudaBackendOptions cuda_options;
  cuda_options.step_graph = options.cuda_graph;
  return CreateCudaBackend(options, cuda_options, error);
#else
  (void)options;
  *error =
      "--device cuda: this host_train was built without CUDA (configure with "
      "-DDNZ_WITH_CUDA=ON where nvcc and cuDNN are installed)";
  return nullptr;
#endif
}

}  // namespace

bool CheckEpochOrder(const std::vector<int>& order, int count, std::string* error) {
  if (static_cast<int>(order.size()) != count) {
    *error = "internal: the epoch order does not match the training set";
    return false;
  }
  for (int image : order) {
    if (image < 0 || image >= count) {
      *error = "internal: the epoch order names an image outside the training set";
      return false;
    }
  }
  return true;
}

bool CheckStepRange(const StepRequest& request, int count, std::string* error) {
  if (request.first < 0 || request.batch <= 0 || request.first + request.batch > count) {
    *error = "internal: batch outside the training set";
    return false;
  }
  return true;
}

bool CudaBuiltIn() {
#ifdef DNZ_TRAIN_WITH_CUDA
  return true;
#else
  return false;
#endif
}

bool GpuUsable(std::string* why) {
#ifdef DNZ_TRAIN_WITH_CUDA
  return CudaBackendUsable(why);
#else
  *why = "built without CUDA";
  return false;
#endif
}

std::unique_ptr<TrainBackend> CreateBackend(const BackendOptions& options, std::string* error,
                                            std::string* note) {
  if (options.device == "cpu") return CreateCpuBackend(options, error);
  if (options.device == "cuda") return CreateGpuBackend(options, error);
  if (options.device != "auto") {
    *error = "--device " + options.device + ": unknown device (use auto, cpu or cuda)";
    return nullptr;
  }
  // auto: the GPU when one is usable, else the CPU; `note` says which and why.
  std::string gpu_error;
  if (GpuUsable(&gpu_error)) {
    if (auto gpu = CreateGpuBackend(options, &gpu_error)) {
      if (note != nullptr) *note = "--device auto: training on the GPU";
      return gpu;
    }
  }
  auto cpu = CreateCpuBackend(options, error);
  if (cpu == nullptr) {
    *error = "--device auto: no usable GPU (" + gpu_error + ") and " + *error;
    return nullptr;
  }
  if (note != nullptr) *note = "--device auto: training on the CPU (GPU: " + gpu_error + ")";
  return cpu;
}

}  // namespace dnz::train
