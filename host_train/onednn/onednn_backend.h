// The f32 CPU training backend on oneDNN 2.6.
#ifndef DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_
#define DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_

#include <memory>
#include <string>

#include "backend.h"

namespace dnz::train {

std::unique_ptr<TrainBackend> CreateOnednnBackend(const BackendOptions& options,
                                                  std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_ONEDNN_ONEDNN_BACKEND_H_
