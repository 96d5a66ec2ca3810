// The stages of one training step, as `host_train --bench-profile` times them (per backend:
// TrainBackend::StageTiming). In step order:
//   setup            the batch (uploaded, or gathered with its noise on the device) and, on
//                    the GPU, the conv weights' aligned copy
//   layer N forward  the conv of docs/reference.md's layer N with the upsample before it and
//                    its bias, activation and the pool after it
//   loss             sigmoid-BCE and its gradient
//   layer N backward from the gradient at that conv's output to its weight and bias gradients
//                    and the gradient at the previous conv's output (through its pool)
//   adam             the update (and, in f16, the loss scale's)
#ifndef DNZ_HOST_TRAIN_NETWORK_STEP_STAGES_H_
#define DNZ_HOST_TRAIN_NETWORK_STEP_STAGES_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <string>

#include "network/seed_network.h"

namespace dnz::train {

constexpr int kSetupStage = 0;
constexpr int ForwardStage(int conv) { return 1 + conv; }
constexpr int kLossStage = 1 + kNumConvs;
constexpr int BackwardStage(int conv) { return 2 + kNumConvs + conv; }
constexpr int kAdamStage = 2 + 2 * kNumConvs;
constexpr int kStageCount = kAdamStage + 1;

// "setup", "layer 4 forward", "loss", "layer 4 backward", "adam".
std::string StageName(int stage);

// Milliseconds spent in each stage, summed over `steps` steps.
struct StageTimes {
  std::array<double, kStageCount> ms{};
  int64_t steps = 0;
};

// Stage timing on the host clock, for a backend whose work is done when its calls return
// (oneDNN on the CPU): each Mark adds the time since the previous Mark (or Start) to a stage.
class HostStageClock {
 public:
  void Start() { last_ = Clock::now(); }
  void Mark(int stage, StageTimes* times) {
    const Clock::time_point now = Clock::now();
    times->ms[static_cast<size_t>(stage)] +=
        std::chrono::duration<double, std::milli>(now - last_).count();
    last_ = now;
  }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::time_point last_ = Clock::now();
};

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_STEP_STAGES_H_
