// The quality guard: does a model still denoise? Scores a set of outputs against the clean
// digits and the noisy inputs they came from, and says what is wrong with a score that misses
// a floor. Shared by the shipped-model test, the tests that feed the guard broken models
// (model_quality_test.cc) and the model_quality tool (scripts/check_quality_guards.sh runs it
// on a model trained for one epoch).
#ifndef DNZ_TESTS_RUNTIME_DENOISING_QUALITY_H_
#define DNZ_TESTS_RUNTIME_DENOISING_QUALITY_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dnz/dnz.h"
#include "model/model_builder.h"

namespace dnz::test {

// The shipped model on the first 1,000 noisy MNIST test digits (noise 0.7, the fixed test
// seed, data::MakeNoisyTestImages), int8, any int8 backend (they give ref's bytes), measured
// at 4e9515a: output 18.48 dB mean PSNR against the clean digits, noisy input 7.43 dB, a gain of
// 11.06 dB. The floors leave 0.18 dB for a retrained model; a model trained for one epoch of
// 2,000 digits, a pass-through and an all-zero output all miss them (model_quality_test.cc).
constexpr int kGuardDigits = 1000;
constexpr double kMinOutputPsnrDb = 18.3;
constexpr double kMinGainDb = 6.0;

struct DenoisingScore {
  double output_psnr = 0.0;  // mean PSNR (dB) of the outputs against the clean digits
  double noisy_psnr = 0.0;   // the same for the noisy inputs
  double gain() const { return output_psnr - noisy_psnr; }
};

// Mean PSNR (data/metrics.h) of `count` 28x28 outputs and of their noisy inputs.
DenoisingScore ScoreDenoising(const float* output, const float* noisy, const float* clean,
                              size_t count);

// Empty when `score` reaches both floors, else one line saying which it misses and by how much.
std::string QualityProblem(const DenoisingScore& score, double min_output_psnr = kMinOutputPsnrDb,
                           double min_gain = kMinGainDb);

// Runs `count` 28x28 images through `model_bytes` on `backend` (batches of 128 on a threaded
// backend); on failure returns an empty vector and sets `error`.
std::vector<float> RunModel(const std::vector<uint8_t>& model_bytes, dnz_backend backend,
                            const std::vector<float>& images, size_t count, std::string* error);

// Broken models for the guard, built by the real model builder (the seed architecture):
enum class BrokenModel {
  kConstantHalf,  // every weight and bias zero: a constant 0.5 output (the sigmoid of 0)
  kIdentity,      // identity weights (channel 0 carries the input through every conv; the
                  // pools and upsamples make it an 8x8-block copy of the noisy input) and a
                  // last conv of sigmoid(8 x - 4): the closest the architecture comes to a
                  // pass-through
};
// Calibrated on `calibration` (28x28 images in [0, 1]); empty with `error` set on failure.
std::vector<uint8_t> BrokenModelBytes(BrokenModel kind,
                                      const std::vector<std::vector<float>>& calibration,
                                      std::string* error);
// `bytes` (a model) with every requantization multiplier scaled by `factor` (kept below 2^31):
// int8 arithmetic that drifted from the float weights the file carries.
std::vector<uint8_t> ScaledMultipliers(const std::vector<uint8_t>& bytes, double factor);

}  // namespace dnz::test

#endif  // DNZ_TESTS_RUNTIME_DENOISING_QUALITY_H_
