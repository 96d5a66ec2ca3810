#include "image_decode.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "header_checks.h"
#include "stb_image.h"

namespace dnz::demo {
namespace {

struct StbiFree {
  void operator()(unsigned char* pixels) const { stbi_image_free(pixels); }
};

// stb keeps its last error in a static string; never NULL after a failure, but be safe.
// Some reasons quote bytes of the file (an unknown PNG chunk's type): those are shown as
// '?' when not printable, so that the error stays one line (found by the image fuzzer).
std::string StbReason() {
  const char* reason = stbi_failure_reason();
  std::string text = reason != nullptr ? reason : "unknown error";
  for (char& c : text) {
    if (c < 0x20 || c > 0x7e) c = '?';
  }
  return text;
}

float Luminance(const unsigned char* pixel, int channels) {
  const float kWhite = 1.0f;
  switch (channels) {
    case 1:
      return float(pixel[0]) / 255.0f;
    case 2: {
      const float alpha = float(pixel[1]) / 255.0f;
      return alpha * float(pixel[0]) / 255.0f + (1.0f - alpha) * kWhite;
    }
    default: {
      const float y =
          (0.299f * float(pixel[0]) + 0.587f * float(pixel[1]) + 0.114f * float(pixel[2])) / 255.0f;
      if (channels == 3) return y;
      const float alpha = float(pixel[3]) / 255.0f;
      return alpha * y + (1.0f - alpha) * kWhite;
    }
  }
}

}  // namespace

bool ReadRegularFile(const std::string& path, size_t max_bytes, std::vector<uint8_t>* bytes,
                     std::string* error) {
  struct stat info {};
  if (stat(path.c_str(), &info) != 0) {
    *error = path + ": cannot open (" + std::strerror(errno) + ")";
    return false;
  }
  if (S_ISDIR(info.st_mode)) {
    *error = path + ": is a directory, not a file";
    return false;
  }
  if (!S_ISREG(info.st_mode)) {
    *error = path + ": not a regular file";
    return false;
  }
  if (size_t(info.st_size) > max_bytes) {
    *error = path + ": file too large (" + std::to_string(info.st_size) + " bytes; at most " +
             std::to_string(max_bytes) + ")";
    return false;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (!file) {
    *error = path + ": cannot open (" + std::strerror(errno) + ")";
    return false;
  }
  bytes->resize(size_t(info.st_size));
  if (std::fread(bytes->data(), 1, bytes->size(), file.get()) != bytes->size()) {
    *error = path + ": cannot read (" + std::strerror(errno) + ")";
    return false;
  }
  return true;
}

bool ReadLumaImage(const std::string& path, LumaImage* image, std::string* error,
                   const ImageLimits& limits) {
  std::vector<uint8_t> bytes;
  if (!ReadRegularFile(path, kMaxImageFileBytes, &bytes, error)) return false;
  return DecodeLumaImage(bytes, path, image, error, limits);
}

bool DecodeLumaImage(const std::vector<uint8_t>& bytes, const std::string& name, LumaImage* image,
                     std::string* error, const ImageLimits& limits) {
  if (bytes.empty()) {
    *error = name + ": empty file, not an image";
    return false;
  }
  if (bytes.size() > kMaxImageFileBytes) {
    *error = name + ": file too large (" + std::to_string(bytes.size()) + " bytes; at most " +
             std::to_string(kMaxImageFileBytes) + ")";
    return false;
  }
  const std::string number_problem = HeaderNumberProblem(bytes);
  if (!number_problem.empty()) {
    *error = name + ": not an image that can be read (PNG, JPEG, BMP, PGM/PPM): " + number_problem;
    return false;
  }
  int width = 0, height = 0, channels = 0;
  const int size = int(bytes.size());
  if (!stbi_info_from_memory(bytes.data(), size, &width, &height, &channels)) {
    *error = name + ": not an image that can be read (PNG, JPEG, BMP, PGM/PPM): " + StbReason();
    return false;
  }
  if (width <= 0 || height <= 0) {
    *error = name + ": image has zero width or height";
    return false;
  }
  if (width > limits.max_side || height > limits.max_side ||
      int64_t(width) * int64_t(height) > limits.max_pixels) {
    *error = name + ": image too large (" + std::to_string(width) + "x" + std::to_string(height) +
             "; at most " + std::to_string(limits.max_side) + " per side and " +
             std::to_string(limits.max_pixels >> 20) + " MPixel)";
    return false;
  }
  const std::string truncation = TruncationProblem(bytes);
  if (!truncation.empty()) {
    *error = name + ": cannot decode image: " + truncation;
    return false;
  }
  std::unique_ptr<unsigned char, StbiFree> pixels(
      stbi_load_from_memory(bytes.data(), size, &width, &height, &channels, 0));
  if (!pixels) {
    *error = name + ": cannot decode image (truncated or corrupt?): " + StbReason();
    return false;
  }
  LumaFromPixels(pixels.get(), width, height, channels, image);
  return true;
}

void LumaFromPixels(const unsigned char* pixels, int width, int height, int channels,
                    LumaImage* image) {
  image->width = width;
  image->height = height;
  image->luma.resize(size_t(width) * size_t(height));
  for (size_t i = 0; i < image->luma.size(); ++i) {
    image->luma[i] = Luminance(pixels + i * size_t(channels), channels);
  }
}

}  // namespace dnz::demo
