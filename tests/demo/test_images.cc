#include "test_images.h"

#include <algorithm>
#include <cstdint>

#include "demo_runner.h"

// A private copy of stb_image for decoding what runtime_demo wrote (static: no clash).
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#include "stb_image.h"
#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include "stb_image_write.h"

namespace dnz::demo_test {
namespace {

uint32_t Crc32(const uint8_t* data, size_t size) {
  uint32_t crc = 0xffffffffu;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

void PutBigEndian(uint32_t value, std::vector<uint8_t>* out) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(uint8_t(value >> shift));
}

void PutChunk(const char* type, const std::vector<uint8_t>& data, std::vector<uint8_t>* out) {
  PutBigEndian(uint32_t(data.size()), out);
  std::vector<uint8_t> typed(type, type + 4);
  typed.insert(typed.end(), data.begin(), data.end());
  out->insert(out->end(), typed.begin(), typed.end());
  PutBigEndian(Crc32(typed.data(), typed.size()), out);
}

std::vector<uint8_t> Pnm(const char* magic, int width, int height,
                         const std::vector<uint8_t>& samples) {
  const std::string header =
      std::string(magic) + "\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  std::vector<uint8_t> bytes(header.begin(), header.end());
  bytes.insert(bytes.end(), samples.begin(), samples.end());
  return bytes;
}

}  // namespace

bool DecodeImage(const std::string& path, DecodedImage* image) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  if (bytes.empty()) return false;
  stbi_uc* pixels = stbi_load_from_memory(bytes.data(), int(bytes.size()), &image->width,
                                          &image->height, &image->channels, 0);
  if (pixels == nullptr) return false;
  image->pixels.assign(
      pixels, pixels + size_t(image->width) * size_t(image->height) * size_t(image->channels));
  stbi_image_free(pixels);
  return true;
}

int PngColorType(const std::string& path) {
  const std::vector<uint8_t> bytes = ReadBytes(path);
  const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 33 || !std::equal(signature, signature + 8, bytes.begin())) return -1;
  return bytes[25];  // signature 8 + length 4 + "IHDR" 4 + width 4 + height 4 + depth 1
}

std::vector<uint8_t> PngHeaderOnly(uint32_t width, uint32_t height) {
  std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  std::vector<uint8_t> ihdr;
  PutBigEndian(width, &ihdr);
  PutBigEndian(height, &ihdr);
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // 8-bit gray, deflate, no filter, no interlace
  PutChunk("IHDR", ihdr, &png);
  PutChunk("IEND", {}, &png);
  return png;
}

std::vector<uint8_t> Pgm(int width, int height, const std::vector<uint8_t>& gray) {
  return Pnm("P5", width, height, gray);
}

std::vector<uint8_t> Ppm(int width, int height, const std::vector<uint8_t>& rgb) {
  return Pnm("P6", width, height, rgb);
}

bool WriteBmp(const std::string& path, const DecodedImage& image) {
  return stbi_write_bmp(path.c_str(), image.width, image.height, image.channels,
                        image.pixels.data()) != 0;
}

bool WriteJpeg(const std::string& path, const DecodedImage& image, int quality) {
  return stbi_write_jpg(path.c_str(), image.width, image.height, image.channels,
                        image.pixels.data(), quality) != 0;
}

bool WritePng(const std::string& path, const DecodedImage& image) {
  return stbi_write_png(path.c_str(), image.width, image.height, image.channels,
                        image.pixels.data(), image.width * image.channels) != 0;
}

}  // namespace dnz::demo_test
