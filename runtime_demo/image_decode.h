// Reads an image file (PNG, JPEG, BMP, PGM/PPM: whatever stb_image decodes) into a
// luminance plane. Checks come before any decoding: the file must be a regular file,
// and its header's size must be within ImageLimits (8192 per side, 64 MPixel in all), so
// a forged header cannot make us allocate gigabytes; pixel data shorter than the header
// says is refused too (header_checks.h).
#ifndef DNZ_RUNTIME_DEMO_IMAGE_DECODE_H_
#define DNZ_RUNTIME_DEMO_IMAGE_DECODE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo {

constexpr int kMaxImageSide = 8192;
constexpr int64_t kMaxImagePixels = int64_t(64) << 20;  // 64 MPixel
constexpr size_t kMaxImageFileBytes = size_t(1) << 30;  // stb reads at most INT_MAX bytes

// The size limits a header is checked against; the fuzzer passes smaller ones, so that
// its time goes into the decoders' logic rather than into large pictures.
struct ImageLimits {
  int max_side = kMaxImageSide;
  int64_t max_pixels = kMaxImagePixels;
};

struct LumaImage {
  int width = 0;
  int height = 0;
  std::vector<float> luma;  // [height][width], 0 = black, 1 = white
};

// Luminance is Rec. 601 (0.299 R + 0.587 G + 0.114 B), the ITU weights PIL's "L" mode
// uses; transparent pixels are composited onto white, as image viewers show them.
// On failure returns false and sets `error` to one line starting with `path`.
bool ReadLumaImage(const std::string& path, LumaImage* image, std::string* error,
                   const ImageLimits& limits = ImageLimits());

// The same checks and decoding for an image already in memory (the web page's file picker,
// web/); `name` starts the error line.
bool DecodeLumaImage(const std::vector<uint8_t>& bytes, const std::string& name, LumaImage* image,
                     std::string* error, const ImageLimits& limits = ImageLimits());

// Decoded pixels (`channels` 1 gray, 2 gray + alpha, 3 RGB, 4 RGBA, 8 bits each,
// [height][width][channels]) to luminance, as above: what a canvas's RGBA becomes too.
void LumaFromPixels(const unsigned char* pixels, int width, int height, int channels,
                    LumaImage* image);

// Reads a whole regular file (at most `max_bytes`), for images and model files alike.
bool ReadRegularFile(const std::string& path, size_t max_bytes, std::vector<uint8_t>* bytes,
                     std::string* error);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_IMAGE_DECODE_H_
