// The C sources make_firmware_data writes (make_firmware_data.cc says what each holds), and
// the host ref backend's outputs that go into them.
#ifndef DNZ_FIRMWARE_DEMO_HOST_FIRMWARE_SOURCES_H_
#define DNZ_FIRMWARE_DEMO_HOST_FIRMWARE_SOURCES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "dnz/dnz.hpp"
#include "example_digits.h"

namespace dnz::firmware {

// The parts laid end to end (a C array of several inputs or outputs).
std::vector<uint8_t> Concatenate(const std::vector<std::vector<uint8_t>>& parts);

// The ref backend's output for each input; false with `error` if the session fails.
bool RunRef(const Model& model, const std::vector<std::vector<uint8_t>>& inputs,
            std::vector<std::vector<uint8_t>>* outputs, std::string* error);

// The arena a firmware reserves: for the fastest plans (no budget), or the smallest streamed one.
struct ArenaSizes {
  size_t fastest = 0, smallest = 0;
};

// dnz_model_data.{h,c}: the model file as a 64-byte aligned const array, and the arena sizes.
bool WriteModelData(const std::string& dir, const std::vector<uint8_t>& model,
                    const ArenaSizes& arena, std::string* error);

// demo_digits.{h,c}: firmware_demo's inputs and what the host runtime gives for them.
struct DemoChecks {
  std::vector<ExampleDigit> digits;
  std::vector<std::vector<uint8_t>> expected;  // the host ref backend's outputs
};

bool WriteDemoDigits(const std::string& dir, const DemoChecks& c, std::string* error);

}  // namespace dnz::firmware

#endif  // DNZ_FIRMWARE_DEMO_HOST_FIRMWARE_SOURCES_H_
