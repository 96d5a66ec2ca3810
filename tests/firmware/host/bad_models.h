// Small broken model files for the firmware's error-path checks: each must be refused by
// dnz_model_load with a known status and one line of text. They are cut from the real
// model (its first conv only, about 1 KB instead of 330), so that the checks fit in a
// microcontroller's flash; one of them reaches the loader's %g (a NaN scale).
#ifndef DNZ_TESTS_FIRMWARE_HOST_BAD_MODELS_H_
#define DNZ_TESTS_FIRMWARE_HOST_BAD_MODELS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::firmware {

struct BadModel {
  std::string name;  // what is wrong, as a C identifier
  std::vector<uint8_t> bytes;
};

// From an int8-only model file. On error, empty and `error` set.
std::vector<BadModel> MakeBadModels(const std::vector<uint8_t>& model, std::string* error);

}  // namespace dnz::firmware

#endif  // DNZ_TESTS_FIRMWARE_HOST_BAD_MODELS_H_
