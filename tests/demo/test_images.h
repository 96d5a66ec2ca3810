// Images for the runtime_demo tests: decode what the demo wrote, and make inputs
// (good and forged) byte by byte, so each test states exactly what it feeds in.
#ifndef DNZ_TESTS_DEMO_TEST_IMAGES_H_
#define DNZ_TESTS_DEMO_TEST_IMAGES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo_test {

struct DecodedImage {
  int width = 0;
  int height = 0;
  int channels = 0;             // as stored in the file
  std::vector<uint8_t> pixels;  // [height][width][channels]
  uint8_t at(int x, int y) const { return pixels[size_t(y * width + x) * size_t(channels)]; }
};

// Decodes with stb_image; false if the file is not a readable image.
bool DecodeImage(const std::string& path, DecodedImage* image);

// The PNG colour type from the IHDR chunk (0 = gray), or -1 if not a PNG.
int PngColorType(const std::string& path);

// A PNG whose IHDR claims width x height, with no image data: for size checks.
std::vector<uint8_t> PngHeaderOnly(uint32_t width, uint32_t height);

// Binary PGM (P5, gray) and PPM (P6, RGB) files.
std::vector<uint8_t> Pgm(int width, int height, const std::vector<uint8_t>& gray);
std::vector<uint8_t> Ppm(int width, int height, const std::vector<uint8_t>& rgb);

// Other formats runtime_demo reads, written with stb_image_write.
bool WriteBmp(const std::string& path, const DecodedImage& image);
bool WriteJpeg(const std::string& path, const DecodedImage& image, int quality);
bool WritePng(const std::string& path, const DecodedImage& image);

}  // namespace dnz::demo_test

#endif  // DNZ_TESTS_DEMO_TEST_IMAGES_H_
