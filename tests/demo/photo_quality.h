// Measures runtime_demo on the photo test set (photo_digits.h): renders the digits, runs the
// built binary on all of them in one call, and compares what it wrote with the clean MNIST
// digits. Also measures it on the example digits (examples/digit_*_{noisy,clean}.png). Used by
// the quality tests and by the photo_quality tool (scripts/photo_quality.sh,
// scripts/check_quality_guards.sh), which apply the same floors (PhotoProblem,
// ExampleDigitsProblem).
#ifndef DNZ_TESTS_DEMO_PHOTO_QUALITY_H_
#define DNZ_TESTS_DEMO_PHOTO_QUALITY_H_

#include <string>
#include <vector>

#include "data/mnist.h"

namespace dnz::demo_test {

struct PhotoQuality {
  std::string error;                    // empty when the run worked
  int framed = 0;                       // files whose output line says "framing: mnist"
  std::vector<std::string> not_framed;  // the output lines of the others
  double converted_psnr = 0.0;          // mean PSNR (dB) of the 28x28 the model saw
  double output_psnr = 0.0;             // mean PSNR (dB) of the denoised output
  std::vector<double> output_psnrs;     // per digit
  std::vector<float> inputs, outputs;   // [count][28][28] in [0, 1]: what the model saw, its output
};

// Digits [0, count) of `mnist` (the test split), with `--framing framing`, in `dir` (which
// keeps the photos and the outputs, in dir/out). The demo runs with --add-noise `add_noise`
// ("0": the converted input unchanged; "0.7": the evaluation noise on it), so that it also
// writes the 28x28 the model saw beside the output. `demo_args` go to runtime_demo too (e.g.
// --model FILE).
PhotoQuality MeasurePhotoQuality(const data::MnistSet& mnist, int count, const std::string& framing,
                                 const std::string& dir, const std::string& add_noise = "0",
                                 const std::vector<std::string>& demo_args = {});

// Mean PSNR (dB) of `count` 28x28 images against the first `count` digits of `mnist`.
double MeanPsnr(const std::vector<float>& images, const data::MnistSet& mnist, int count);
// Each 28x28 image smoothed by a 3x3 box (edges averaged over the pixels inside): what a model
// that blurs instead of denoising would write.
std::vector<float> Blur3x3(const std::vector<float>& images);

// The photo guard, on the first 50 digits of the photo set, framing auto, the built-in model,
// int8 (measured at 4e9515a):
// - the clean photos (no added noise): output 19.21 dB against the clean digits (the converted
//   input itself 22.01 dB: a pass-through would pass this). Floor 18.7 dB: 0.5 dB below the
//   model; its outputs blurred by Blur3x3 score 17.67 dB, an all-zero output 10.50 dB.
// - the photos with the evaluation noise 0.7 added to the converted input: output 17.12 dB,
//   noisy input 6.97 dB, a gain of 10.15 dB. A floor of 6 dB on the gain fails a pass-through
//   (0 dB); the blurred outputs (16.51 dB, gain 9.54 dB) are caught by the first floor.
constexpr int kPhotoGuardDigits = 50;
constexpr double kMinPhotoPsnrDb = 18.7;
constexpr double kMinPhotoGainDb = 6.0;
// Empty when the clean-photo output PSNR and the noisy-photo gain reach their floors, else
// what misses.
std::string PhotoProblem(double clean_output_psnr, double noisy_output_psnr,
                         double noisy_input_psnr);

// The five example digits: runtime_demo on examples/digit_<i>_noisy.png, in one call, in `dir`;
// each output and each noisy input against examples/digit_<i>_clean.png.
struct ExampleDigitsQuality {
  std::string error;
  std::vector<double> noisy_psnrs, output_psnrs;  // per digit 0..4
};
ExampleDigitsQuality MeasureExampleDigits(const std::string& dir,
                                          const std::vector<std::string>& demo_args = {});
// Measured at 4e9515a (built-in model, int8): outputs 21.70, 20.22, 19.93, 17.41, 17.90 dB over
// noisy inputs 7.16, 7.28, 7.53, 7.41, 7.56 dB: gains 14.54, 12.94, 12.40, 10.00, 10.34 dB. Each
// digit must gain at least 8 dB: 2 dB below the worst; a pass-through gains 0, an all-zero
// output 0.40 to 6.54 dB.
constexpr double kMinExampleGainDb = 8.0;
// Empty when every digit's output is at least kMinExampleGainDb above its noisy input.
std::string ExampleDigitsProblem(const std::vector<double>& noisy_psnrs,
                                 const std::vector<double>& output_psnrs);

}  // namespace dnz::demo_test

#endif  // DNZ_TESTS_DEMO_PHOTO_QUALITY_H_
