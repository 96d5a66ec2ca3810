// The GPU trainer's kernels on the GPU: a block of kernel_grid.h is a CUDA thread block, and
// every kernel of kernel_bodies.h runs through one __global__ entry point; the launchers
// (kernel_launchers.h) are instantiated for float, __half and __nv_bfloat16.
#include "cuda/kernel_launchers.h"
#include "cuda/kernels.h"

namespace dnz::train::cuda {
namespace {

// kernel_grid.h's block as CUDA's: each thread runs its own part of a phase, then the
// block synchronises.
struct DeviceBlock {
  __device__ int index() const { return static_cast<int>(blockIdx.x); }
  __device__ int size() const { return static_cast<int>(blockDim.x); }
  __device__ int count() const { return static_cast<int>(gridDim.x); }
  template <typename Phase>
  __device__ void Threads(const Phase& phase) {
    phase(static_cast<int>(threadIdx.x));
    __syncthreads();
  }
  template <typename V, int N>
  __device__ V* Shared() {
    __shared__ V storage[N];
    return storage;
  }
};

template <typename Kernel>
__global__ void RunKernel(Kernel kernel) {
  DeviceBlock block;
  kernel(block);
}

}  // namespace

template <typename Kernel>
cudaError_t LaunchKernel(LaunchShape shape, cudaStream_t stream, const Kernel& kernel) {
  RunKernel<Kernel>
      <<<static_cast<unsigned>(shape.blocks), static_cast<unsigned>(shape.threads), 0, stream>>>(
          kernel);
  return cudaGetLastError();
}

DNZ_INSTANTIATE_KERNELS(float)
DNZ_INSTANTIATE_KERNELS(__half)
DNZ_INSTANTIATE_KERNELS(__nv_bfloat16)

}  // namespace dnz::train::cuda
