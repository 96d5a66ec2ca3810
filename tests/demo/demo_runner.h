// Runs the built runtime_demo binary (DNZ_RUNTIME_DEMO_PATH) in a directory of its own and
// captures what it said, plus small file helpers for the tests.
#ifndef DNZ_TESTS_DEMO_DEMO_RUNNER_H_
#define DNZ_TESTS_DEMO_DEMO_RUNNER_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace dnz::demo_test {

struct DemoResult {
  int exit_code = -1;  // -1: did not exit normally
  std::string out;
  std::string err;
  std::vector<std::string> err_lines;  // non-empty lines of `err`
  std::vector<std::string> out_lines;
};

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it at the end.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Runs runtime_demo with `args` in `working_dir`; stdout and stderr go to files outside
// that directory so that they never show up in its listing.
DemoResult RunDemo(const std::string& working_dir, const std::vector<std::string>& args);

// Every entry of a directory, hidden ones included (temporary files start with a dot).
std::set<std::string> ListDir(const std::string& dir);

std::vector<uint8_t> ReadBytes(const std::string& path);
void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes);
void WriteText(const std::string& path, const std::string& text);
// Copies examples/NAME into `dir`, returns the new path.
std::string CopyExample(const std::string& name, const std::string& dir);

}  // namespace dnz::demo_test

#endif  // DNZ_TESTS_DEMO_DEMO_RUNNER_H_
