#include "network/backend.h"

#include "onednn/onednn_backend.h"

namespace dnz::train {

std::unique_ptr<TrainBackend> CreateBackend(const BackendOptions& options, std::string* error) {
  if (options.device == "cuda") {
    *error = "--device cuda: this host_train was built without CUDA";
    return nullptr;
  }
  if (options.device != "auto" && options.device != "cpu") {
    *error = "--device " + options.device + ": unknown device (use auto, cpu or cuda)";
    return nullptr;
  }
  return CreateOnednnBackend(options, error);
}

}  // namespace dnz::train
