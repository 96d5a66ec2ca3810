// libFuzzer target: any bytes as an image file given to runtime_demo: decoded (with the
// header size checks before any decoding, within smaller size limits) and converted to a 28x28
// digit on every framing path. Refused with one line, or converted to 784 values in [0, 1]; never a
// crash.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "digit_conversion.h"
#include "image_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/dnz_fuzz_image_" + std::to_string(::getpid());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  dnz::demo::LumaImage image;
  std::string error;
  // 2048 per side and 4 MPixel instead of runtime_demo's 8192 and 64: a tiny JPEG can claim
  // 64 MPixel, and decoding that under the sanitizers takes longer than the fuzzer's
  // timeout. Large sizes are covered by the size tests (tests/demo).
  const dnz::demo::ImageLimits limits{2048, int64_t(4) << 20};
  if (!dnz::demo::ReadLumaImage(path, &image, &error, limits)) {
    if (error.empty() || error.find('\n') != std::string::npos) std::abort();
    return 0;
  }
  for (const auto framing :
       {dnz::demo::Framing::kAuto, dnz::demo::Framing::kMnist, dnz::demo::Framing::kNone}) {
    dnz::demo::DigitConversion conversion;
    const std::vector<float> digit = dnz::demo::ToMnistDigit(image, framing, &conversion);
    if (digit.empty()) continue;
    if (digit.size() != size_t(dnz::demo::kDigitPixels)) std::abort();
    for (float v : digit) {
      if (!(v >= 0.0f && v <= 1.0f)) std::abort();
    }
  }
  return 0;
}
