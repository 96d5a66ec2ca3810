#include "loop/train_benchmark.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "cli/omp_wait_policy.h"
#include "optimize/adam.h"

namespace dnz::train {

bool BenchmarkTrainingSteps(TrainBackend& backend, const float* noisy, const float* clean,
                            int count, int steps, std::string* error) {
  using Clock = std::chrono::steady_clock;
  constexpr int kWarmup = 3;
  const AdamConfig adam;
  std::vector<double> step_ms;
  for (int i = 0; i < kWarmup + steps; ++i) {
    const Clock::time_point start = Clock::now();
    double loss = 0.0;
    if (!backend.ComputeGradients(noisy, clean, count, &loss, error) ||
        !backend.ApplyAdam(adam, error)) {
      return false;
    }
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (i >= kWarmup) step_ms.push_back(ms);
  }
  double total_ms = 0.0;
  for (double ms : step_ms) total_ms += ms;
  std::sort(step_ms.begin(), step_ms.end());
  std::printf(
      "BENCH train backend=%s device=\"%s\" batch=%d img_per_s=%.1f median_step_ms=%.1f "
      "omp_wait=%s\n",
      backend.Name().c_str(), backend.Device().c_str(), count,
      1e3 * count * static_cast<double>(step_ms.size()) / total_ms, step_ms[step_ms.size() / 2],
      OpenMpWaitPolicy().c_str());
  return true;
}

}  // namespace dnz::train
