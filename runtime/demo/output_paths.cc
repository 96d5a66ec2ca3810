#include "output_paths.h"

#include <sys/stat.h>

#include <filesystem>

namespace dnz::demo {
namespace {

namespace fs = std::filesystem;

std::string Join(const fs::path& folder, const std::string& name) {
  return folder.empty() ? name : (folder / name).string();
}

OutputPaths NamedAfter(const fs::path& folder, const std::string& stem) {
  return {Join(folder, stem + ".denoised.png"), Join(folder, stem + ".compare.png"),
          Join(folder, stem + ".noisy.png"), Join(folder, stem + ".fullsize.png")};
}

}  // namespace

OutputPaths PlanOutputPaths(const std::string& input, const std::string& output_option,
                            bool output_is_directory) {
  const std::string input_stem = fs::path(input).stem().string();
  if (output_option.empty()) return NamedAfter(fs::path(input).parent_path(), input_stem);
  if (output_is_directory) return NamedAfter(fs::path(output_option), input_stem);
  OutputPaths paths = NamedAfter(fs::path(output_option).parent_path(), input_stem);
  paths.denoised = output_option;
  return paths;
}

bool IsDirectory(const std::string& path) {
  struct stat info {};
  return stat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

}  // namespace dnz::demo
