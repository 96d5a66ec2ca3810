#include "cuda/step_graph.h"

#include "cuda/cuda_status.h"

namespace dnz::train::cuda {

StepGraphs::Entry& StepGraphs::EntryFor(int batch) {
  for (Entry& entry : entries_) {
    if (entry.batch == batch) return entry;
  }
  entries_.push_back(Entry{batch, 0, nullptr});
  return entries_.back();
}

void StepGraphs::Clear() {
  for (Entry& entry : entries_) {
    if (entry.graph != nullptr) cudaGraphExecDestroy(entry.graph);
  }
  entries_.clear();
}

bool StepGraphs::Capture(cudaStream_t stream, const Enqueue& enqueue, cudaGraphExec_t* graph,
                         std::string* why) {
  // Thread-local: another thread's unrelated CUDA calls do not break the capture.
  if (!CudaOk(cudaStreamBeginCapture(stream, cudaStreamCaptureModeThreadLocal),
              "cudaStreamBeginCapture", why)) {
    return false;
  }
  std::string enqueue_error;
  const bool enqueued = enqueue(&enqueue_error);
  cudaGraph_t captured = nullptr;
  // Always ended, so that the stream leaves capture mode whatever happened inside.
  const cudaError_t ended = cudaStreamEndCapture(stream, &captured);
  bool ok = false;
  if (!enqueued) {
    *why = "while capturing: " + enqueue_error;
  } else if (CudaOk(ended, "cudaStreamEndCapture", why)) {
    ok = CudaOk(cudaGraphInstantiate(graph, captured, 0), "cudaGraphInstantiate", why);
  }
  if (captured != nullptr) cudaGraphDestroy(captured);
  return ok;
}

bool StepGraphs::Run(int batch, cudaStream_t stream, const Enqueue& enqueue, std::string* error) {
  if (!enabled_) return enqueue(error);
  Entry& entry = EntryFor(batch);
  if (entry.graph == nullptr && entry.direct_runs == 0) {
    ++entry.direct_runs;
    return enqueue(error);
  }
  if (entry.graph == nullptr) {
    std::string why;
    if (!Capture(stream, enqueue, &entry.graph, &why)) {
      entry.graph = nullptr;
      enabled_ = false;
      disabled_reason_ = "CUDA graph capture failed (" + why + "); steps run without a graph";
      Clear();
      (void)cudaGetLastError();  // a failed capture leaves its status behind; not sticky
      return enqueue(error);
    }
  }
  ++replays_;
  return CudaOk(cudaGraphLaunch(entry.graph, stream), "cudaGraphLaunch", error);
}

}  // namespace dnz::train::cuda
