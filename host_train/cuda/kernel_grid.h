// How the GPU trainer's kernels are written so that the same code runs on a GPU and, in CI,
// on the CPU emulation (tests/gpu_emulation/emulated_kernels.cc): a kernel is a struct that
// holds its arguments and whose operator()(Block&) is the body of one thread block.
//
// A body is a sequence of phases, block.Threads(phase): phase(thread) runs for every
// thread of the block, then the block synchronises (__syncthreads on the GPU). The GPU runs
// a phase in each thread at once; the emulation runs it thread after thread, a phase after
// the one before (the loop fission MCUDA proposed for CUDA on CPUs). So that both mean the
// same:
//   - what a thread keeps from one phase to the next lives in the block's shared memory,
//     indexed by the thread (block.Shared<V, N>(), once per array; the emulation fills it
//     with garbage), never in a local variable;
//   - phases capture by value ([=]): a local outside them is the same in every thread.
// The launch shape (blocks and threads) is the launcher's (kernel_launchers.h), shared too,
// so that the emulation runs the GPU's grid: a wrong index, a grid one block short or a
// reduction that drops a thread's value fails a test on the CPU.
#ifndef DNZ_HOST_TRAIN_CUDA_KERNEL_GRID_H_
#define DNZ_HOST_TRAIN_CUDA_KERNEL_GRID_H_

#include <cuda_runtime_api.h>

#include <algorithm>
#include <cstdint>

#if defined(__CUDACC__)
#define DNZ_DEVICE __device__ __forceinline__
#else
#define DNZ_DEVICE inline
#endif

namespace dnz::train::cuda {

// Threads per block of every kernel that is not one thread alone; a power of two (the
// block sums halve it).
constexpr int kThreadsPerBlock = 256;

struct LaunchShape {
  int64_t blocks = 1;
  int threads = kThreadsPerBlock;
};

// One thread per element, grid-stride beyond 65,536 blocks.
inline LaunchShape ElementShape(int64_t count) {
  return {std::min<int64_t>((count + kThreadsPerBlock - 1) / kThreadsPerBlock, int64_t{1} << 16),
          kThreadsPerBlock};
}

// Runs `kernel` over `shape` on `stream` and returns the launch's status: kernels.cu launches
// it on the GPU, the emulation enqueues the grid's loops (each defines it, once).
template <typename Kernel>
cudaError_t LaunchKernel(LaunchShape shape, cudaStream_t stream, const Kernel& kernel);

// Element i of [0, count) for every thread of the grid: i = block * threads + thread, then
// a grid's worth further.
template <typename Block, typename Body>
DNZ_DEVICE void ForEachElement(Block& block, int64_t count, const Body& body) {
  const int64_t first = static_cast<int64_t>(block.index()) * block.size();
  const int64_t stride = static_cast<int64_t>(block.count()) * block.size();
  block.Threads([=](int thread) {
    for (int64_t i = first + thread; i < count; i += stride) body(i);
  });
}

// partial[0] = the sum of partial[0 .. block.size()), a tree in a fixed order (so a sum
// does not change from run to run); partial is the block's shared array, filled by the
// phase before.
template <typename Block, typename V>
DNZ_DEVICE void BlockSum(Block& block, V* partial) {
  for (int half = block.size() / 2; half > 0; half /= 2) {
    block.Threads([=](int thread) {
      if (thread < half) partial[thread] += partial[thread + half];
    });
  }
}

// ++*counter from any number of threads at once.
DNZ_DEVICE void CountOne(unsigned long long* counter) {
#if defined(__CUDA_ARCH__)
  atomicAdd(counter, 1ULL);
#else
  ++*counter;  // the emulation runs one thread at a time
#endif
}

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_KERNEL_GRID_H_
