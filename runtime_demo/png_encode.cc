#include "png_encode.h"

#include <cstdint>

#include "stb_image_write.h"

namespace dnz::demo {
namespace {

void AppendBytes(void* context, void* data, int size) {
  auto* out = static_cast<std::vector<uint8_t>*>(context);
  const auto* bytes = static_cast<const uint8_t*>(data);
  out->insert(out->end(), bytes, bytes + size);
}

}  // namespace

std::vector<uint8_t> EncodeGrayPng(const std::vector<uint8_t>& pixels, int width, int height) {
  std::vector<uint8_t> png;
  if (width <= 0 || height <= 0 || pixels.size() != size_t(width) * size_t(height)) return png;
  if (!stbi_write_png_to_func(&AppendBytes, &png, width, height, 1, pixels.data(), width)) {
    png.clear();
  }
  return png;
}

}  // namespace dnz::demo
