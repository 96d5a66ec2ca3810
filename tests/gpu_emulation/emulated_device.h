// A CPU stand-in for one CUDA device, so that the GPU trainer's host code (host_train/cuda/)
// runs in CI, where there is no GPU: CUDA runtime calls (emulated_runtime.cc), cuDNN
// (emulated_cudnn.cc, loaded through DNZ_CUDNN_LIBRARY like the real one) and our kernels
// (emulated_kernels.cc, plain loops over host_train/cuda/element_ops.h).
//
// Device memory is host memory. A stream runs its work when it is enqueued, in order, except
// while it is being captured into a graph: then the work is recorded, and launching the
// graph runs the recording. So a captured step that reads a buffer which moved afterwards
// reads the old one, as on a GPU.
//
// What it does not emulate: the GPU's arithmetic (cuDNN's algorithms, tensor cores, the
// order of parallel sums), cuRAND's Philox numbers (emulated_kernels.cc draws other noise with
// the same properties), concurrency and timing.
#ifndef DNZ_TESTS_GPU_EMULATION_EMULATED_DEVICE_H_
#define DNZ_TESTS_GPU_EMULATION_EMULATED_DEVICE_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <functional>

namespace dnz::emu {

// Runs `work` on `stream` now, or records it while the stream is being captured.
void Enqueue(cudaStream_t stream, std::function<void()> work);

// Whether `stream` is being captured (what may not happen during a capture checks this).
bool Capturing(cudaStream_t stream);

// Aborts with a message naming `what` unless [pointer, pointer + bytes) lies inside one
// device allocation: the emulation's bounds check on every kernel and cuDNN argument, which a
// GPU would not make (an undersized buffer there corrupts memory silently).
void RequireDevice(const void* pointer, size_t bytes, const char* what);

// The integer in environment variable `name`, or `fallback` where it is unset or empty: how
// a test asks the emulation for a fault (DNZ_EMULATED_GPU_COUNT, DNZ_EMULATED_GPU_MEMORY_MIB,
// DNZ_EMULATED_CUDNN_FAIL_AFTER, DNZ_EMULATED_CUDNN_FIXED_WORKSPACE).
int EnvironmentInt(const char* name, int fallback);

}  // namespace dnz::emu

#endif  // DNZ_TESTS_GPU_EMULATION_EMULATED_DEVICE_H_
