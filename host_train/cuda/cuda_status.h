// CUDA and cuDNN failures as one line naming the call and the library's status, for the
// trainer's "no usable GPU" and runtime errors. Nothing here throws.
#ifndef DNZ_HOST_TRAIN_CUDA_CUDA_STATUS_H_
#define DNZ_HOST_TRAIN_CUDA_CUDA_STATUS_H_

#include <cuda_runtime_api.h>
#include <cudnn.h>

#include <string>

namespace dnz::train::cuda {

// True on success; otherwise sets *error to "cuda: <what>: <status name> (<description>)".
bool CudaOk(cudaError_t status, const char* what, std::string* error);
// True on success; otherwise sets *error to "cudnn: <what>: <status string>".
bool CudnnOk(cudnnStatus_t status, const char* what, std::string* error);

// Whether a CUDA device and cuDNN can be used here; if not, why (one line).
bool CudaUsable(std::string* why);

// "NVIDIA H100 80GB HBM3 (sm_90, 80 GiB), cuDNN 9.10.2" for the current device.
std::string DescribeDevice();

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_CUDA_STATUS_H_
