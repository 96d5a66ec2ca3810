// The CUDA runtime calls the GPU trainer makes, on the CPU (emulated_device.h). Built as a
// shared library that the emulated trainer and the emulated cuDNN both link, so that they
// share the streams and the allocations.
#include <cuda_runtime_api.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <vector>

#include "emulated_device.h"

// The runtime's opaque handles, defined here: this library is the runtime.
struct CUstream_st {
  bool capturing = false;
  bool capture_invalidated = false;
  std::vector<std::function<void()>> recorded;
  std::deque<std::function<void()>> pending;  // enqueued, not run yet
};
struct CUevent_st {
  cudaStream_t stream = nullptr;  // where it was last recorded
  bool armed = false;             // recorded at least once
  bool completed = false;         // its last recording has run
  std::chrono::steady_clock::time_point when;
};
struct CUgraph_st {
  std::vector<std::function<void()>> work;
};
struct CUgraphExec_st {
  // Shared with launches still pending: destroying the executable graph lets them run.
  std::shared_ptr<const std::vector<std::function<void()>>> work;
};

namespace dnz::emu {
namespace {

struct Device {
  std::mutex mutex;
  std::map<const char*, size_t> allocations;  // start -> bytes
  size_t allocated = 0;                       // bytes, as rounded by cudaMalloc
  int streams_capturing = 0;
  CUstream_st legacy_stream;       // what stream 0 stands for
  std::set<cudaStream_t> streams;  // created and not destroyed
};
Device& TheDevice() {
  static Device device;
  return device;
}
thread_local cudaError_t last_error = cudaSuccess;

// What an allocation of `size` bytes takes: cudaMalloc's granularity, 256 bytes.
size_t Rounded(size_t size) { return size == 0 ? 256 : (size + 255) / 256 * 256; }

// A smaller device on request (DNZ_EMULATED_GPU_MEMORY_MIB), so that cudaMalloc runs out.
size_t MemoryBytes() {
  static const size_t bytes = size_t(EnvironmentInt("DNZ_EMULATED_GPU_MEMORY_MIB", 4096)) << 20;
  return bytes;
}

cudaError_t Fail(cudaError_t error) {
  last_error = error;
  return error;
}

// The allocation holding [p, p + bytes), or false.
bool InAllocation(const void* p, size_t bytes) {
  Device& d = TheDevice();
  std::lock_guard<std::mutex> lock(d.mutex);
  const char* c = static_cast<const char*>(p);
  auto it = d.allocations.upper_bound(c);
  if (it == d.allocations.begin()) return false;
  --it;
  return c >= it->first && c + bytes <= it->first + it->second;
}

// A call that a capture in progress does not allow (CUDA's "unsafe" calls in the global and
// thread-local capture modes) invalidates it, as on a GPU.
bool RefusedDuringCapture() { return TheDevice().streams_capturing > 0; }

cudaStream_t Resolved(cudaStream_t stream) {
  return stream != nullptr ? stream : &TheDevice().legacy_stream;
}

// Runs `stream`'s pending work in order, until `done` says so (after each item) or none is
// left.
template <typename Done>
void RunPending(cudaStream_t stream, Done done) {
  std::deque<std::function<void()>>& pending = Resolved(stream)->pending;
  while (!pending.empty()) {
    const std::function<void()> work = std::move(pending.front());
    pending.pop_front();
    work();
    if (done()) return;
  }
}
void RunPending(cudaStream_t stream) {
  RunPending(stream, [] { return false; });
}
void RunAllPending() {
  RunPending(nullptr);
  for (cudaStream_t stream : TheDevice().streams) RunPending(stream);
}

}  // namespace

void Enqueue(cudaStream_t stream, std::function<void()> work) {
  if (Capturing(stream)) {
    stream->recorded.push_back(std::move(work));
  } else {
    Resolved(stream)->pending.push_back(std::move(work));
  }
}

cudaError_t FailLaunch(cudaError_t error) { return Fail(error); }

bool Capturing(cudaStream_t stream) { return stream != nullptr && stream->capturing; }

int EnvironmentInt(const char* name, int fallback) {
  const char* text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::atoi(text) : fallback;
}

int ComputeCapability() {
  static const int capability = EnvironmentInt("DNZ_EMULATED_GPU_CC", 90);
  return capability;
}

void RequireDevice(const void* pointer, size_t bytes, const char* what) {
  if (bytes == 0 || InAllocation(pointer, bytes)) return;
  std::fprintf(stderr, "emulated GPU: %s: %zu bytes at %p are not inside one device allocation\n",
               what, bytes, pointer);
  std::abort();
}

}  // namespace dnz::emu

using dnz::emu::Fail;

extern "C" {

cudaError_t cudaMalloc(void** pointer, size_t size) {
  if (dnz::emu::RefusedDuringCapture()) return Fail(cudaErrorStreamCaptureUnsupported);
  // Rounded up and aligned like cudaMalloc's (256 bytes); not zeroed, like the GPU's.
  const size_t rounded = dnz::emu::Rounded(size);
  dnz::emu::Device& d = dnz::emu::TheDevice();
  std::lock_guard<std::mutex> lock(d.mutex);
  if (rounded > dnz::emu::MemoryBytes() - d.allocated) return Fail(cudaErrorMemoryAllocation);
  void* p = std::aligned_alloc(256, rounded);
  if (p == nullptr) return Fail(cudaErrorMemoryAllocation);
  std::memset(p, 0xFF, rounded);  // garbage: NaN in every float type, -1, 255
  d.allocations[static_cast<const char*>(p)] = size;
  d.allocated += rounded;
  *pointer = p;
  return cudaSuccess;
}

cudaError_t cudaFree(void* pointer) {
  if (pointer == nullptr) return cudaSuccess;
  dnz::emu::RunAllPending();  // cudaFree waits for the device, as on a GPU
  dnz::emu::Device& d = dnz::emu::TheDevice();
  {
    std::lock_guard<std::mutex> lock(d.mutex);
    const auto it = d.allocations.find(static_cast<const char*>(pointer));
    if (it == d.allocations.end()) return Fail(cudaErrorInvalidValue);
    d.allocated -= dnz::emu::Rounded(it->second);
    d.allocations.erase(it);
  }
  std::free(pointer);
  return cudaSuccess;
}

static cudaError_t CheckCopy(void* dst, const void* src, size_t count, cudaMemcpyKind kind) {
  const bool dst_device = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
  const bool src_device = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
  if (kind == cudaMemcpyDefault || kind == cudaMemcpyHostToHost) return cudaSuccess;
  if (dst_device) dnz::emu::RequireDevice(dst, count, "cudaMemcpy destination");
  if (src_device) dnz::emu::RequireDevice(src, count, "cudaMemcpy source");
  return cudaSuccess;
}

cudaError_t cudaMemcpy(void* dst, const void* src, size_t count, cudaMemcpyKind kind) {
  if (dnz::emu::RefusedDuringCapture()) return Fail(cudaErrorStreamCaptureUnsupported);
  CheckCopy(dst, src, count, kind);
  dnz::emu::RunPending(nullptr);  // the legacy stream's work first; streams made non-blocking
                                  // are not waited for, as on a GPU
  std::memcpy(dst, src, count);
  return cudaSuccess;
}

cudaError_t cudaMemcpyAsync(void* dst, const void* src, size_t count, cudaMemcpyKind kind,
                            cudaStream_t stream) {
  CheckCopy(dst, src, count, kind);
  // A copy to or from host memory inside a graph would replay into whatever the host
  // buffer holds then: our steps must not capture one.
  if (dnz::emu::Capturing(stream) && kind != cudaMemcpyDeviceToDevice) {
    stream->capture_invalidated = true;
    return Fail(cudaErrorStreamCaptureUnsupported);
  }
  dnz::emu::Enqueue(stream, [=] { std::memcpy(dst, src, count); });
  return cudaSuccess;
}

cudaError_t cudaMemsetAsync(void* pointer, int value, size_t count, cudaStream_t stream) {
  dnz::emu::RequireDevice(pointer, count, "cudaMemsetAsync");
  dnz::emu::Enqueue(stream, [=] { std::memset(pointer, value, count); });
  return cudaSuccess;
}

cudaError_t cudaMemset(void* pointer, int value, size_t count) {
  return cudaMemsetAsync(pointer, value, count, nullptr);
}

cudaError_t cudaStreamCreateWithFlags(cudaStream_t* stream, unsigned int) {
  *stream = new CUstream_st;
  dnz::emu::TheDevice().streams.insert(*stream);
  return cudaSuccess;
}

cudaError_t cudaStreamDestroy(cudaStream_t stream) {
  dnz::emu::RunPending(stream);  // its work still runs, as on a GPU
  dnz::emu::TheDevice().streams.erase(stream);
  delete stream;
  return cudaSuccess;
}

cudaError_t cudaStreamSynchronize(cudaStream_t stream) {
  if (dnz::emu::Capturing(stream)) {
    stream->capture_invalidated = true;
    return Fail(cudaErrorStreamCaptureUnsupported);
  }
  dnz::emu::RunPending(stream);
  return cudaSuccess;
}

cudaError_t cudaDeviceSynchronize(void) {
  if (dnz::emu::RefusedDuringCapture()) return Fail(cudaErrorStreamCaptureUnsupported);
  dnz::emu::RunAllPending();
  return cudaSuccess;
}

cudaError_t cudaStreamBeginCapture(cudaStream_t stream, cudaStreamCaptureMode) {
  if (stream == nullptr) return Fail(cudaErrorStreamCaptureUnsupported);  // the legacy stream
  if (stream->capturing) return Fail(cudaErrorIllegalState);
  stream->capturing = true;
  stream->capture_invalidated = false;
  stream->recorded.clear();
  ++dnz::emu::TheDevice().streams_capturing;
  return cudaSuccess;
}

cudaError_t cudaStreamEndCapture(cudaStream_t stream, cudaGraph_t* graph) {
  if (!dnz::emu::Capturing(stream)) return Fail(cudaErrorIllegalState);
  stream->capturing = false;
  --dnz::emu::TheDevice().streams_capturing;
  *graph = nullptr;
  if (stream->capture_invalidated) return Fail(cudaErrorStreamCaptureInvalidated);
  *graph = new CUgraph_st{std::move(stream->recorded)};
  stream->recorded.clear();
  return cudaSuccess;
}

cudaError_t cudaGraphInstantiate(cudaGraphExec_t* exec, cudaGraph_t graph, unsigned long long) {
  if (graph == nullptr) return Fail(cudaErrorInvalidValue);
  *exec =
      new CUgraphExec_st{std::make_shared<const std::vector<std::function<void()>>>(graph->work)};
  return cudaSuccess;
}

cudaError_t cudaGraphLaunch(cudaGraphExec_t exec, cudaStream_t stream) {
  if (exec == nullptr) return Fail(cudaErrorInvalidValue);
  dnz::emu::Enqueue(stream, [work = exec->work] {
    for (const auto& w : *work) w();
  });
  return cudaSuccess;
}

cudaError_t cudaGraphExecDestroy(cudaGraphExec_t exec) {
  delete exec;
  return cudaSuccess;
}

cudaError_t cudaGraphDestroy(cudaGraph_t graph) {
  delete graph;
  return cudaSuccess;
}

cudaError_t cudaGetLastError(void) {
  const cudaError_t error = dnz::emu::last_error;
  dnz::emu::last_error = cudaSuccess;
  return error;
}

cudaError_t cudaPeekAtLastError(void) { return dnz::emu::last_error; }

const char* cudaGetErrorName(cudaError_t error) {
  switch (error) {
    case cudaSuccess:
      return "cudaSuccess";
    case cudaErrorInvalidValue:
      return "cudaErrorInvalidValue";
    case cudaErrorMemoryAllocation:
      return "cudaErrorMemoryAllocation";
    case cudaErrorNoDevice:
      return "cudaErrorNoDevice";
    case cudaErrorStreamCaptureUnsupported:
      return "cudaErrorStreamCaptureUnsupported";
    case cudaErrorStreamCaptureInvalidated:
      return "cudaErrorStreamCaptureInvalidated";
    case cudaErrorIllegalState:
      return "cudaErrorIllegalState";
    case cudaErrorNotReady:
      return "cudaErrorNotReady";
    case cudaErrorInvalidConfiguration:
      return "cudaErrorInvalidConfiguration";
    default:
      return "cudaErrorUnknown";
  }
}

const char* cudaGetErrorString(cudaError_t error) {
  switch (error) {  // CUDA's own wording for the faults a test injects
    case cudaSuccess:
      return "no error";
    case cudaErrorMemoryAllocation:
      return "out of memory";
    case cudaErrorNoDevice:
      return "no CUDA-capable device is detected";
    default:
      return "emulated CUDA error";
  }
}

cudaError_t cudaGetDeviceCount(int* count) {
  *count = dnz::emu::EnvironmentInt("DNZ_EMULATED_GPU_COUNT", 1);
  return *count == 0 ? Fail(cudaErrorNoDevice) : cudaSuccess;  // as CUDA's runtime answers
}

cudaError_t cudaGetDevice(int* device) {
  *device = 0;
  return cudaSuccess;
}

cudaError_t cudaGetDeviceProperties(cudaDeviceProp* prop, int device) {
  if (device != 0) return Fail(cudaErrorInvalidDevice);
  *prop = cudaDeviceProp{};
  std::snprintf(prop->name, sizeof prop->name, "CPU emulation of a CUDA device");
  prop->major = dnz::emu::ComputeCapability() / 10;
  prop->minor = dnz::emu::ComputeCapability() % 10;
  prop->totalGlobalMem = dnz::emu::MemoryBytes();
  return cudaSuccess;
}

cudaError_t cudaDeviceGetAttribute(int* value, cudaDeviceAttr attr, int device) {
  if (device != 0) return Fail(cudaErrorInvalidDevice);
  switch (attr) {
    case cudaDevAttrComputeCapabilityMajor:
      *value = dnz::emu::ComputeCapability() / 10;
      return cudaSuccess;
    case cudaDevAttrComputeCapabilityMinor:
      *value = dnz::emu::ComputeCapability() % 10;
      return cudaSuccess;
    default:
      return Fail(cudaErrorInvalidValue);
  }
}

cudaError_t cudaEventCreate(cudaEvent_t* event) {
  *event = new CUevent_st;
  return cudaSuccess;
}

cudaError_t cudaEventRecord(cudaEvent_t event, cudaStream_t stream) {
  event->stream = stream;
  event->armed = true;
  event->completed = false;
  dnz::emu::Enqueue(stream, [event] {
    event->completed = true;
    event->when = std::chrono::steady_clock::now();
  });
  return cudaSuccess;
}

cudaError_t cudaEventSynchronize(cudaEvent_t event) {
  if (!event->armed) return cudaSuccess;  // as CUDA: an event never recorded is complete
  dnz::emu::RunPending(event->stream, [event] { return event->completed; });
  return cudaSuccess;
}

cudaError_t cudaEventElapsedTime(float* ms, cudaEvent_t start, cudaEvent_t end) {
  if (!start->armed || !end->armed) return Fail(cudaErrorInvalidResourceHandle);
  if (!start->completed || !end->completed) return Fail(cudaErrorNotReady);
  *ms = std::chrono::duration<float, std::milli>(end->when - start->when).count();
  return cudaSuccess;
}

cudaError_t cudaEventDestroy(cudaEvent_t event) {
  delete event;
  return cudaSuccess;
}

}  // extern "C"
