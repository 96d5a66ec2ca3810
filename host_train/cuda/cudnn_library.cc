#include "cuda/cudnn_library.h"

#include <cudnn.h>
#include <dlfcn.h>

#include <cstdlib>

#ifndef DNZ_CUDNN_BUILD_LIBRARY
#define DNZ_CUDNN_BUILD_LIBRARY ""
#endif

namespace dnz::train::cuda {
namespace {

struct Library {
  void* handle = nullptr;
  std::string error;  // why handle is null
};

std::string LoaderError() {
  const char* message = dlerror();
  return message != nullptr ? message : "unknown dlopen error";
}

void* Open(const std::string& file, std::string* error) {
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) *error = LoaderError();
  return handle;
}

// A library that loads but is another major version would fail in odd ways: refuse it.
bool IsBuiltAgainstVersion(void* handle, const std::string& file, std::string* error) {
  using GetVersion = size_t (*)();
  const auto get_version = reinterpret_cast<GetVersion>(dlsym(handle, "cudnnGetVersion"));
  if (get_version == nullptr) {
    *error = file + " has no cudnnGetVersion: not cuDNN";
    return false;
  }
  const size_t version = get_version();
  if (version / 10000 == CUDNN_MAJOR) return true;
  *error = file + " is cuDNN " + std::to_string(version / 10000) + "." +
           std::to_string(version / 100 % 100) + ", this build needs cuDNN " +
           std::to_string(CUDNN_MAJOR);
  return false;
}

Library Load() {
  Library library;
  const char* chosen = std::getenv("DNZ_CUDNN_LIBRARY");
  if (chosen != nullptr && *chosen != '\0') {
    library.handle = Open(chosen, &library.error);
    if (library.handle == nullptr)
      library.error = "cannot load DNZ_CUDNN_LIBRARY: " + library.error;
  } else {
    const std::string soname = "libcudnn.so." + std::to_string(CUDNN_MAJOR);
    std::string first_error;
    library.handle = Open(soname, &first_error);
    const std::string built = DNZ_CUDNN_BUILD_LIBRARY;
    if (library.handle == nullptr && !built.empty()) {
      std::string ignored;
      library.handle = Open(built, &ignored);
    }
    if (library.handle == nullptr) {
      library.error = "cannot load cuDNN: " + first_error +
                      (built.empty() ? "" : " (nor " + built + ")") +
                      "; add its folder to LD_LIBRARY_PATH or set DNZ_CUDNN_LIBRARY";
    }
  }
  if (library.handle != nullptr &&
      !IsBuiltAgainstVersion(library.handle,
                             chosen != nullptr && *chosen != '\0' ? chosen : "libcudnn",
                             &library.error)) {
    dlclose(library.handle);
    library.handle = nullptr;
  }
  return library;
}

const Library& Cudnn() {
  static const Library library = Load();  // once, thread-safe
  return library;
}

void* CudnnSymbol(const char* name) {
  const Library& library = Cudnn();
  return library.handle != nullptr ? dlsym(library.handle, name) : nullptr;
}

}  // namespace

bool CudnnLibraryLoaded(std::string* why) {
  const Library& library = Cudnn();
  if (library.handle != nullptr) return true;
  *why = "cudnn: " + library.error;
  return false;
}

}  // namespace dnz::train::cuda

// The cuDNN functions the trainer calls, with cudnn.h's declarations (so a signature that
// drifts does not compile), each forwarding to the loaded library's.
#define DNZ_CUDNN_FORWARD(result, name, params, args, unloaded)                  \
  result CUDNNWINAPI name params {                                               \
    static const auto real =                                                     \
        reinterpret_cast<decltype(&name)>(dnz::train::cuda::CudnnSymbol(#name)); \
    return real != nullptr ? real args : unloaded;                               \
  }
#define DNZ_CUDNN_STATUS(name, params, args) \
  DNZ_CUDNN_FORWARD(cudnnStatus_t, name, params, args, CUDNN_STATUS_NOT_INITIALIZED)

extern "C" {

DNZ_CUDNN_FORWARD(size_t, cudnnGetVersion, (void), (), 0)
DNZ_CUDNN_FORWARD(const char*, cudnnGetErrorString, (cudnnStatus_t status), (status),
                  "cuDNN is not loaded")
DNZ_CUDNN_STATUS(cudnnCreate, (cudnnHandle_t * handle), (handle))
DNZ_CUDNN_STATUS(cudnnDestroy, (cudnnHandle_t handle), (handle))
DNZ_CUDNN_STATUS(cudnnSetStream, (cudnnHandle_t handle, cudaStream_t stream), (handle, stream))

DNZ_CUDNN_STATUS(cudnnCreateTensorDescriptor, (cudnnTensorDescriptor_t * desc), (desc))
DNZ_CUDNN_STATUS(cudnnDestroyTensorDescriptor, (cudnnTensorDescriptor_t desc), (desc))
DNZ_CUDNN_STATUS(cudnnSetTensor4dDescriptor,
                 (cudnnTensorDescriptor_t desc, cudnnTensorFormat_t format, cudnnDataType_t type,
                  int n, int c, int h, int w),
                 (desc, format, type, n, c, h, w))
DNZ_CUDNN_STATUS(cudnnCreateFilterDescriptor, (cudnnFilterDescriptor_t * desc), (desc))
DNZ_CUDNN_STATUS(cudnnDestroyFilterDescriptor, (cudnnFilterDescriptor_t desc), (desc))
DNZ_CUDNN_STATUS(cudnnSetFilter4dDescriptor,
                 (cudnnFilterDescriptor_t desc, cudnnDataType_t type, cudnnTensorFormat_t format,
                  int k, int c, int h, int w),
                 (desc, type, format, k, c, h, w))
DNZ_CUDNN_STATUS(cudnnCreateConvolutionDescriptor, (cudnnConvolutionDescriptor_t * desc), (desc))
DNZ_CUDNN_STATUS(cudnnDestroyConvolutionDescriptor, (cudnnConvolutionDescriptor_t desc), (desc))
DNZ_CUDNN_STATUS(cudnnSetConvolution2dDescriptor,
                 (cudnnConvolutionDescriptor_t desc, int pad_h, int pad_w, int u, int v,
                  int dilation_h, int dilation_w, cudnnConvolutionMode_t mode,
                  cudnnDataType_t compute_type),
                 (desc, pad_h, pad_w, u, v, dilation_h, dilation_w, mode, compute_type))
DNZ_CUDNN_STATUS(cudnnSetConvolutionMathType,
                 (cudnnConvolutionDescriptor_t desc, cudnnMathType_t math), (desc, math))

DNZ_CUDNN_STATUS(cudnnGetConvolutionForwardAlgorithm_v7,
                 (cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                  const cudnnFilterDescriptor_t w, const cudnnConvolutionDescriptor_t conv,
                  const cudnnTensorDescriptor_t y, const int requested, int* returned,
                  cudnnConvolutionFwdAlgoPerf_t* perf),
                 (handle, x, w, conv, y, requested, returned, perf))
DNZ_CUDNN_STATUS(cudnnGetConvolutionBackwardDataAlgorithm_v7,
                 (cudnnHandle_t handle, const cudnnFilterDescriptor_t w,
                  const cudnnTensorDescriptor_t dy, const cudnnConvolutionDescriptor_t conv,
                  const cudnnTensorDescriptor_t dx, const int requested, int* returned,
                  cudnnConvolutionBwdDataAlgoPerf_t* perf),
                 (handle, w, dy, conv, dx, requested, returned, perf))
DNZ_CUDNN_STATUS(cudnnGetConvolutionBackwardFilterAlgorithm_v7,
                 (cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                  const cudnnTensorDescriptor_t dy, const cudnnConvolutionDescriptor_t conv,
                  const cudnnFilterDescriptor_t dw, const int requested, int* returned,
                  cudnnConvolutionBwdFilterAlgoPerf_t* perf),
                 (handle, x, dy, conv, dw, requested, returned, perf))

DNZ_CUDNN_STATUS(cudnnGetConvolutionForwardWorkspaceSize,
                 (cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                  const cudnnFilterDescriptor_t w, const cudnnConvolutionDescriptor_t conv,
                  const cudnnTensorDescriptor_t y, cudnnConvolutionFwdAlgo_t algo, size_t* bytes),
                 (handle, x, w, conv, y, algo, bytes))
DNZ_CUDNN_STATUS(cudnnGetConvolutionBackwardDataWorkspaceSize,
                 (cudnnHandle_t handle, const cudnnFilterDescriptor_t w,
                  const cudnnTensorDescriptor_t dy, const cudnnConvolutionDescriptor_t conv,
                  const cudnnTensorDescriptor_t dx, cudnnConvolutionBwdDataAlgo_t algo,
                  size_t* bytes),
                 (handle, w, dy, conv, dx, algo, bytes))
DNZ_CUDNN_STATUS(cudnnGetConvolutionBackwardFilterWorkspaceSize,
                 (cudnnHandle_t handle, const cudnnTensorDescriptor_t x,
                  const cudnnTensorDescriptor_t dy, const cudnnConvolutionDescriptor_t conv,
                  const cudnnFilterDescriptor_t dw, cudnnConvolutionBwdFilterAlgo_t algo,
                  size_t* bytes),
                 (handle, x, dy, conv, dw, algo, bytes))

DNZ_CUDNN_STATUS(cudnnConvolutionForward,
                 (cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t x_desc,
                  const void* x, const cudnnFilterDescriptor_t w_desc, const void* w,
                  const cudnnConvolutionDescriptor_t conv, cudnnConvolutionFwdAlgo_t algo,
                  void* workspace, size_t workspace_bytes, const void* beta,
                  const cudnnTensorDescriptor_t y_desc, void* y),
                 (handle, alpha, x_desc, x, w_desc, w, conv, algo, workspace, workspace_bytes, beta,
                  y_desc, y))
DNZ_CUDNN_STATUS(cudnnConvolutionBackwardData,
                 (cudnnHandle_t handle, const void* alpha, const cudnnFilterDescriptor_t w_desc,
                  const void* w, const cudnnTensorDescriptor_t dy_desc, const void* dy,
                  const cudnnConvolutionDescriptor_t conv, cudnnConvolutionBwdDataAlgo_t algo,
                  void* workspace, size_t workspace_bytes, const void* beta,
                  const cudnnTensorDescriptor_t dx_desc, void* dx),
                 (handle, alpha, w_desc, w, dy_desc, dy, conv, algo, workspace, workspace_bytes,
                  beta, dx_desc, dx))
DNZ_CUDNN_STATUS(cudnnConvolutionBackwardFilter,
                 (cudnnHandle_t handle, const void* alpha, const cudnnTensorDescriptor_t x_desc,
                  const void* x, const cudnnTensorDescriptor_t dy_desc, const void* dy,
                  const cudnnConvolutionDescriptor_t conv, cudnnConvolutionBwdFilterAlgo_t algo,
                  void* workspace, size_t workspace_bytes, const void* beta,
                  const cudnnFilterDescriptor_t dw_desc, void* dw),
                 (handle, alpha, x_desc, x, dy_desc, dy, conv, algo, workspace, workspace_bytes,
                  beta, dw_desc, dw))

}  // extern "C"
