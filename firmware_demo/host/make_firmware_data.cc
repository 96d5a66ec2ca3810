// make_firmware_data MODEL.dnz EXAMPLES_DIR OUT_DIR
//
// Runs on the host while a firmware image is built (firmware_demo/CMakeLists.txt), and
// writes into OUT_DIR what the image embeds:
//   default_int8.dnz          the model without its float weights (Int8OnlyModel)
//   dnz_model_data.{h,c}      that file as a 64-byte aligned const array in flash, and the
//                             arena it needs (DNZ_MODEL_ARENA_BYTES): what any firmware links
//   demo_digits.{h,c}         firmware_demo's checks: the example digits (noisy, clean) and
//                             the host ref backend's outputs for them
// Everything the firmware compares against is computed here by the host runtime, never
// typed in. (The on-target tests' data: tests/firmware/host/make_firmware_test_data.)
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dnz/dnz.hpp"
#include "example_digits.h"
#include "files/atomic_write.h"
#include "firmware_sources.h"
#include "model/int8_only_model.h"

namespace dnz::firmware {
namespace {

// The backends a firmware may run the model with: the arena constant covers each.
constexpr dnz_backend kFirmwareBackends[] = {DNZ_BACKEND_REF, DNZ_BACKEND_MCU};

bool Fail(const std::string& message) {
  std::fprintf(stderr, "make_firmware_data: %s\n", message.c_str());
  return false;
}

bool ReadFile(const std::string& path, std::vector<uint8_t>* bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  bytes->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

// The ref backend's output for each example digit.
bool Denoise(const Model& model, const std::vector<ExampleDigit>& digits,
             std::vector<std::vector<uint8_t>>* outputs) {
  std::vector<std::vector<uint8_t>> inputs;
  for (const ExampleDigit& digit : digits) inputs.push_back(digit.noisy);
  std::string error;
  return RunRef(model, inputs, outputs, &error) || Fail(error);
}

bool Run(const std::string& model_path, const std::string& examples, const std::string& out) {
  std::vector<uint8_t> full_bytes;
  if (!ReadFile(model_path, &full_bytes)) return Fail("cannot read " + model_path);
  std::string error;
  const std::vector<uint8_t> int8_bytes =
      build::Int8OnlyModel(full_bytes.data(), full_bytes.size(), &error);
  if (int8_bytes.empty()) return Fail(model_path + ": " + error);
  Model full, int8;
  if (full.Load(full_bytes.data(), full_bytes.size()) != DNZ_OK) return Fail(full.error());
  if (int8.Load(int8_bytes.data(), int8_bytes.size()) != DNZ_OK) return Fail(int8.error());

  DemoChecks checks;
  if (!ReadExampleDigits(examples, &checks.digits, &error)) return Fail(error);
  // The int8 data is untouched: both files must give the same bytes.
  std::vector<std::vector<uint8_t>> from_full;
  if (!Denoise(int8, checks.digits, &checks.expected) || !Denoise(full, checks.digits, &from_full))
    return false;
  if (from_full != checks.expected) return Fail("the int8-only model's outputs differ");

  // The fastest plans' arena (no budget) and the smallest any firmware backend can stream in.
  ArenaSizes arena;
  for (dnz_backend backend : kFirmwareBackends) {
    size_t smallest = 0, fastest = 0;
    const dnz_status status = dnz_model_arena_bytes(&int8.raw(), backend, &smallest, &fastest);
    if (status != DNZ_OK) return Fail(std::string("arena sizes: ") + dnz_status_string(status));
    arena.fastest = fastest > arena.fastest ? fastest : arena.fastest;
    arena.smallest = smallest > arena.smallest ? smallest : arena.smallest;
  }

  if (!files::WriteFileAtomically(out + "/default_int8.dnz", int8_bytes, &error) ||
      !WriteModelData(out, int8_bytes, arena, &error) || !WriteDemoDigits(out, checks, &error)) {
    return Fail(error);
  }
  std::printf(
      "make_firmware_data: %zu-byte int8 model (from %zu), arena %zu bytes (smallest %zu), "
      "%zu digits\n",
      int8_bytes.size(), full_bytes.size(), arena.fastest, arena.smallest, checks.digits.size());
  return true;
}

}  // namespace
}  // namespace dnz::firmware

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: make_firmware_data MODEL.dnz EXAMPLES_DIR OUT_DIR\n");
    return 2;
  }
  return dnz::firmware::Run(argv[1], argv[2], argv[3]) ? 0 : 1;
}
