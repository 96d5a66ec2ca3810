#include "loop/train_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "cli/busy_cores.h"
#include "network/step_stages.h"
#include "optimize/adam.h"

namespace dnz::train {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int kWarmup = 3;

double MillisecondsSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The steps as an epoch runs them: the loss read after every group of loss_read_steps (1 on
// the CPU, 20 on the GPU, whose steps are queued without waiting); a step's time is its
// group's time over the group's size.
bool TimeSteps(TrainBackend& backend, const float* clean, int count, int steps,
               std::vector<double>* step_ms, std::string* error) {
  const int group = backend.Info().loss_read_steps;
  std::vector<int> order(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) order[static_cast<size_t>(i)] = i;
  StepRequest request;
  request.batch = count;
  request.noise = 0.7;
  request.noise_seed = 1;
  request.noise_epoch = 1;
  double loss_sum = 0.0;
  auto run = [&](int n) {
    for (int i = 0; i < n; ++i) {
      if (!backend.Step(request, error)) return false;
    }
    return backend.TakeLossSum(&loss_sum, error);
  };
  if (!backend.SetTrainingSet(clean, count, error) || !backend.SetEpochOrder(order, error) ||
      !run(kWarmup)) {
    return false;
  }
  for (int done = 0; done < steps; done += group) {
    const int n = std::min(group, steps - done);
    const Clock::time_point start = Clock::now();
    if (!run(n)) return false;
    const double ms = MillisecondsSince(start) / n;
    for (int i = 0; i < n; ++i) step_ms->push_back(ms);
  }
  return true;
}

// The steps again, stage by stage: a PROFILE line per stage, then their total.
bool ProfileSteps(TrainBackend& backend, const float* clean, int count, int steps,
                  double untimed_step_ms, std::string* error) {
  std::vector<double> step_ms;
  StageTimes times;
  if (!backend.StageTiming(true, &times, error) ||
      !TimeSteps(backend, clean, count, steps, &step_ms, error) ||
      !backend.StageTiming(false, &times, error)) {
    return false;
  }
  if (times.steps <= 0) {
    *error = "stage timing: no step was timed";
    return false;
  }
  double total_ms = 0.0;
  for (double ms : times.ms) total_ms += ms;
  const double per_step = 1.0 / static_cast<double>(times.steps);
  const std::string head = "PROFILE backend=" + backend.Info().name +
                           " steps=" + std::to_string(times.steps) + " stage=\"";
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

bool BenchmarkTrainingSteps(TrainBackend& backend, const float* clean, int count, int steps,
                            bool profile, std::string* error) {
  std::vector<double> step_ms;
  if (!TimeSteps(backend, clean, count, steps, &step_ms, error)) return false;
  const BackendInfo info = backend.Info();
  double total_ms = 0.0;
  for (double ms : step_ms) total_ms += ms;
  std::sort(step_ms.begin(), step_ms.end());
  std::printf(
      "BENCH train backend=%s device=\"%s\" batch=%d img_per_s=%.1f median_step_ms=%.3f "
      "omp_wait=%s data=%s%s\n",
      info.name.c_str(), info.device.c_str(), count,
      1e3 * count * static_cast<double>(step_ms.size()) / total_ms, step_ms[step_ms.size() / 2],
      OpenMpWaitPolicy().c_str(), info.data_on_device ? "device" : "host",
      info.launch_mode.empty() ? "" : (" launch=\"" + info.launch_mode + "\"").c_str());
  if (!profile) return true;
  std::fflush(stdout);
  return ProfileSteps(backend, clean, count, steps, step_ms[step_ms.size() / 2], error);
}

}  // namespace dnz::train
