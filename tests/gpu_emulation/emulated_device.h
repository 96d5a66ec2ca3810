// A CPU stand-in for one CUDA device, so that the GPU trainer's host code (host_train/cuda/)
// runs in CI, where there is no GPU: CUDA runtime calls (emulated_runtime.cc), cuDNN
// (emulated_cudnn.cc, loaded through DNZ_CUDNN_LIBRARY like the real one) and our kernels
// (emulated_kernels.cc, plain loops over host_train/cuda/element_ops.h).
//
// Device memory is host memory. Work on a stream runs as late as CUDA allows: it waits,
// in order, until the host synchronises with it (cudaStreamSynchronize, an event recorded
// after it, cudaDeviceSynchronize, cudaFree, the legacy stream's cudaMemcpy for that stream),
// so host code that reads a result or reuses a host buffer before synchronising sees the
// wrong bytes here, every time, where a GPU would fail only sometimes. While a stream is
// being captured into a graph its work is recorded instead, and launching the graph runs the
// recording: a captured step that reads a buffer which moved afterwards reads the old one,
// as on a GPU. Kernels run over their launch grid (emulated_kernels.cc). The device reports
// compute capability 9.0, or DNZ_EMULATED_GPU_CC (e.g. 75 for a T4).
//
// What it does not emulate: the GPU's arithmetic (cuDNN's algorithms, tensor cores, device
// math functions), threads of a block running at once (each phase runs thread after thread,
// so a race inside a phase goes unseen), two streams running at once, and timing.
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

// Records a refused launch as cudaGetLastError() reports it, and returns it.
cudaError_t FailLaunch(cudaError_t error);

// The compute capability the device reports, major * 10 + minor (DNZ_EMULATED_GPU_CC).
int ComputeCapability();

// The integer in environment variable `name`, or `fallback` where it is unset or empty: how
// a test asks the emulation for a fault (DNZ_EMULATED_GPU_COUNT, DNZ_EMULATED_GPU_MEMORY_MIB,
// DNZ_EMULATED_CUDNN_FAIL_AFTER, DNZ_EMULATED_CUDNN_FIXED_WORKSPACE, DNZ_EMULATED_GPU_CC).
int EnvironmentInt(const char* name, int fallback);

}  // namespace dnz::emu

#endif  // DNZ_TESTS_GPU_EMULATION_EMULATED_DEVICE_H_
