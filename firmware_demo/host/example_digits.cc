#include "example_digits.h"

#include <sys/stat.h>

#include <cstdint>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb_image.h>

namespace dnz::firmware {
namespace {

constexpr int kSide = 28;

bool Exists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

bool ReadGray28(const std::string& path, std::vector<uint8_t>* pixels, std::string* error) {
  int width = 0, height = 0, channels = 0;
  stbi_uc* data = stbi_load(path.c_str(), &width, &height, &channels, 1);
  if (data == nullptr || width != kSide || height != kSide) {
    if (data != nullptr) stbi_image_free(data);
    *error = path + ": not a 28x28 PNG";
    return false;
  }
  pixels->assign(data, data + kSide * kSide);
  stbi_image_free(data);
  return true;
}

}  // namespace

bool ReadExampleDigits(const std::string& folder, std::vector<ExampleDigit>* digits,
                       std::string* error) {
  for (int i = 0;; ++i) {
    const std::string stem = folder + "/digit_" + std::to_string(i);
    if (!Exists(stem + "_noisy.png")) break;
    ExampleDigit digit;
    if (!ReadGray28(stem + "_noisy.png", &digit.noisy, error) ||
        !ReadGray28(stem + "_clean.png", &digit.clean, error)) {
      return false;
    }
    digits->push_back(digit);
  }
  if (digits->empty()) *error = folder + ": no digit_0_noisy.png";
  return !digits->empty();
}

}  // namespace dnz::firmware
