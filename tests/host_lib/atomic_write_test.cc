// The host's one atomic writer: what it leaves in the folder after success and after
// every kind of failure (a write that fails on a full file system, a rename that fails,
// a signal in the middle), and that a file that existed before is never lost.
#include "files/atomic_write.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

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

}  // namespace
}  // namespace dnz::files
