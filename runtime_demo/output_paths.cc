#include "output_paths.h"

#include <sys/stat.h>

#include <filesystem>
#include <map>

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

std::vector<std::string> FilesWritten(const OutputPaths& paths, bool compare, bool noisy,
                                      bool full_size) {
  std::vector<std::string> files = {paths.denoised};
  if (noisy) files.push_back(paths.noisy);
  if (compare) files.push_back(paths.compare);
  if (full_size) files.push_back(paths.full_size);
  return files;
}

namespace {

// The file a path names: symbolic links and "." / ".." resolved as far as the path exists.
std::string RealFile(const std::string& path) {
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? fs::absolute(path).lexically_normal().string() : real.string();
}

}  // namespace

bool CheckOutputsAreSafe(const std::vector<std::string>& inputs,
                         const std::vector<std::vector<std::string>>& outputs_per_input,
                         std::string* error) {
  std::map<std::string, std::string> inputs_by_file;  // real file -> as given
  for (const std::string& input : inputs) inputs_by_file.emplace(RealFile(input), input);
  std::map<std::string, std::string> outputs_by_file;  // real file -> the input writing it
  for (size_t i = 0; i < outputs_per_input.size(); ++i) {
    for (const std::string& output : outputs_per_input[i]) {
      const std::string file = RealFile(output);
      const auto input = inputs_by_file.find(file);
      if (input != inputs_by_file.end()) {
        *error = output + ": the output of " + inputs[i] + " would overwrite the input " +
                 input->second + "; nothing was written";
        return false;
      }
      const auto [earlier, added] = outputs_by_file.emplace(file, inputs[i]);
      if (!added) {
        *error = output + ": both " + earlier->second + " and " + inputs[i] +
                 " would write this file; nothing was written";
        return false;
      }
    }
  }
  return true;
}

}  // namespace dnz::demo
