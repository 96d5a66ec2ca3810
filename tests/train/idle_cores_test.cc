// The trainer's default thread count from /proc/stat (host_train/cli/idle_cores.h).
#include "cli/idle_cores.h"

#include <gtest/gtest.h>
#include <sched.h>

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

}  // namespace
}  // namespace dnz::train
