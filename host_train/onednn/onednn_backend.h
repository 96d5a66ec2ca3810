// The CPU training backend on oneDNN 2.6: f32, or bf16 activations and conv kernels
// with f32 master weights (--precision bf16).
#ifndef DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_
#define DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_

#include <memory>
#include <string>

#include "network/backend.h"

namespace dnz::train {

std::unique_ptr<TrainBackend> CreateOnednnBackend(const BackendOptions& options,
                                                  std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_
