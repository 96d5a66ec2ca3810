#include "photo_quality.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>

#include "data/metrics.h"
#include "demo_runner.h"
#include "photo_digits.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

constexpr int kSide = 28;

constexpr size_t kPixels = size_t(kSide) * kSide;

// A written 28x28 gray PNG as values in [0, 1], appended to `values`; false if unreadable.
bool ReadDigitFile(const std::string& path, std::vector<float>* values) {
  DecodedImage image;
  if (!DecodeImage(path, &image) || image.width != kSide || image.height != kSide ||
      image.channels != 1) {
    return false;
  }
  for (const uint8_t p : image.pixels) values->push_back(float(p) / 255.0f);
  return true;
}

double PsnrOf(const std::vector<float>& images, size_t index, const float* clean) {
  return data::ImagePsnr(images.data() + index * kPixels, clean, kPixels);
}

}  // namespace

double MeanPsnr(const std::vector<float>& images, const data::MnistSet& mnist, int count) {
  double sum = 0.0;
  for (size_t i = 0; i < size_t(count); ++i) sum += PsnrOf(images, i, &mnist.images[i * kPixels]);
  return count > 0 ? sum / count : 0.0;
}

std::vector<float> Blur3x3(const std::vector<float>& images) {
  std::vector<float> blurred(images.size());
  for (size_t base = 0; base + kPixels <= images.size(); base += kPixels) {
    for (int y = 0; y < kSide; ++y) {
      for (int x = 0; x < kSide; ++x) {
        float sum = 0.0f;
        int n = 0;
        for (int dy = -1; dy <= 1; ++dy) {
          for (int dx = -1; dx <= 1; ++dx) {
            if (y + dy < 0 || y + dy >= kSide || x + dx < 0 || x + dx >= kSide) continue;
            sum += images[base + size_t((y + dy) * kSide + x + dx)];
            ++n;
          }
        }
        blurred[base + size_t(y * kSide + x)] = sum / float(n);
      }
    }
  }
  return blurred;
}

std::string PhotoProblem(double clean_output_psnr, double noisy_output_psnr,
                         double noisy_input_psnr) {
  char line[200];
  std::string problem;
  if (clean_output_psnr < kMinPhotoPsnrDb) {
    std::snprintf(line, sizeof line, "clean photos: output %.2f dB is below %.2f dB",
                  clean_output_psnr, kMinPhotoPsnrDb);
    problem = line;
  }
  const double gain = noisy_output_psnr - noisy_input_psnr;
  if (gain < kMinPhotoGainDb) {
    std::snprintf(line, sizeof line, "%snoisy photos: gain %.2f dB (%.2f - %.2f) is below %.2f dB",
                  problem.empty() ? "" : "; ", gain, noisy_output_psnr, noisy_input_psnr,
                  kMinPhotoGainDb);
    problem += line;
  }
  return problem;
}

ExampleDigitsQuality MeasureExampleDigits(const std::string& dir,
                                          const std::vector<std::string>& demo_args) {
  constexpr int kExamples = 5;
  ExampleDigitsQuality quality;
  std::vector<std::string> args;
  for (int i = 0; i < kExamples; ++i) {
    args.push_back(CopyExample("digit_" + std::to_string(i) + "_noisy.png", dir));
  }
  args.insert(args.end(), demo_args.begin(), demo_args.end());
  const DemoResult run = RunDemo(dir, args);
  if (run.exit_code != 0) {
    quality.error = "runtime_demo exit code " + std::to_string(run.exit_code) + ": " + run.err;
    return quality;
  }
  for (int i = 0; i < kExamples; ++i) {
    const std::string stem = "digit_" + std::to_string(i);
    std::vector<float> clean, noisy, output;
    if (!ReadDigitFile(std::string(DNZ_EXAMPLES_DIR) + "/" + stem + "_clean.png", &clean) ||
        !ReadDigitFile(dir + "/" + stem + "_noisy.png", &noisy) ||
        !ReadDigitFile(dir + "/" + stem + "_noisy.denoised.png", &output)) {
      quality.error = "cannot read " + stem + "'s files";
      return quality;
    }
    quality.noisy_psnrs.push_back(PsnrOf(noisy, 0, clean.data()));
    quality.output_psnrs.push_back(PsnrOf(output, 0, clean.data()));
  }
  return quality;
}

std::string ExampleDigitsProblem(const std::vector<double>& noisy_psnrs,
                                 const std::vector<double>& output_psnrs) {
  std::string problem;
  for (size_t i = 0; i < noisy_psnrs.size() && i < output_psnrs.size(); ++i) {
    if (output_psnrs[i] - noisy_psnrs[i] >= kMinExampleGainDb) continue;
    char line[160];
    std::snprintf(
        line, sizeof line, "%sdigit_%zu: output %.2f dB over noisy %.2f dB is below +%.1f",
        problem.empty() ? "" : "; ", i, output_psnrs[i], noisy_psnrs[i], kMinExampleGainDb);
    problem += line;
  }
  if (output_psnrs.size() != 5 || noisy_psnrs.size() != 5) problem += "; not five digits";
  return problem;
}

PhotoQuality MeasurePhotoQuality(const data::MnistSet& mnist, int count, const std::string& framing,
                                 const std::string& dir, const std::string& add_noise,
                                 const std::vector<std::string>& demo_args) {
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
  for (const char* arg : {"-o", "out", "--framing", framing.c_str(), "--add-noise"}) {
    args.push_back(arg);
  }
  args.push_back(add_noise);
  args.insert(args.end(), demo_args.begin(), demo_args.end());
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
    if (!ReadDigitFile(stem + ".noisy.png", &quality.inputs) ||
        !ReadDigitFile(stem + ".denoised.png", &quality.outputs)) {
      quality.error = "cannot read the outputs of " + stems[size_t(i)];
      return quality;
    }
    const double converted = PsnrOf(quality.inputs, size_t(i), clean);
    const double output = PsnrOf(quality.outputs, size_t(i), clean);
    quality.converted_psnr += converted / count;
    quality.output_psnr += output / count;
    quality.output_psnrs.push_back(output);
  }
  return quality;
}

}  // namespace dnz::demo_test
