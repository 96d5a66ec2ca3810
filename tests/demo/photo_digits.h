// The photo test set: MNIST test digits rendered the way a phone photo or a scan of a digit
// written on paper looks (issue 11), so that the MNIST framing can be measured against the
// clean digits. Nothing is committed: every picture is made from MNIST and a fixed seed.
//
// Digit i (its MNIST test index) draws every choice from the stream
// Xoshiro256(ImageNoiseSeed(kPhotoSeed, 0, i)), in this order:
//   scale        3..12: the 28x28 digit enlarged bilinearly to round(28 x scale) pixels;
//   canvas       1.1..2.5 times that, width and height drawn separately;
//   position     anywhere on the canvas (off-centre);
//   page         70%: light paper 0.70..0.95 with a linear lighting gradient of 0.1..0.3
//                across it in a random direction, dark ink 0.05..0.30;
//                30%: a dark background 0.05..0.25 (gradient 0..0.15), light ink 0.75..0.95;
//   noise        Gaussian, sigma 0.01..0.04 per pixel;
//   colour       50%: an RGB tint of 0.9..1.1 per channel, else gray;
//   file         60%: JPEG, quality 70..95; else PNG.
#ifndef DNZ_TESTS_DEMO_PHOTO_DIGITS_H_
#define DNZ_TESTS_DEMO_PHOTO_DIGITS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo_test {

constexpr uint64_t kPhotoSeed = 20260611;
constexpr int kPhotoSetSize = 1000;  // the full set: MNIST test digits 0..999

struct PhotoDigit {
  std::string file_name;  // "photo_0042.jpg" or ".png"
  int width = 0, height = 0, channels = 1;
  std::vector<uint8_t> pixels;  // [height][width][channels]
  bool light_paper = true;
  bool jpeg = false;
  int jpeg_quality = 0;
};

// Renders MNIST test digit `index` (`clean` is its [28][28] values in [0, 1]).
PhotoDigit RenderPhotoDigit(const float* clean, int index);

// Writes the photo into `dir` as PNG or JPEG; false if the encoder failed.
bool WritePhotoDigit(const PhotoDigit& photo, const std::string& dir);

}  // namespace dnz::demo_test

#endif  // DNZ_TESTS_DEMO_PHOTO_DIGITS_H_
