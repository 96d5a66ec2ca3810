// The GPU trainer backend: the seed network on cuDNN's convolutions and our own kernels
// (host_train/cuda/kernels.cu), parameters, gradients and Adam's moments resident on the
// GPU in the flat OIHW layout of SeedParamLayout(), so that they cross the TrainBackend
// interface with one copy and no reordering. Files: cuda_backend.cc (TrainBackend glue),
// cuda_network.{h,cc} (layers and buffers), cuda_forward_backward.cc, cuda_adam.cc.
//
// Upsample + 3x3 conv runs as four 2x2 polyphase convs on the small input (element_ops.h);
// `polyphase_upsample = false` runs the plain nearest upsample and 3x3 conv instead, the
// path the polyphase one is tested against.
#ifndef DNZ_HOST_TRAIN_CUDA_CUDA_BACKEND_H_
#define DNZ_HOST_TRAIN_CUDA_CUDA_BACKEND_H_

#include <memory>
#include <string>

#include "network/backend.h"

namespace dnz::train {

struct CudaBackendOptions {
  bool polyphase_upsample = true;
  // Device-resident steps replayed as a CUDA graph (cuda/step_graph.h); off: one launch per
  // kernel, the path the graph is tested against.
  bool step_graph = true;
};

// Null with `error` set (one line naming the CUDA or cuDNN status) when no GPU is usable.
std::unique_ptr<TrainBackend> CreateCudaBackend(const BackendOptions& options,
                                                const CudaBackendOptions& cuda_options,
                                                std::string* error);

// Whether a GPU and cuDNN can be used here; if not, why.
bool CudaBackendUsable(std::string* why);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CUDA_CUDA_BACKEND_H_
