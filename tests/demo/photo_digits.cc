#include "photo_digits.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include "data/noise.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;

double Uniform(data::Xoshiro256* rng, double low, double high) {
  return low + (high - low) * rng->NextDouble();
}

// Bilinear sample of the clean digit at pixel-centre coordinates (x, y); 0 outside.
double SampleDigit(const float* clean, double x, double y) {
  const int x0 = int(std::floor(x)), y0 = int(std::floor(y));
  const double ax = x - x0, ay = y - y0;
  const auto at = [clean](int px, int py) {
    if (px < 0 || py < 0 || px >= kSide || py >= kSide) return 0.0;
    return double(clean[py * kSide + px]);
  };
  return (1 - ay) * ((1 - ax) * at(x0, y0) + ax * at(x0 + 1, y0)) +
         ay * ((1 - ax) * at(x0, y0 + 1) + ax * at(x0 + 1, y0 + 1));
}

}  // namespace

PhotoDigit RenderPhotoDigit(const float* clean, int index) {
  data::Xoshiro256 rng(data::ImageNoiseSeed(kPhotoSeed, 0, uint64_t(index)));
  const double scale = Uniform(&rng, 3.0, 12.0);
  const int digit_side = int(std::lround(kSide * scale));
  PhotoDigit photo;
  photo.width = int(std::lround(digit_side * Uniform(&rng, 1.1, 2.5)));
  photo.height = int(std::lround(digit_side * Uniform(&rng, 1.1, 2.5)));
  const int left = int(rng.NextBelow(uint64_t(photo.width - digit_side + 1)));
  const int top = int(rng.NextBelow(uint64_t(photo.height - digit_side + 1)));
  photo.light_paper = rng.NextDouble() < 0.7;
  const double paper = photo.light_paper ? Uniform(&rng, 0.70, 0.95) : Uniform(&rng, 0.05, 0.25);
  const double gradient = photo.light_paper ? Uniform(&rng, 0.1, 0.3) : Uniform(&rng, 0.0, 0.15);
  const double direction = Uniform(&rng, 0.0, 2.0 * M_PI);
  const double ink = photo.light_paper ? Uniform(&rng, 0.05, 0.30) : Uniform(&rng, 0.75, 0.95);
  const double noise = Uniform(&rng, 0.01, 0.04);
  const bool colour = rng.NextDouble() < 0.5;
  double tint[3] = {1.0, 1.0, 1.0};
  if (colour) {
    for (double& t : tint) t = Uniform(&rng, 0.9, 1.1);
  }
  photo.jpeg = rng.NextDouble() < 0.6;
  photo.jpeg_quality = photo.jpeg ? 70 + int(rng.NextBelow(26)) : 0;

  photo.channels = colour ? 3 : 1;
  photo.pixels.resize(size_t(photo.width) * size_t(photo.height) * size_t(photo.channels));
  const double dx = std::cos(direction), dy = std::sin(direction);
  for (int y = 0; y < photo.height; ++y) {
    for (int x = 0; x < photo.width; ++x) {
      const double along =
          ((x + 0.5) / photo.width - 0.5) * dx + ((y + 0.5) / photo.height - 0.5) * dy;
      const double page = paper + gradient * along;
      const double d =
          SampleDigit(clean, (x - left + 0.5) / scale - 0.5, (y - top + 0.5) / scale - 0.5);
      const double luma = page + (ink - page) * d + noise * rng.NextGaussian();
      uint8_t* pixel =
          &photo.pixels[(size_t(y) * size_t(photo.width) + size_t(x)) * size_t(photo.channels)];
      for (int c = 0; c < photo.channels; ++c) {
        pixel[c] = uint8_t(std::lround(std::clamp(luma * tint[c], 0.0, 1.0) * 255.0));
      }
    }
  }
  char name[32];
  std::snprintf(name, sizeof name, "photo_%04d.%s", index, photo.jpeg ? "jpg" : "png");
  photo.file_name = name;
  return photo;
}

bool WritePhotoDigit(const PhotoDigit& photo, const std::string& dir) {
  DecodedImage image;
  image.width = photo.width;
  image.height = photo.height;
  image.channels = photo.channels;
  image.pixels = photo.pixels;
  const std::string path = dir + "/" + photo.file_name;
  return photo.jpeg ? WriteJpeg(path, image, photo.jpeg_quality) : WritePng(path, image);
}

}  // namespace dnz::demo_test
