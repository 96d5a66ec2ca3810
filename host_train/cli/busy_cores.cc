// Busy cores (busy_cores.h): the idle cores from /proc/stat, and the OpenMP waits.
#include "cli/busy_cores.h"

#include <sched.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <thread>

namespace dnz::train {
namespace {

std::string ReadProcStat() {
  std::ifstream file("/proc/stat");
  return std::string((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

std::vector<int> AffinityCpus() {
  std::vector<int> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

}  // namespace

std::vector<CpuTimes> ParseProcStat(const std::string& text) {
  std::vector<CpuTimes> cpus;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    // "cpuN user nice system idle iowait irq softirq steal ..." (the "cpu " total is skipped).
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') {
      continue;
    }
    std::istringstream fields(line.substr(3));
    CpuTimes t;
    uint64_t value = 0;
    if (!(fields >> t.cpu)) continue;
    for (int i = 0; i < 8 && (fields >> value); ++i) {
      t.total += value;
      if (i == 3 || i == 4) t.idle += value;  // idle, iowait
    }
    if (t.total > 0) cpus.push_back(t);
  }
  return cpus;
}

int CountIdleCpus(const std::vector<CpuTimes>& before, const std::vector<CpuTimes>& after,
                  const std::vector<int>& usable) {
  int idle = 0;
  for (int cpu : usable) {
    const CpuTimes* b = nullptr;
    const CpuTimes* a = nullptr;
    for (const CpuTimes& t : before) b = t.cpu == cpu ? &t : b;
    for (const CpuTimes& t : after) a = t.cpu == cpu ? &t : a;
    if (b == nullptr || a == nullptr || a->total <= b->total || a->idle < b->idle) continue;
    if (2 * (a->idle - b->idle) >= a->total - b->total) ++idle;
  }
  return idle;
}

int IdleCores(int sample_ms) {
  const std::vector<int> usable = AffinityCpus();
  const int all = usable.empty() ? 1 : static_cast<int>(usable.size());
  const std::vector<CpuTimes> before = ParseProcStat(ReadProcStat());
  if (before.empty()) return all;
  std::this_thread::sleep_for(std::chrono::milliseconds(sample_ms));
  const std::vector<CpuTimes> after = ParseProcStat(ReadProcStat());
  const int idle = CountIdleCpus(before, after, usable);
  return idle < 1 ? 1 : idle;
}

void PreferShortOpenMpSpins(char** argv) {
  if (std::getenv("OMP_WAIT_POLICY") != nullptr || std::getenv("GOMP_SPINCOUNT") != nullptr) {
    return;
  }
  if (::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1) != 0) return;
  ::execv("/proc/self/exe", argv);
  ::unsetenv("GOMP_SPINCOUNT");
}

std::string OpenMpWaitPolicy() {
  const char* policy = std::getenv("OMP_WAIT_POLICY");
  const char* spin = std::getenv("GOMP_SPINCOUNT");
  std::string text = policy != nullptr && *policy != '\0' ? policy : "default";
  for (char& c : text) c = (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  if (spin != nullptr) text += std::string(",spin=") + spin;
  return text;
}

}  // namespace dnz::train
