// One input file through the whole pipeline: read, convert to a 28x28 digit, optionally
// add noise, run the model, and write the outputs (all of them or none).
#ifndef DNZ_RUNTIME_DEMO_DENOISE_FILE_H_
#define DNZ_RUNTIME_DEMO_DENOISE_FILE_H_

#include <cstdint>
#include <string>

#include "digit_conversion.h"
#include "dnz/dnz.hpp"
#include "output_paths.h"

namespace dnz::demo {

struct DenoiseSettings {
  Framing framing = Framing::kAuto;
  bool compare = false;
  bool full_size = false;  // also write the output at the input's size
  bool add_noise = false;
  double noise_factor = 0.0;
  uint64_t noise_seed = 0;  // every file uses the stream ImageNoiseSeed(seed, 0, 0)
};

struct DenoiseReport {
  double inference_ms = 0.0;   // around the runtime's run call only
  DigitConversion conversion;  // which path, the polarity, the ink's box
};

// The session must be initialised for a 28x28x1 -> 28x28x1 model. On failure returns
// false with a one-line `error` naming the file, and no output file exists.
bool DenoiseFile(Session* session, const std::string& input, const OutputPaths& outputs,
                 const DenoiseSettings& settings, DenoiseReport* report, std::string* error);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_DENOISE_FILE_H_
