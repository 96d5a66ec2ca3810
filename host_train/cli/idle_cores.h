// The trainer's default thread count: the cores of this process's affinity set that were
// mostly idle just before training, read from /proc/stat. With 2 threads and one core kept
// busy by another program, every OpenMP region waits for the thread that has no core: a
// bf16 step took 3.1x its idle time, against 1.0x on one thread, which was then 1.5x faster
// than two (docs/benchmarks.md, "Under load").
#ifndef DNZ_HOST_TRAIN_CLI_IDLE_CORES_H_
#define DNZ_HOST_TRAIN_CLI_IDLE_CORES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::train {

// One "cpuN" line of /proc/stat: jiffies spent idle (idle + iowait) and in total.
struct CpuTimes {
  int cpu = -1;
  uint64_t idle = 0;
  uint64_t total = 0;
};

// The per-CPU lines of /proc/stat text; malformed lines are skipped.
std::vector<CpuTimes> ParseProcStat(const std::string& text);

// How many of `usable` CPUs were idle for at least half of the time between two samples.
int CountIdleCpus(const std::vector<CpuTimes>& before, const std::vector<CpuTimes>& after,
                  const std::vector<int>& usable);

// Samples /proc/stat `sample_ms` apart: the idle cores of this process's affinity set, at
// least 1; all of the set when /proc/stat cannot be read.
int IdleCores(int sample_ms);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_IDLE_CORES_H_
