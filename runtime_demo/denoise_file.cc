#include "denoise_file.h"

#include <chrono>
#include <cstdint>
#include <vector>

#include "compare_strip.h"
#include "data/noise.h"
#include "digit_conversion.h"
#include "files/atomic_write.h"
#include "frame_mapping.h"
#include "image_decode.h"
#include "png_encode.h"

namespace dnz::demo {

using files::OutputFile;
using files::WriteFilesAtomically;
namespace {

bool AddPng(const std::string& path, const std::vector<uint8_t>& pixels, int width, int height,
            std::vector<OutputFile>* files, std::string* error) {
  std::vector<uint8_t> png = EncodeGrayPng(pixels, width, height);
  if (png.empty()) {
    *error = path + ": PNG encoding failed";
    return false;
  }
  files->push_back({path, std::move(png)});
  return true;
}

// The --compare strip: [the input under the frame |] [clean |] model input | output.
bool AddCompare(const std::string& path, const LumaImage& image, const DigitConversion& conversion,
                const std::vector<std::vector<uint8_t>>& digits, std::vector<OutputFile>* files,
                std::string* error) {
  constexpr int kPanelSide = kDigitSide * kCompareScale;
  std::vector<std::vector<uint8_t>> panels;
  if (conversion.framed) {
    panels.push_back(
        InputUnderFrame(image, conversion.to_frame, conversion.background, kPanelSide));
    if (panels.back().empty()) {
      *error = path + ": resizing the input for the comparison failed (out of memory?)";
      return false;
    }
  }
  for (const std::vector<uint8_t>& digit : digits) {
    panels.push_back(EnlargeForCompare(digit, kDigitSide));
  }
  int width = 0, height = 0;
  const std::vector<uint8_t> strip = JoinPanels(panels, kPanelSide, &width, &height);
  return AddPng(path, strip, width, height, files, error);
}

}  // namespace

bool DenoiseFile(Session* session, const std::string& input, const OutputPaths& outputs,
                 const DenoiseSettings& settings, DenoiseReport* report, std::string* error) {
  LumaImage image;
  if (!ReadLumaImage(input, &image, error)) return false;
  DigitConversion& conversion = report->conversion;
  const std::vector<float> digit = ToMnistDigit(image, settings.framing, &conversion);
  if (digit.empty()) {
    *error = input + ": resizing to 28x28 failed (out of memory?)";
    return false;
  }
  const std::vector<uint8_t> clean = ToPixels(digit);

  // The model input: the digit itself, or a noisy copy drawn with the trainer's generator.
  std::vector<uint8_t> model_input = clean;
  if (settings.add_noise) {
    std::vector<float> noisy(digit.size());
    data::AddNoiseToImage(digit.data(), digit.size(), settings.noise_factor,
                          data::ImageNoiseSeed(settings.noise_seed, 0, 0), noisy.data());
    model_input = ToPixels(noisy);
  }

  std::vector<uint8_t> denoised(kDigitPixels);
  const auto start = std::chrono::steady_clock::now();
  const dnz_status status = session->Run(model_input.data(), denoised.data(), 1);
  const auto stop = std::chrono::steady_clock::now();
  report->inference_ms = std::chrono::duration<double, std::milli>(stop - start).count();
  if (status != DNZ_OK) {
    *error =
        input + ": inference failed (" + dnz_status_string(status) + ": " + session->error() + ")";
    return false;
  }

  std::vector<OutputFile> files;
  if (!AddPng(outputs.denoised, denoised, kDigitSide, kDigitSide, &files, error)) return false;
  if (settings.add_noise &&
      !AddPng(outputs.noisy, model_input, kDigitSide, kDigitSide, &files, error)) {
    return false;
  }
  if (settings.compare) {
    std::vector<std::vector<uint8_t>> digits = {model_input, denoised};
    if (settings.add_noise) digits.insert(digits.begin(), clean);
    if (!AddCompare(outputs.compare, image, conversion, digits, &files, error)) return false;
  }
  if (settings.full_size && !AddPng(outputs.full_size,
                                    DigitAtInputSize(denoised, conversion.to_frame, image.width,
                                                     image.height, conversion.inverted),
                                    image.width, image.height, &files, error)) {
    return false;
  }
  if (!WriteFilesAtomically(files, error)) {
    *error = input + ": " + *error;  // name the input as well as the output
    return false;
  }
  return true;
}

}  // namespace dnz::demo
