#include "cuda/stage_events.h"

#include <utility>

#include "cuda/cuda_status.h"

namespace dnz::train::cuda {

StageEvents::~StageEvents() {
  for (cudaEvent_t event : events_) cudaEventDestroy(event);
}

bool StageEvents::Record(int stage, cudaStream_t stream, std::string* error) {
  if (stages_.size() == kMaxPending && !Collect(error)) return false;
  if (stages_.size() == events_.size()) {
    cudaEvent_t event = nullptr;
    if (!CudaOk(cudaEventCreate(&event), "cudaEventCreate", error)) return false;
    events_.push_back(event);
  }
  if (!CudaOk(cudaEventRecord(events_[stages_.size()], stream), "cudaEventRecord", error)) {
    return false;
  }
  stages_.push_back(stage);
  return true;
}

bool StageEvents::Collect(std::string* error) {
  if (stages_.empty()) return true;
  if (!CudaOk(cudaEventSynchronize(events_[stages_.size() - 1]), "cudaEventSynchronize", error)) {
    return false;
  }
  for (size_t k = 1; k < stages_.size(); ++k) {
    if (stages_[k] == kStart) continue;
    float ms = 0.0f;
    if (!CudaOk(cudaEventElapsedTime(&ms, events_[k - 1], events_[k]), "cudaEventElapsedTime",
                error)) {
      return false;
    }
    times_.ms[static_cast<size_t>(stages_[k])] += ms;
  }
  // The last event opens the next record's interval: keep it, first, as a start.
  std::swap(events_[0], events_[stages_.size() - 1]);
  stages_.assign(1, kStart);
  return true;
}

bool StageEvents::Take(StageTimes* times, std::string* error) {
  if (!Collect(error)) return false;
  *times = times_;
  times_ = StageTimes{};
  stages_.clear();  // the next step opens with Start()
  return true;
}

}  // namespace dnz::train::cuda
