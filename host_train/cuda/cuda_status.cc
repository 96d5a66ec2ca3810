#include "cuda/cuda_status.h"

#include <cstdio>

#include "cuda/cudnn_library.h"

namespace dnz::train::cuda {

bool CudaOk(cudaError_t status, const char* what, std::string* error) {
  if (status == cudaSuccess) return true;
  *error = std::string("cuda: ") + what + ": " + cudaGetErrorName(status) + " (" +
           cudaGetErrorString(status) + ")";
  return false;
}

bool CudnnOk(cudnnStatus_t status, const char* what, std::string* error) {
  if (status == CUDNN_STATUS_SUCCESS) return true;
  *error = std::string("cudnn: ") + what + ": " + cudnnGetErrorString(status);
  return false;
}

bool CudaUsable(std::string* why) {
  if (!CudnnLibraryLoaded(why)) return false;
  int devices = 0;
  if (!CudaOk(cudaGetDeviceCount(&devices), "cudaGetDeviceCount", why)) return false;
  if (devices == 0) {
    *why = "cuda: no CUDA device";
    return false;
  }
  cudnnHandle_t handle = nullptr;
  if (!CudnnOk(cudnnCreate(&handle), "cudnnCreate", why)) return false;
  cudnnDestroy(handle);
  return true;
}

std::string DescribeDevice() {
  int device = 0;
  cudaDeviceProp prop{};
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaGetDeviceProperties(&prop, device) != cudaSuccess)
    return "cuda device (properties unavailable)";
  const size_t version = cudnnGetVersion();
  char text[700];
  std::snprintf(text, sizeof text, "%s (sm_%d%d, %.0f GiB), cuDNN %zu.%zu.%zu", prop.name,
                prop.major, prop.minor, static_cast<double>(prop.totalGlobalMem) / (1 << 30),
                version / 10000, version / 100 % 100, version % 100);
  return text;
}

}  // namespace dnz::train::cuda
