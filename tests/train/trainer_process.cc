#include "trainer_process.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "checkpoint/checkpoint.h"

namespace dnz::train {
std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

TrainerRun RunTrainer(const std::string& binary, const std::vector<std::string>& args,
                      const std::string& interrupt_at, Interrupt how) {
  const std::string log = ::testing::TempDir() + "/dnz_run_output_" + std::to_string(::getpid());
  std::remove(log.c_str());  // a previous run's output must not trigger the interrupt
  const pid_t pid = ::fork();
  if (pid == 0) {
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    (void)out;
    ::dup2(::fileno(stdout), STDERR_FILENO);
    std::vector<char*> argv;
    std::string bin = binary;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(bin.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  if (!interrupt_at.empty()) {
    bool exited = false;
    while (ReadFile(log).find(interrupt_at) == std::string::npos) {
      if (::waitpid(pid, &status, WNOHANG) == pid) {
        exited = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!exited && how == Interrupt::kCtrlC) ::kill(pid, SIGINT);
    if (!exited && how == Interrupt::kTimeout) {
      ::kill(pid, SIGTERM);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ::kill(pid, SIGTERM);
    }
    if (!exited) ::waitpid(pid, &status, 0);
  } else {
    ::waitpid(pid, &status, 0);
  }
  TrainerRun run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.output = ReadFile(log);
  return run;
}

namespace {

// The entries of OUT/train_log.jsonl that have `key`.
std::vector<nlohmann::json> LogEntriesWith(const std::string& out, const char* key) {
  std::vector<nlohmann::json> entries;
  std::ifstream f(out + "/train_log.jsonl");
  for (std::string line; std::getline(f, line);) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains(key)) entries.push_back(j);
  }
  return entries;
}

}  // namespace

std::vector<nlohmann::json> EpochLog(const std::string& out) {
  return LogEntriesWith(out, "epoch");
}

std::vector<nlohmann::json> EventLog(const std::string& out) {
  return LogEntriesWith(out, "event");
}

void ExpectCheckpointSavedMidEpoch(const TrainerRun& run, const std::string& out) {
  ASSERT_EQ(run.exit_code, 130) << run.output;
  EXPECT_NE(run.output.find("checkpoint saved to"), std::string::npos) << run.output;
  Checkpoint c;
  std::string error;
  ASSERT_TRUE(LoadCheckpoint(out + "/" + kCheckpointName, &c, &error)) << error;
  EXPECT_EQ(c.epoch, 0);
  EXPECT_GT(c.step_in_epoch, 0);
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
}

void ExpectOneRedrawAtInit(const TrainerRun& run, const std::string& out, uint64_t seed) {
  ASSERT_EQ(run.exit_code, 0) << run.output;
  const std::string from = std::to_string(seed), next = std::to_string(seed + 1);
  EXPECT_NE(run.output.find("init seed " + from + ": layer-13 ReLU is dead"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("re-drawing the weights with seed " + next), std::string::npos)
      << run.output;
  EXPECT_EQ(run.output.find("init seed " + next + ": layer-13 ReLU is dead"), std::string::npos)
      << run.output;
  const auto events = EventLog(out);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0]["event"], "dead_relu_redraw");
  EXPECT_EQ(events[0]["init_seed"], seed);
  EXPECT_EQ(events[0]["next_init_seed"], seed + 1);
  Checkpoint c;
  std::string error;
  ASSERT_TRUE(LoadCheckpoint(out + "/" + kCheckpointName, &c, &error)) << error;
  EXPECT_EQ(c.init_seed, seed + 1);
  EXPECT_EQ(c.reinits, 1);
}

}  // namespace dnz::train
