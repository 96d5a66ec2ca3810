#include "cli/signals.h"

#include <time.h>
#include <unistd.h>

#include <csignal>

namespace dnz::train {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;
timespec g_first_signal = {};  // written and read only by the handler (signals blocked there)

// A second signal this soon after the first is the same request: `timeout`, for one, signals
// both the process and its process group. A person pressing Ctrl-C again takes longer.
constexpr long kSameRequestNanoseconds = 500'000'000;

long NanosecondsSince(const timespec& then) {
  timespec now = {};
  clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  return (now.tv_sec - then.tv_sec) * 1'000'000'000L + (now.tv_nsec - then.tv_nsec);
}

void OnInterrupt(int) {
  if (!g_interrupted) {
    clock_gettime(CLOCK_MONOTONIC, &g_first_signal);
    g_interrupted = 1;
    return;
  }
  if (NanosecondsSince(g_first_signal) >= kSameRequestNanoseconds) _exit(130);
}

}  // namespace

void InstallInterruptHandler() {
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaddset(&action.sa_mask, SIGINT);
  sigaddset(&action.sa_mask, SIGTERM);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool InterruptRequested() { return g_interrupted != 0; }
void ClearInterruptRequest() { g_interrupted = 0; }

}  // namespace dnz::train
