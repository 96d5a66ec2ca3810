// Stage timing on the GPU (host_train --bench-profile): as each stage of a step is enqueued,
// a CUDA event is recorded after it on the stream; the time between consecutive events is
// the GPU time of the stage the later one closes. Host time between steps is not counted:
// Start() opens a step (or its Adam update) without closing a stage.
#ifndef DNZ_HOST_TRAIN_CUDA_STAGE_EVENTS_H_
#define DNZ_HOST_TRAIN_CUDA_STAGE_EVENTS_H_

#include <cuda_runtime_api.h>

#include <string>
#include <vector>

#include "network/step_stages.h"

namespace dnz::train::cuda {

class StageEvents {
 public:
  StageEvents() = default;
  StageEvents(const StageEvents&) = delete;
  StageEvents& operator=(const StageEvents&) = delete;
  ~StageEvents();

  bool Start(cudaStream_t stream, std::string* error) { return Record(kStart, stream, error); }
  // Closes `stage` (network/step_stages.h) at this point of the stream.
  bool Mark(int stage, cudaStream_t stream, std::string* error) {
    return Record(stage, stream, error);
  }
  void CountStep() { ++times_.steps; }

  // Waits for the recorded work and returns the time of each stage since the last Take.
  bool Take(StageTimes* times, std::string* error);

 private:
  static constexpr int kStart = -1;
  // Every this many records, the finished ones are added up and their events reused.
  static constexpr size_t kMaxPending = 1024;

  bool Record(int stage, cudaStream_t stream, std::string* error);
  bool Collect(std::string* error);  // adds the records' times to times_ and forgets them

  std::vector<cudaEvent_t> events_;  // created as needed, then reused
  std::vector<int> stages_;          // what each recorded event closes (kStart: nothing)
  StageTimes times_;
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_STAGE_EVENTS_H_
