// Busy cores: how host_train shares a machine with other programs. One policy, two parts:
//   1. Threads: a fresh run takes the cores of its affinity set that were idle (for at least
//      half of a 200 ms sample of /proc/stat) when it starts, at least one. --threads N
//      overrides it, and a resumed run keeps the count its checkpoint was started with.
//   2. Waits: an OpenMP thread that is done waits 10,000 spins and then sleeps
//      (GOMP_SPINCOUNT), not libgomp's 300,000, unless the user set OMP_WAIT_POLICY or
//      GOMP_SPINCOUNT.
// Why: a thread without a core of its own stalls every parallel region of a step, and long
// spinning keeps a core from the thread that is behind. The measurements:
// docs/benchmarks.md, "Busy cores and the trainer's threads" (and "Under load").
// The runtime (a library in someone else's process) has its own rule:
// runtime/src/adaptive_threads.h.
#ifndef DNZ_HOST_TRAIN_CLI_BUSY_CORES_H_
#define DNZ_HOST_TRAIN_CLI_BUSY_CORES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::train {

// ---- 1. Threads ----

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

// ---- 2. Waits ----

// The spin count host_train chooses (libgomp's GOMP_SPINCOUNT).
inline constexpr const char* kOpenMpSpinCount = "10000";

// Call first in main(), before any thread starts. libgomp reads its variables once, when it
// loads, so this sets GOMP_SPINCOUNT and starts the program again (execv of /proc/self/exe:
// the same process id and arguments). Returns only when the waits are the user's, or when
// the restart failed (then libgomp's default stays, and the variable is removed again so
// that child processes see the environment the user gave).
void PreferShortOpenMpSpins(char** argv);

// The waits in force, for the benchmark line: the policy ("passive", "active", or "default",
// libgomp's), with ",spin=N" when GOMP_SPINCOUNT is set.
std::string OpenMpWaitPolicy();

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_BUSY_CORES_H_
