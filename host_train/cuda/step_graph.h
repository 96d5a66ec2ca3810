// One training step's GPU work replayed as a CUDA graph: a step is ~70 small kernels and
// cuDNN calls, and on a fast GPU launching them one by one costs about as much as running
// them. A graph is captured per batch size (an epoch has at most two: full batches and the
// last one) and replayed with one launch.
//
// The work must read and write the same buffers every time; the backend calls Clear()
// whenever one of them moves. Anything that changes per step (the batch's position, the
// noise seed, Adam's step size) is launched outside the graph.
#ifndef DNZ_HOST_TRAIN_CUDA_STEP_GRAPH_H_
#define DNZ_HOST_TRAIN_CUDA_STEP_GRAPH_H_

#include <cuda_runtime_api.h>

#include <functional>
#include <string>
#include <vector>

namespace dnz::train::cuda {

class StepGraphs {
 public:
  // Enqueues one step's work on the stream; false with the error on failure.
  using Enqueue = std::function<bool(std::string* error)>;

  StepGraphs() = default;
  StepGraphs(const StepGraphs&) = delete;
  StepGraphs& operator=(const StepGraphs&) = delete;
  ~StepGraphs() { Clear(); }

  // Runs `enqueue`'s work on `stream` for a step of `batch` images: the first time directly
  // (cuDNN and CUDA load kernels lazily, which a capture cannot), the second time captured
  // into a graph and launched, then by relaunching that graph. If capturing fails, graphs
  // are turned off with a reason (disabled_reason) and the step runs directly, now and after.
  bool Run(int batch, cudaStream_t stream, const Enqueue& enqueue, std::string* error);

  // Forgets every graph (the buffers they were captured with have moved).
  void Clear();

  // Off: Run always runs the work directly. On by default.
  void set_enabled(bool enabled) { enabled_ = enabled; }
  bool enabled() const { return enabled_; }
  // Empty unless a capture failed; then one line saying why.
  const std::string& disabled_reason() const { return disabled_reason_; }
  // Steps that ran by relaunching a graph (for tests and benchmarks).
  long long replays() const { return replays_; }

 private:
  struct Entry {
    int batch = 0;
    int direct_runs = 0;
    cudaGraphExec_t graph = nullptr;
  };
  Entry& EntryFor(int batch);
  bool Capture(cudaStream_t stream, const Enqueue& enqueue, cudaGraphExec_t* graph,
               std::string* why);

  bool enabled_ = true;
  std::string disabled_reason_;
  std::vector<Entry> entries_;
  long long replays_ = 0;
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_STEP_GRAPH_H_
