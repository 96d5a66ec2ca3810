// Measures runtime_demo on the photo test set (photo_digits.h): renders the digits, runs the
// built binary on all of them in one call, and compares what it wrote with the clean MNIST
// digits. Used by the quality test and by the photo_quality tool (scripts/photo_quality.sh).
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
};

// Digits [0, count) of `mnist` (the test split), with `--framing framing`, in `dir` (which
// keeps the photos and the outputs, in dir/out). The demo runs with --add-noise 0, so that
// it also writes the converted input (unchanged: zero noise) beside the output.
PhotoQuality MeasurePhotoQuality(const data::MnistSet& mnist, int count, const std::string& framing,
                                 const std::string& dir);

}  // namespace dnz::demo_test

#endif  // DNZ_TESTS_DEMO_PHOTO_QUALITY_H_
