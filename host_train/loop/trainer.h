// The training loop: data, noise, shuffling, steps, validation, logs, checkpoints, resume,
// SIGINT, the dead-ReLU guard, pictures; and the throughput benchmark (--bench-steps).
#ifndef DNZ_HOST_TRAIN_LOOP_TRAINER_H_
#define DNZ_HOST_TRAIN_LOOP_TRAINER_H_

#include <cstdint>
#include <vector>

#include "cli/train_options.h"

namespace dnz::train {

constexpr int kExitOk = 0;
constexpr int kExitError = 1;
constexpr int kExitInterrupted = 130;

// Below this fraction of positive layer-13 outputs on a batch the ReLU counts as dead (a
// healthy init has a large share positive; a stuck one has none or a handful of pixels).
constexpr double kDeadBottleneckFraction = 0.01;
constexpr int kMaxInitRedraws = 20;

// Runs as configured; prints progress and one-line errors; returns the exit code.
int RunTraining(const TrainOptions& options);

// The epoch's image order: Fisher-Yates driven by xoshiro256** from (shuffle_seed, epoch).
std::vector<int> EpochPermutation(uint64_t shuffle_seed, int epoch, int count);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_LOOP_TRAINER_H_
