// cuDNN is loaded when the GPU trainer first needs it (dlopen), not linked: host_train then
// starts, and trains on the CPU, on machines without cuDNN, and a missing or wrong cuDNN is
// one line from CudnnLibraryLoaded instead of the dynamic loader's refusal to start.
//
// cudnn_library.cc defines the cuDNN functions the trainer calls, each forwarding to the
// loaded library's; without it they return CUDNN_STATUS_NOT_INITIALIZED.
//
// Where from, in this order: $DNZ_CUDNN_LIBRARY if set (that file only); libcudnn.so.9 on
// the loader's search path (LD_LIBRARY_PATH, ldconfig); the file CMake found at build time.
#ifndef DNZ_HOST_TRAIN_CUDA_CUDNN_LIBRARY_H_
#define DNZ_HOST_TRAIN_CUDA_CUDNN_LIBRARY_H_

#include <string>

namespace dnz::train::cuda {

// Whether a cuDNN of the major version built against is loaded (loading it on first call);
// if not, why: one line naming the file(s) tried and the loader's message.
bool CudnnLibraryLoaded(std::string* why);

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_CUDNN_LIBRARY_H_
