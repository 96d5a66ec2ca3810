// Points the trainer (and the host_train processes the tests start) at the emulated cuDNN
// before any test runs, as scripts/gpu_check.sh points them at a real one.
#include <cstdlib>

namespace {

const bool kEmulatedCudnn = [] {
  return ::setenv("DNZ_CUDNN_LIBRARY", DNZ_EMULATED_CUDNN, /*overwrite=*/1) == 0;
}();

}  // namespace
