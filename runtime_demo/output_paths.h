// Where runtime_demo writes the files for one input:
//   no -o:            DIR_OF_INPUT/STEM.denoised.png (.compare.png, .noisy.png,
//                     .fullsize.png alike)
//   -o DIRECTORY:     DIRECTORY/STEM.denoised.png ...
//   -o FILE:          FILE, and FILE_DIR/STEM.compare.png, FILE_DIR/STEM.noisy.png, ...
// STEM is the input's file name without its last extension ("a/7.jpg" -> "7"): the extra
// files always lie next to the denoised one and are named after the input.
#ifndef DNZ_RUNTIME_DEMO_OUTPUT_PATHS_H_
#define DNZ_RUNTIME_DEMO_OUTPUT_PATHS_H_

#include <string>
#include <vector>

namespace dnz::demo {

struct OutputPaths {
  std::string denoised;
  std::string compare;
  std::string noisy;
  std::string full_size;
};

OutputPaths PlanOutputPaths(const std::string& input, const std::string& output_option,
                            bool output_is_directory);

bool IsDirectory(const std::string& path);

// The files one input's run will write, given which extras are on.
std::vector<std::string> FilesWritten(const OutputPaths& paths, bool compare, bool noisy,
                                      bool full_size);

// Before anything is written: no output may be an input, and no two outputs may be the
// same file. Paths are compared as files (symbolic links and "./" resolved), not as
// strings. On failure `error` is one line naming both paths.
bool CheckOutputsAreSafe(const std::vector<std::string>& inputs,
                         const std::vector<std::vector<std::string>>& outputs_per_input,
                         std::string* error);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_OUTPUT_PATHS_H_
