// make_firmware_data MODEL.dnz EXAMPLES_DIR OUT_DIR
//
// Runs on the host while a firmware image is built (firmware_demo/CMakeLists.txt), and
// writes into OUT_DIR what the image embeds:
//   default_int8.dnz          the model without its float weights (Int8OnlyModel)
//   dnz_model_data.{h,c}      that file as a 64-byte aligned const array in flash, and the
//                             arena it needs (DNZ_MODEL_ARENA_BYTES): what any firmware links
//   demo_digits.{h,c}         firmware_demo's checks: the example digits (noisy, clean), the
//                             host ref backend's outputs for them, small broken models and
//                             the status and text the runtime gives for each, and the text
//                             of a too-small arena
//   kernel_cases.{h,c}        tests/firmware's: small models of odd shapes (kernel_cases.h),
//                             their inputs and the host ref backend's outputs
// Everything the firmware compares against is computed here by the host runtime, never
// typed in.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "bad_models.h"
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

// What the host runtime says about each broken model and about a too-small arena.
bool RecordErrors(const Model& model, DemoChecks* c) {
  for (const BadModel& bad : c->bad_models) {
    Model broken;
    const dnz_status status = broken.Load(bad.bytes.data(), bad.bytes.size());
    if (status == DNZ_OK) return Fail("broken model " + bad.name + " loads");
    c->bad_status.push_back(status);
    c->bad_text.push_back(broken.error());
  }
  dnz_session session;
  const dnz_session_options options{DNZ_BACKEND_REF, 1, 0};
  if (dnz_session_init(&session, &model.raw(), &options) != DNZ_OK) return Fail(session.error);
  AlignedBuffer arena(dnz_session_arena_bytes(&session));
  c->small_arena_status = dnz_session_set_arena(&session, arena.data(), arena.size() - 64);
  c->small_arena_text = session.error;
  dnz_session_destroy(&session);
  return c->small_arena_status != DNZ_OK || Fail("a too-small arena was accepted");
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

  size_t arena_bytes = 0;
  for (dnz_backend backend : kFirmwareBackends) {
    Session session;
    if (session.Init(int8, backend) != DNZ_OK) return Fail(session.error());
    if (session.arena_bytes() > arena_bytes) arena_bytes = session.arena_bytes();
  }
  checks.bad_models = MakeBadModels(int8_bytes, &error);
  if (checks.bad_models.empty()) return Fail(error);
  if (!RecordErrors(int8, &checks)) return false;

  if (!files::WriteFileAtomically(out + "/default_int8.dnz", int8_bytes, &error) ||
      !WriteModelData(out, int8_bytes, arena_bytes, &error) ||
      !WriteDemoDigits(out, checks, &error) || !WriteKernelCases(out, &error)) {
    return Fail(error);
  }
  std::printf("make_firmware_data: %zu-byte int8 model (from %zu), arena %zu bytes, %zu digits\n",
              int8_bytes.size(), full_bytes.size(), arena_bytes, checks.digits.size());
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
