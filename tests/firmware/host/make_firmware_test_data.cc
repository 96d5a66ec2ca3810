// make_firmware_test_data MODEL.dnz OUT_DIR
//
// Runs on the host while the on-target tests are built (tests/firmware/CMakeLists.txt), and
// writes into OUT_DIR what their images embed:
//   kernel_cases.{h,c}    small models of odd shapes, their inputs and the host ref outputs
//   bad_model_data.{h,c}  broken models with the host loader's status and text, and the text
//                         of a too-small arena
// firmware_demo's own data (the model array, the example digits) is make_firmware_data's.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "model/int8_only_model.h"
#include "test_data_sources.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: make_firmware_test_data MODEL.dnz OUT_DIR\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  const std::vector<uint8_t> full(std::istreambuf_iterator<char>(in), {});
  std::string error;
  const std::vector<uint8_t> int8 = dnz::build::Int8OnlyModel(full.data(), full.size(), &error);
  if (!in || int8.empty() || !dnz::firmware::WriteKernelCases(argv[2], &error) ||
      !dnz::firmware::WriteBadModels(argv[2], int8, &error)) {
    std::fprintf(stderr, "make_firmware_test_data: %s: %s\n", argv[1],
                 error.empty() ? "cannot read" : error.c_str());
    return 1;
  }
  std::printf("make_firmware_test_data: kernel cases and bad models in %s\n", argv[2]);
  return 0;
}
