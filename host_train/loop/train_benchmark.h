// host_train --bench-steps N: training throughput, nothing written. Times N training steps
// (TrainBackend::Step: the batch with its noise, forward, backward, Adam) on the images of
// one batch after a few warm-up steps, and prints one line that
// scripts/write_benchmarks_md.py reads:
//   BENCH train backend=onednn device="..." batch=128 img_per_s=... median_step_ms=...
//         omp_wait=default,spin=10000 data=host
// omp_wait: the OpenMP waits in force (cli/busy_cores.h). data: host batches, or
// device-resident ones as a GPU epoch runs (noise drawn on the device). Steps are timed in
// groups of BackendInfo::loss_read_steps, the loss read after each group as in training: one
// by one on the CPU, a group of 20 over 20 on the GPU.
//
// With `profile`, the same steps then run again with stage timing on
// (TrainBackend::StageTiming) and a line per stage of network/step_stages.h follows, then
// their total beside the untimed median step:
//   PROFILE backend=cudnn-bf16 steps=203 stage="layer 4 backward" ms_per_step=0.052 share=7.3%
//   PROFILE backend=cudnn-bf16 steps=203 stage="total" ms_per_step=0.71 share=100.0%
//           untimed_step_ms=0.52
// (steps counts the warm-up steps too: they are timed stage by stage as well).
#ifndef DNZ_HOST_TRAIN_LOOP_TRAIN_BENCHMARK_H_
#define DNZ_HOST_TRAIN_LOOP_TRAIN_BENCHMARK_H_

#include <string>

#include "network/backend.h"

namespace dnz::train {

// `clean`: the `count` images of the batch, [count][28][28] (they become the training set).
bool BenchmarkTrainingSteps(TrainBackend& backend, const float* clean, int count, int steps,
                            bool profile, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_LOOP_TRAIN_BENCHMARK_H_
