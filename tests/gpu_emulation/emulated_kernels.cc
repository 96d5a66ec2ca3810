// host_train/cuda/kernels.h on the CPU (emulated_device.h): the GPU's own kernels
// (host_train/cuda/kernel_bodies.h) and launchers (kernel_launchers.h), compiled for the host,
// each launch run over its whole grid, block after block, each block's phases thread after
// thread (kernel_grid.h). Before a launch runs, every array it names is checked against the
// device allocations; its shared memory starts as garbage, as on a GPU. The noise is cuRAND's
// Philox from curand_kernel.h compiled for the CPU: the GPU's uniform bits exactly (its
// Box-Muller takes sinf and cosf here, the GPU's __sincosf there).
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "cuda/kernel_launchers.h"
#include "cuda/kernels.h"
#include "emulated_device.h"

namespace dnz::train::cuda {
namespace {

// kernel_grid.h's block on the CPU: a phase runs for thread 0, 1, ... in turn.
class HostBlock {
 public:
  HostBlock(int threads, int blocks) : threads_(threads), blocks_(blocks) {}

  void Start(int index) {
    index_ = index;
    next_shared_ = 0;
  }
  int index() const { return index_; }
  int size() const { return threads_; }
  int count() const { return blocks_; }

  template <typename Phase>
  void Threads(const Phase& phase) {
    for (int thread = 0; thread < threads_; ++thread) phase(thread);
  }

  // A new array per call (a body asks once per array), garbage until written. Plain new[]
  // storage is aligned for any scalar.
  template <typename V, int N>
  V* Shared() {
    if (next_shared_ == shared_.size()) {
      shared_.push_back(std::make_unique<unsigned char[]>(sizeof(V) * N));
    }
    unsigned char* bytes = shared_[next_shared_++].get();
    std::memset(bytes, 0xFF, sizeof(V) * N);  // NaN, as cudaMalloc's
    return reinterpret_cast<V*>(bytes);
  }

 private:
  int threads_, blocks_;
  int index_ = 0;
  size_t next_shared_ = 0;
  std::vector<std::unique_ptr<unsigned char[]>> shared_;
};

}  // namespace

// As a GPU refuses a launch: no blocks or threads, over 1,024 threads, over 2^31 - 1 blocks.
template <typename Kernel>
cudaError_t LaunchKernel(LaunchShape shape, cudaStream_t stream, const Kernel& kernel) {
  if (shape.blocks < 1 || shape.blocks > INT_MAX || shape.threads < 1 || shape.threads > 1024) {
    return emu::FailLaunch(cudaErrorInvalidConfiguration);
  }
  const int blocks = static_cast<int>(shape.blocks), threads = shape.threads;
  emu::Enqueue(stream, [kernel, blocks, threads] {
    kernel.Buffers([](const auto* pointer, int64_t count, const char* what) {
      emu::RequireDevice(pointer, sizeof(*pointer) * static_cast<size_t>(count), what);
    });
    HostBlock block(threads, blocks);
    for (int b = 0; b < blocks; ++b) {
      block.Start(b);
      kernel(block);
    }
  });
  return cudaSuccess;
}

DNZ_INSTANTIATE_KERNELS(float)
DNZ_INSTANTIATE_KERNELS(__half)
DNZ_INSTANTIATE_KERNELS(__nv_bfloat16)

}  // namespace dnz::train::cuda
