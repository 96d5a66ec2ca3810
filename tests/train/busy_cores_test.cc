// Busy cores (host_train/cli/busy_cores.h): the trainer's default thread count from
// /proc/stat, and the OpenMP waits it names.
#include "cli/busy_cores.h"

#include <gtest/gtest.h>
#include <sched.h>
#include <stdlib.h>

#include <cstdlib>
#include <string>

namespace dnz::train {
namespace {

TEST(IdleCores, ParsesThePerCpuLinesOfProcStat) {
  const std::vector<CpuTimes> cpus = ParseProcStat(
      "cpu  200 0 100 1000 50 0 0 0 0 0\n"
      "cpu0 100 0 50 500 25 0 0 0 0 0\n"
      "cpu1 100 0 50 500 25 0 0 0 0 0\n"
      "cpufreq garbage\n"
      "intr 12345 1 2 3\n");
  ASSERT_EQ(cpus.size(), 2u);
  EXPECT_EQ(cpus[0].cpu, 0);
  EXPECT_EQ(cpus[1].cpu, 1);
  EXPECT_EQ(cpus[0].idle, 525u);  // idle + iowait
  EXPECT_EQ(cpus[0].total, 675u);
}

TEST(IdleCores, CountsTheCpusIdleForHalfTheSampleOrMore) {
  const std::vector<CpuTimes> before = {{0, 1000, 2000}, {1, 1000, 2000}, {2, 1000, 2000}};
  // cpu0 busy (10 of 100 idle), cpu1 idle (90 of 100), cpu2 exactly half.
  const std::vector<CpuTimes> after = {{0, 1010, 2100}, {1, 1090, 2100}, {2, 1050, 2100}};
  EXPECT_EQ(CountIdleCpus(before, after, {0, 1, 2}), 2);
  EXPECT_EQ(CountIdleCpus(before, after, {0}), 0);      // only the busy one is ours
  EXPECT_EQ(CountIdleCpus(before, after, {1, 7}), 1);   // cpu7 is not in /proc/stat
  EXPECT_EQ(CountIdleCpus(before, before, {0, 1}), 0);  // no time passed: nothing known
}

TEST(IdleCores, IsAtLeastOneAndAtMostTheUsableCores) {
  const int idle = IdleCores(50);
  EXPECT_GE(idle, 1);
  cpu_set_t set;
  CPU_ZERO(&set);
  ASSERT_EQ(sched_getaffinity(0, sizeof set, &set), 0);
  EXPECT_LE(idle, CPU_COUNT(&set));
}

// The benchmark line's omp_wait= field: the policy, lower case, and the spin count when set.
TEST(OpenMpWaits, NameThePolicyInForce) {
  const char* names[] = {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"};
  std::string saved[2];
  bool had[2];
  for (int i = 0; i < 2; ++i) {
    const char* value = std::getenv(names[i]);
    had[i] = value != nullptr;
    saved[i] = had[i] ? value : "";
    ::unsetenv(names[i]);
  }
  EXPECT_EQ(OpenMpWaitPolicy(), "default");
  ::setenv("GOMP_SPINCOUNT", kOpenMpSpinCount, 1);
  EXPECT_EQ(OpenMpWaitPolicy(), "default,spin=10000");
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  ::unsetenv("GOMP_SPINCOUNT");
  EXPECT_EQ(OpenMpWaitPolicy(), "passive");
  for (int i = 0; i < 2; ++i) {
    if (had[i]) {
      ::setenv(names[i], saved[i].c_str(), 1);
    } else {
      ::unsetenv(names[i]);
    }
  }
}

}  // namespace
}  // namespace dnz::train
