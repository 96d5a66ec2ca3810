// The example digits (examples/digit_<i>_{noisy,clean}.png, 28x28 gray) as pixels.
#ifndef DNZ_FIRMWARE_DEMO_HOST_EXAMPLE_DIGITS_H_
#define DNZ_FIRMWARE_DEMO_HOST_EXAMPLE_DIGITS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::firmware {

struct ExampleDigit {
  std::vector<uint8_t> noisy, clean;  // [28][28] gray
};

// Reads digit_0, digit_1, ... until one is missing; false with `error` if none is found,
// a file does not decode, or a digit is not 28x28.
bool ReadExampleDigits(const std::string& folder, std::vector<ExampleDigit>* digits,
                       std::string* error);

}  // namespace dnz::firmware

#endif  // DNZ_FIRMWARE_DEMO_HOST_EXAMPLE_DIGITS_H_
