#include "loop/train_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "cli/omp_wait_policy.h"
#include "network/step_stages.h"
#include "optimize/adam.h"

namespace dnz::train {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWarmup = 3;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// Host batches: each step is timed on its own (the step returns with its loss).
bool TimeHostSteps(TrainBackend& backend, const float* noisy, const float* clean, int count,
                   int steps, std::vector<double>* step_ms, std::string* error) {
  const AdamConfig adam;
  for (int i = 0; i < kWarmup + steps; ++i) {
    const Clock::time_point start = Clock::now();
    double loss = 0.0;
    if (!backend.ComputeGradients(noisy, clean, count, &loss, error) ||
        !backend.ApplyAdam(adam, error)) {
      return false;
    }
    if (i >= kWarmup) step_ms->push_back(MillisecondsSince(start));
  }
  return true;
}

// Device-resident data (the GPU), as an epoch runs it: batches made on the device, steps
// queued without waiting, the loss read back every 20 steps. A step's time is its group's
// time over 20.
bool TimeDeviceSteps(TrainBackend& backend, const float* clean, int count, int steps,
                     std::vector<double>* step_ms, std::string* error) {
  constexpr int kGroup = 20;
  const AdamConfig adam;
  std::vector<int> order(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) order[static_cast<size_t>(i)] = i;
  double loss_sum = 0.0;
  auto run = [&](int n) {
    for (int i = 0; i < n; ++i) {
      if (!backend.ComputeGradientsOnDevice(0, count, 0.7, 1, 1, error) ||
          !backend.ApplyAdam(adam, error)) {
        return false;
      }
    }
    return backend.TakeLossSum(&loss_sum, error);
  };
  if (!backend.UploadTrainingSet(clean, count, error) || !backend.SetEpochOrder(order, error) ||
      !run(kWarmup)) {
    return false;
  }
  for (int done = 0; done < steps; done += kGroup) {
    const int n = std::min(kGroup, steps - done);
    const Clock::time_point start = Clock::now();
    if (!run(n)) return false;
    const double ms = MillisecondsSince(start) / n;
    for (int i = 0; i < n; ++i) step_ms->push_back(ms);
  }
  return true;
}

bool TimeSteps(TrainBackend& backend, const float* noisy, const float* clean, int count, int steps,
               std::vector<double>* step_ms, std::string* error) {
  return backend.SupportsDeviceData()
             ? TimeDeviceSteps(backend, clean, count, steps, step_ms, error)
             : TimeHostSteps(backend, noisy, clean, count, steps, step_ms, error);
}

// The steps again, stage by stage: a PROFILE line per stage, then their total.
bool ProfileSteps(TrainBackend& backend, const float* noisy, const float* clean, int count,
                  int steps, double untimed_step_ms, std::string* error) {
  std::vector<double> step_ms;
  StageTimes times;
  if (!backend.SetStageTiming(true, error) ||
      !TimeSteps(backend, noisy, clean, count, steps, &step_ms, error) ||
      !backend.TakeStageTimes(&times, error) || !backend.SetStageTiming(false, error)) {
    return false;
  }
  if (times.steps <= 0) {
    *error = "stage timing: no step was timed";
    return false;
  }
  double total_ms = 0.0;
  for (double ms : times.ms) total_ms += ms;
  const double per_step = 1.0 / static_cast<double>(times.steps);
  const std::string head =
      "PROFILE backend=" + backend.Name() + " steps=" + std::to_string(times.steps) + " stage=\"";
  for (int stage = 0; stage < kStageCount; ++stage) {
    const double ms = times.ms[static_cast<size_t>(stage)];
    std::printf("%s%s\" ms_per_step=%.4f share=%.1f%%\n", head.c_str(), StageName(stage).c_str(),
                ms * per_step, total_ms > 0.0 ? 100.0 * ms / total_ms : 0.0);
  }
  std::printf("%stotal\" ms_per_step=%.4f share=100.0%% untimed_step_ms=%.3f\n", head.c_str(),
              total_ms * per_step, untimed_step_ms);
  return true;
}

}  // namespace

bool BenchmarkTrainingSteps(TrainBackend& backend, const float* noisy, const float* clean,
                            int count, int steps, bool profile, std::string* error) {
  const bool on_device = backend.SupportsDeviceData();
  std::vector<double> step_ms;
  if (!TimeSteps(backend, noisy, clean, count, steps, &step_ms, error)) return false;
  double total_ms = 0.0;
  for (double ms : step_ms) total_ms += ms;
  std::sort(step_ms.begin(), step_ms.end());
  std::printf(
      "BENCH train backend=%s device=\"%s\" batch=%d img_per_s=%.1f median_step_ms=%.3f "
      "omp_wait=%s data=%s%s\n",
      backend.Name().c_str(), backend.Device().c_str(), count,
      1e3 * count * static_cast<double>(step_ms.size()) / total_ms, step_ms[step_ms.size() / 2],
      OpenMpWaitPolicy().c_str(), on_device ? "device" : "host",
      on_device ? (" launch=\"" + backend.StepLaunchMode() + "\"").c_str() : "");
  if (!profile) return true;
  std::fflush(stdout);
  return ProfileSteps(backend, noisy, clean, count, steps, step_ms[step_ms.size() / 2], error);
}

}  // namespace dnz::train
