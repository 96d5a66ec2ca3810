#include "photo_quality.h"

#include <filesystem>

#include "data/metrics.h"
#include "demo_runner.h"
#include "photo_digits.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;

// The PSNR of a written 28x28 gray PNG against a clean digit; negative if unreadable.
double PsnrOfFile(const std::string& path, const float* clean) {
  DecodedImage image;
  if (!DecodeImage(path, &image) || image.width != kSide || image.height != kSide ||
      image.channels != 1) {
    return -1.0;
  }
  std::vector<float> values(image.pixels.begin(), image.pixels.end());
  for (float& v : values) v /= 255.0f;
  return data::ImagePsnr(values.data(), clean, values.size());
}

}  // namespace

PhotoQuality MeasurePhotoQuality(const data::MnistSet& mnist, int count, const std::string& framing,
                                 const std::string& dir) {
  PhotoQuality quality;
  std::vector<std::string> args;
  std::vector<std::string> stems;
  for (int i = 0; i < count; ++i) {
    const PhotoDigit photo = RenderPhotoDigit(&mnist.images[size_t(i) * kSide * kSide], i);
    if (!WritePhotoDigit(photo, dir)) {
      quality.error = "cannot write " + photo.file_name;
      return quality;
    }
    args.push_back(photo.file_name);
    stems.push_back(photo.file_name.substr(0, photo.file_name.find('.')));
  }
  std::filesystem::create_directories(dir + "/out");
  for (const char* arg : {"-o", "out", "--framing", framing.c_str(), "--add-noise", "0"}) {
    args.push_back(arg);
  }
  const DemoResult run = RunDemo(dir, args);
  if (run.exit_code != 0) {
    quality.error = "runtime_demo exit code " + std::to_string(run.exit_code) + ": " + run.err;
    return quality;
  }
  for (const std::string& line : run.out_lines) {
    if (line.find("(framing: mnist") != std::string::npos) {
      ++quality.framed;
    } else {
      quality.not_framed.push_back(line);
    }
  }
  for (int i = 0; i < count; ++i) {
    const float* clean = &mnist.images[size_t(i) * kSide * kSide];
    const std::string stem = dir + "/out/" + stems[size_t(i)];
    const double converted = PsnrOfFile(stem + ".noisy.png", clean);
    const double output = PsnrOfFile(stem + ".denoised.png", clean);
    if (converted < 0 || output < 0) {
      quality.error = "cannot read the outputs of " + stems[size_t(i)];
      return quality;
    }
    quality.converted_psnr += converted / count;
    quality.output_psnr += output / count;
    quality.output_psnrs.push_back(output);
  }
  return quality;
}

}  // namespace dnz::demo_test
