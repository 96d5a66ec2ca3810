#include "demo_runner.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>

namespace dnz::demo_test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> NonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string ReadText(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  return std::string(bytes.begin(), bytes.end());
}

// In the child: move to `dir`, send stdout/stderr to files, exec the demo.
[[noreturn]] void ExecDemo(const std::string& dir, const std::string& out_path,
                           const std::string& err_path, const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string program = DNZ_RUNTIME_DEMO_PATH;
  argv.push_back(program.data());
  std::vector<std::string> copies(args);
  for (std::string& arg : copies) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (out < 0 || err < 0 || chdir(dir.c_str()) != 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) {
    _exit(127);
  }
  execv(argv[0], argv.data());
  _exit(127);
}

}  // namespace

TempDir::TempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr ? tmp : "/tmp") + "/dnz_demo_test.XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

DemoResult RunDemo(const std::string& working_dir, const std::vector<std::string>& args) {
  TempDir capture;  // outside working_dir
  const std::string out_path = capture / "stdout", err_path = capture / "stderr";
  const pid_t child = fork();
  if (child == 0) ExecDemo(working_dir, out_path, err_path, args);
  DemoResult result;
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child) return result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  result.out = ReadText(out_path);
  result.err = ReadText(err_path);
  result.out_lines = NonEmptyLines(result.out);
  result.err_lines = NonEmptyLines(result.err);
  return result;
}

std::set<std::string> ListDir(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file),
                              std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

void WriteText(const std::string& path, const std::string& text) {
  WriteBytes(path, std::vector<uint8_t>(text.begin(), text.end()));
}

std::string CopyExample(const std::string& name, const std::string& dir) {
  const std::string target = dir + "/" + name;
  fs::copy_file(std::string(DNZ_EXAMPLES_DIR) + "/" + name, target,
                fs::copy_options::overwrite_existing);
  return target;
}

}  // namespace dnz::demo_test
