// model_quality: the quality guard of model_quality_test.cc on any model file.
//   model_quality MODEL.dnz [MNIST_DIR]
// Prints the mean PSNR of the model's outputs and of the noisy inputs on the first 1,000 noisy
// MNIST test digits; exit 0 when both floors are reached, 1 when not (or on an error).
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

#include "data/mnist.h"
#include "data/noise.h"
#include "denoising_quality.h"

int main(int argc, char** argv) {
  using namespace dnz;
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: model_quality MODEL.dnz [MNIST_DIR]\n");
    return 2;
  }
  std::ifstream file(argv[1], std::ios::binary);
  const std::vector<uint8_t> model(std::istreambuf_iterator<char>(file), {});
  if (model.empty()) {
    std::fprintf(stderr, "model_quality: cannot read %s\n", argv[1]);
    return 1;
  }
  data::MnistSet clean;
  std::string error;
  if (!data::LoadMnist(argc == 3 ? argv[2] : DNZ_MNIST_DIR, data::MnistSplit::kTest,
                       test::kGuardDigits, &clean, &error)) {
    std::fprintf(stderr, "model_quality: %s\n", error.c_str());
    return 1;
  }
  const size_t count = size_t(clean.count);
  std::vector<float> noisy(clean.images.size());
  data::MakeNoisyTestImages(clean.images.data(), count, data::kMnistPixels, noisy.data());
  const std::vector<float> out = test::RunModel(model, DNZ_BACKEND_AUTO, noisy, count, &error);
  if (out.empty()) {
    std::fprintf(stderr, "model_quality: %s\n", error.c_str());
    return 1;
  }
  const test::DenoisingScore score =
      test::ScoreDenoising(out.data(), noisy.data(), clean.images.data(), count);
  const std::string problem = test::QualityProblem(score);
  std::printf("%s: %zu digits: output %.2f dB, noisy input %.2f dB, gain %.2f dB: %s\n", argv[1],
              count, score.output_psnr, score.noisy_psnr, score.gain(),
              problem.empty() ? "passes the guard" : problem.c_str());
  return problem.empty() ? 0 : 1;
}
