#include "cli/signals.h"

#include <unistd.h>

#include <csignal>

namespace dnz::train {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

void OnInterrupt(int) {
  if (g_interrupted) _exit(130);
  g_interrupted = 1;
}

}  // namespace

void InstallInterruptHandler() {
  struct sigaction action = {};
  action.sa_handler = OnInterrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

bool InterruptRequested() { return g_interrupted != 0; }
void ClearInterruptRequest() { g_interrupted = 0; }

}  // namespace dnz::train
