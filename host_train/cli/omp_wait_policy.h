// How host_train's OpenMP threads wait: a short spin, then sleep, unless the user chose.
//
// At the end of each of oneDNN's parallel regions (hundreds per training step) a thread that
// is done waits for the others. libgomp's default spins about 300,000 times before it sleeps
// (GOMP_SPINCOUNT; a few hundred microseconds to milliseconds); `passive` sleeps at once.
// While another program keeps a core busy, the spinning keeps a core from the thread that
// is behind: bf16 training at 2 threads fell from 1,454 to 333 images/s (issue 9). Measured
// on the 2-core VM, bf16, batch 128, 2 threads, interleaved runs, noisy (other builds ran
// beside them, so "idle" was emulated by running host_train under SCHED_FIFO):
//
//   spin count            idle (SCHED_FIFO)       loaded (load average 5-6 from others)
//   300,000 (default)     1,588-2,057 images/s    150-417 images/s
//   30,000                1,576-1,624             359-452
//   10,000 (chosen)       1,685-1,911             535-623
//   3,000                 1,580-1,597             629-683
//   0 (passive)           1,318-1,739             661-784
//
// Passive cost a fifth to a quarter of the idle speed; 10,000 kept it and recovered most of what
// spinning lost under load (docs/benchmarks.md, "Under load", has the busy-core run).
// libgomp reads OMP_WAIT_POLICY and GOMP_SPINCOUNT once, when it is loaded, before main(),
// so host_train sets GOMP_SPINCOUNT=10000 and starts itself again (execv of /proc/self/exe:
// the same process id, arguments and environment otherwise). A user who set either variable
// keeps it: OMP_WAIT_POLICY=passive, or GOMP_SPINCOUNT=300000 for libgomp's default.
// Header-only: included by main.cc and loop/train_benchmark.cc.
#ifndef DNZ_HOST_TRAIN_CLI_OMP_WAIT_POLICY_H_
#define DNZ_HOST_TRAIN_CLI_OMP_WAIT_POLICY_H_

#include <unistd.h>

#include <cstdlib>
#include <string>

namespace dnz::train {

// The spin count host_train chooses (libgomp's GOMP_SPINCOUNT), see above.
inline constexpr const char* kOpenMpSpinCount = "10000";

// Call first in main(), before any thread starts: returns only when the wait policy is the
// user's, or when the restart failed (then libgomp's default stays, and the variable is
// removed again so that child processes see the environment the user gave).
inline void PreferShortOpenMpSpins(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) {
    return;
  }
  if (::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GOMP_SPINCOUNT");
}

// The waits in force, for the benchmark line: the policy ("passive", "active", or "default",
// libgomp's), with ",spin=N" when GOMP_SPINCOUNT is set.
inline std::string OpenMpWaitPolicy() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  std::string text = policy != nullptr && *policy != '\0' ? policy : "default";
  for (char& c : text) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  if (spin != nullptr) text += std::string(",spin=") + spin;
  return text;
}

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_OMP_WAIT_POLICY_H_
