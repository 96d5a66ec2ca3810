// The host's one atomic writer: what it leaves in the folder after success and after
// every kind of failure (a write that fails on a full file system, a rename that fails,
// a signal in the middle), and that a file that existed before is never lost.
#include "files/atomic_write.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

namespace dnz::files {
namespace {

namespace fs = std::filesystem;

// A fresh folder per test, removed afterwards.
class AtomicWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("dnz_atomic_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    SetRenameForTesting(nullptr);
    SetStepHookForTesting(nullptr);
    fs::remove_all(dir_);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  std::set<std::string> Listing() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      names.insert(entry.path().filename().string());
    }
    return names;
  }
  static std::string Read(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
  }
  static void Write(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  static std::vector<uint8_t> Bytes(const std::string& text) {
    return std::vector<uint8_t>(text.begin(), text.end());
  }
  fs::path dir_;
};

int g_renames_before_failure = 0;
int RenameThatFails(const char* from, const char* to) {
  if (g_renames_before_failure-- > 0) return std::rename(from, to);
  errno = EIO;
  return -1;
}

TEST_F(AtomicWriteTest, WritesAndReplacesLeavingNothingElse) {
  std::string error;
  ASSERT_TRUE(WriteFileAtomically(Path("a.bin"), std::string("first"), &error)) << error;
  ASSERT_TRUE(WriteFileAtomically(Path("a.bin"), std::string("second"), &error)) << error;
  EXPECT_EQ(Read(Path("a.bin")), "second");
  ASSERT_TRUE(
      WriteFilesAtomically({{Path("a.bin"), Bytes("third")}, {Path("b.bin"), Bytes("b")}}, &error))
      << error;
  EXPECT_EQ(Read(Path("a.bin")), "third");
  EXPECT_EQ(Listing(), (std::set<std::string>{"a.bin", "b.bin"}));  // no temporaries, no backups
}

TEST_F(AtomicWriteTest, AFailedWriteLeavesTheOldFileAndNoTemporary) {
  Write(Path("a.bin"), "old");
  // A full file system, as a file size limit: the write of the temporary fails (EFBIG).
  ::signal(SIGXFSZ, SIG_IGN);
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit small = saved;
  small.rlim_cur = 1000;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  std::string error;
  const bool written = WriteFileAtomically(Path("a.bin"), std::string(4096, 'x'), &error);
  const bool set_written = WriteFilesAtomically(
      {{Path("b.bin"), Bytes("small")}, {Path("a.bin"), std::vector<uint8_t>(4096, 'y')}}, &error);
  ::setrlimit(RLIMIT_FSIZE, &saved);
  ::signal(SIGXFSZ, SIG_DFL);
  EXPECT_FALSE(written);
  EXPECT_FALSE(set_written);
  EXPECT_NE(error.find("a.bin: cannot write"), std::string::npos) << error;
  EXPECT_EQ(Read(Path("a.bin")), "old");
  EXPECT_EQ(Listing(), std::set<std::string>{"a.bin"});
}

TEST_F(AtomicWriteTest, AFailedRenameLeavesTheOldFileAndNoTemporary) {
  Write(Path("a.bin"), "old");
  SetRenameForTesting(RenameThatFails);
  g_renames_before_failure = 0;
  std::string error;
  EXPECT_FALSE(WriteFileAtomically(Path("a.bin"), std::string("new"), &error));
  EXPECT_NE(error.find("a.bin: cannot write"), std::string::npos) << error;
  EXPECT_EQ(Read(Path("a.bin")), "old");
  EXPECT_EQ(Listing(), std::set<std::string>{"a.bin"});
}

// The second rename of a set fails after the first file was put in place: the first
// path must hold its old bytes again, and a path that held nothing must hold nothing.
TEST_F(AtomicWriteTest, ASetIsAllOrNothingAndRestoresWhatWasThere) {
  Write(Path("a.bin"), "old a");
  SetRenameForTesting(RenameThatFails);
  for (const bool a_existed : {true, false}) {
    if (!a_existed) fs::remove(Path("a.bin"));
    g_renames_before_failure = 1;
    std::string error;
    EXPECT_FALSE(WriteFilesAtomically(
        {{Path("a.bin"), Bytes("new a")}, {Path("b.bin"), Bytes("new b")}}, &error));
    EXPECT_NE(error.find("b.bin: cannot write"), std::string::npos) << error;
    if (a_existed) {
      EXPECT_EQ(Read(Path("a.bin")), "old a");
      EXPECT_EQ(Listing(), std::set<std::string>{"a.bin"});
    } else {
      EXPECT_TRUE(Listing().empty());
    }
  }
}

TEST_F(AtomicWriteTest, ADirectoryInTheWayIsRefusedBeforeWriting) {
  fs::create_directory(Path("out.png"));
  std::string error;
  EXPECT_FALSE(
      WriteFilesAtomically({{Path("x.png"), Bytes("x")}, {Path("out.png"), Bytes("y")}}, &error));
  EXPECT_NE(error.find("a directory is in the way"), std::string::npos) << error;
  EXPECT_EQ(Listing(), std::set<std::string>{"out.png"});
  EXPECT_FALSE(WriteFileAtomically("/nonexistent_dir_dnz/x", std::string("data"), &error));
  EXPECT_NE(error.find("/nonexistent_dir_dnz/x: cannot write"), std::string::npos) << error;
}

int RenameThatIsInterrupted(const char*, const char*) {
  ::raise(SIGTERM);
  return -1;
}

// SIGTERM (or SIGINT) while a temporary exists: the handler removes it and the process
// ends as the signal says.
TEST_F(AtomicWriteTest, ASignalMidWriteRemovesTheTemporaries) {
  const pid_t child = ::fork();
  if (child == 0) {
    RemoveTemporariesOnSignals();
    SetRenameForTesting(RenameThatIsInterrupted);
    std::string error;
    WriteFilesAtomically({{Path("a.bin"), Bytes("a")}, {Path("b.bin"), Bytes("b")}}, &error);
    ::_exit(0);  // not reached: the signal ends the process
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
  EXPECT_EQ(WTERMSIG(status), SIGTERM);
  EXPECT_TRUE(Listing().empty());
}

// ---- A signal at each step of a set's write, when the outputs already exist.

// The child's hook: at step g_stop_at it tells the parent (a byte on g_ready_fd), then waits
// on g_wait_fd, which the parent never writes: only the signal (or the parent closing it)
// ends the wait, so the signal lands at that step without a sleep.
int g_step = 0;
int g_stop_at = -1;
int g_ready_fd = -1;
int g_wait_fd = -1;
void StopAtStep(WriteStep) {
  if (++g_step != g_stop_at) return;
  char byte = 1;
  if (::write(g_ready_fd, &byte, 1) != 1) ::_exit(2);
  (void)!::read(g_wait_fd, &byte, 1);
}

std::vector<WriteStep> g_steps;
void RecordStep(WriteStep step) { g_steps.push_back(step); }

class AtomicWriteSignalTest : public AtomicWriteTest {
 protected:
  // a.bin and b.bin exist, c.bin does not; the set replaces the two and adds the third.
  void WriteOldFiles() {
    fs::remove_all(dir_);  // and whatever an earlier case left
    fs::create_directories(dir_);
    Write(Path("a.bin"), "old a");
    Write(Path("b.bin"), "old b, longer");
  }
  std::vector<OutputFile> NewSet() const {
    return {{Path("a.bin"), Bytes("new a")},
            {Path("b.bin"), Bytes("new b")},
            {Path("c.bin"), Bytes("new c")}};
  }
  // The steps a write of the set takes, counted on a write that is not interrupted.
  std::vector<WriteStep> CountSteps() {
    WriteOldFiles();
    g_steps.clear();
    SetStepHookForTesting(RecordStep);
    std::string error;
    EXPECT_TRUE(WriteFilesAtomically(NewSet(), &error)) << error;
    SetStepHookForTesting(nullptr);
    return g_steps;
  }
  // Forks a writer, stops it after step `step` (1-based), sends `signal_number`; returns
  // how the writer ended (waitpid's status), or -1 if it never reached the step.
  int WriteAndSignalAtStep(int step, int signal_number) {
    WriteOldFiles();
    int ready[2], wait[2];
    if (::pipe(ready) != 0 || ::pipe(wait) != 0) return -1;
    const pid_t child = ::fork();
    if (child == 0) {
      ::close(ready[0]);
      ::close(wait[1]);
      RemoveTemporariesOnSignals();
      g_step = 0;
      g_stop_at = step;
      g_ready_fd = ready[1];
      g_wait_fd = wait[0];
      SetStepHookForTesting(StopAtStep);
      std::string error;
      WriteFilesAtomically(NewSet(), &error);
      ::_exit(3);  // not reached when the signal ends the writer
    }
    ::close(ready[1]);
    ::close(wait[0]);
    char byte = 0;
    const bool reached = ::read(ready[0], &byte, 1) == 1;
    if (reached) ::kill(child, signal_number);
    ::close(wait[1]);  // the signal is pending first; a writer that ignores it finishes
    ::close(ready[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    return reached ? status : -1;
  }
};

// SIGINT or SIGTERM at any step before the last rename: every old file is back whole, the
// new one is absent and no temporary or backup is left; after the last rename the new set
// is whole. Either way the writer ends as the signal says.
TEST_F(AtomicWriteSignalTest, SIGINTOrSIGTERMAtAnyStepLeavesTheOldSetOrTheNewOneWhole) {
  const std::vector<WriteStep> steps = CountSteps();
  ASSERT_EQ(steps.size(), 8u);  // 3 temporaries, 2 backups, 3 renames
  ASSERT_EQ(steps.back(), WriteStep::kRenamed);
  for (const int signal_number : {SIGINT, SIGTERM}) {
    for (int step = 1; step <= int(steps.size()); ++step) {
      SCOPED_TRACE("signal " + std::to_string(signal_number) + " after step " +
                   std::to_string(step));
      const int status = WriteAndSignalAtStep(step, signal_number);
      ASSERT_NE(status, -1) << "the writer never reached the step";
      ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
      EXPECT_EQ(WTERMSIG(status), signal_number);
      if (step < int(steps.size())) {
        EXPECT_EQ(Read(Path("a.bin")), "old a");
        EXPECT_EQ(Read(Path("b.bin")), "old b, longer");
        EXPECT_EQ(Listing(), (std::set<std::string>{"a.bin", "b.bin"}));
      } else {
        EXPECT_EQ(Read(Path("a.bin")), "new a");
        EXPECT_EQ(Read(Path("c.bin")), "new c");
        EXPECT_EQ(Listing(), (std::set<std::string>{"a.bin", "b.bin", "c.bin"}));
      }
    }
  }
}

// SIGKILL runs no code, so what it leaves is what the steps leave: before the first rename
// the old files are whole (hidden temporaries may remain; see atomic_write.h).
TEST_F(AtomicWriteSignalTest, SIGKILLBeforeTheRenamesLeavesTheOldFilesWhole) {
  const std::vector<WriteStep> steps = CountSteps();
  for (int step = 1; steps[size_t(step - 1)] != WriteStep::kRenamed; ++step) {
    SCOPED_TRACE("SIGKILL after step " + std::to_string(step));
    const int status = WriteAndSignalAtStep(step, SIGKILL);
    ASSERT_NE(status, -1) << "the writer never reached the step";
    ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << status;
    EXPECT_EQ(Read(Path("a.bin")), "old a");
    EXPECT_EQ(Read(Path("b.bin")), "old b, longer");
    EXPECT_FALSE(fs::exists(Path("c.bin")));
  }
}

}  // namespace
}  // namespace dnz::files
