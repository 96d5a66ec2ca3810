// photo_quality: runtime_demo on the photo test set (photo_digits.h), as a number.
//   photo_quality --mnist data/mnist [--count 1000] [--framing auto|mnist|none] [--keep DIR]
//                 [--model FILE]
// Prints the mean PSNR against the clean MNIST digits of the converted 28x28 input and of
// the denoised output. scripts/photo_quality.sh runs it with and without framing.
//   photo_quality --mnist data/mnist --guard [--model FILE]
// applies the quality tests' guards instead (photo_quality.h: the first 50 photos, clean and
// noisy, and the five example digits) and exits 1 when the model misses one
// (scripts/check_quality_guards.sh runs it on a model trained for one epoch).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "demo_runner.h"
#include "photo_digits.h"
#include "photo_quality.h"

namespace {

// The guards of photo_quality_test.cc on the model runtime_demo runs with `demo_args`.
int Guard(const std::string& mnist_dir, const std::vector<std::string>& demo_args) {
  using namespace dnz;
  data::MnistSet mnist;
  std::string error;
  const int count = demo_test::kPhotoGuardDigits;
  if (!data::LoadMnist(mnist_dir, data::MnistSplit::kTest, count, &mnist, &error)) {
    std::fprintf(stderr, "photo_quality: %s\n", error.c_str());
    return 1;
  }
  demo_test::TempDir clean_dir, noisy_dir, examples_dir;
  const demo_test::PhotoQuality clean =
      demo_test::MeasurePhotoQuality(mnist, count, "auto", clean_dir.path(), "0", demo_args);
  const demo_test::PhotoQuality noisy =
      demo_test::MeasurePhotoQuality(mnist, count, "auto", noisy_dir.path(), "0.7", demo_args);
  const demo_test::ExampleDigitsQuality examples =
      demo_test::MeasureExampleDigits(examples_dir.path(), demo_args);
  for (const std::string* e : {&clean.error, &noisy.error, &examples.error}) {
    if (!e->empty()) {
      std::fprintf(stderr, "photo_quality: %s\n", e->c_str());
      return 1;
    }
  }
  const std::string photo =
      demo_test::PhotoProblem(clean.output_psnr, noisy.output_psnr, noisy.converted_psnr);
  const std::string digits =
      demo_test::ExampleDigitsProblem(examples.noisy_psnrs, examples.output_psnrs);
  std::printf("photos (%d): clean %.2f dB, noisy %.2f dB over %.2f dB: %s\n", count,
              clean.output_psnr, noisy.output_psnr, noisy.converted_psnr,
              photo.empty() ? "passes" : photo.c_str());
  std::printf("example digits (output over noisy, dB):");
  for (size_t i = 0; i < examples.output_psnrs.size(); ++i) {
    std::printf(" %.2f/%.2f", examples.output_psnrs[i], examples.noisy_psnrs[i]);
  }
  std::printf(": %s\n", digits.empty() ? "passes" : digits.c_str());
  return photo.empty() && digits.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace dnz;
  CLI::App app("photo_quality: runtime_demo's mean PSNR on photographed MNIST digits");
  std::string mnist_dir, framing = "auto", keep;
  int count = demo_test::kPhotoSetSize;
  app.add_option("--mnist", mnist_dir, "Folder of the MNIST IDX files")->required();
  app.add_option("--count", count, "Digits 0..count-1 of the test split")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--framing", framing, "runtime_demo --framing")
      ->check(CLI::IsMember({"auto", "mnist", "none"}))
      ->capture_default_str();
  app.add_option("--keep", keep, "Keep the photos and outputs in this new folder");
  std::string model;
  bool guard = false;
  app.add_option("--model", model, "runtime_demo --model: this model instead of the built-in one");
  app.add_flag("--guard", guard, "Apply the quality tests' floors; exit 1 if one is missed");
  CLI11_PARSE(app, argc, argv);
  std::vector<std::string> demo_args;
  if (!model.empty()) demo_args = {"--model", std::filesystem::absolute(model).string()};
  if (guard) return Guard(mnist_dir, demo_args);

  data::MnistSet mnist;
  std::string error;
  if (!data::LoadMnist(mnist_dir, data::MnistSplit::kTest, count, &mnist, &error)) {
    std::fprintf(stderr, "photo_quality: %s\n", error.c_str());
    return 1;
  }
  demo_test::TempDir temp;
  std::string dir = temp.path();
  if (!keep.empty()) {
    std::error_code failed;
    if (!std::filesystem::create_directories(keep, failed) || failed) {
      std::fprintf(stderr, "photo_quality: %s: cannot create a new folder\n", keep.c_str());
      return 1;
    }
    dir = keep;
  }
  const demo_test::PhotoQuality quality =
      demo_test::MeasurePhotoQuality(mnist, count, framing, dir, "0", demo_args);
  if (!quality.error.empty()) {
    std::fprintf(stderr, "photo_quality: %s\n", quality.error.c_str());
    return 1;
  }
  if (framing != "none") {  // which photos the framing missed, and why (the first ten)
    for (size_t i = 0; i < std::min<size_t>(quality.not_framed.size(), 10); ++i) {
      std::printf("not framed: %s\n", quality.not_framed[i].c_str());
    }
  }
  std::vector<int> order(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) order[size_t(i)] = i;
  std::sort(order.begin(), order.end(), [&quality](int a, int b) {
    return quality.output_psnrs[size_t(a)] < quality.output_psnrs[size_t(b)];
  });
  std::printf(
      "%d photographed digits, --framing %s: %d framed; mean PSNR converted input %.2f dB, "
      "denoised output %.2f dB (median %.2f)\nworst:",
      count, framing.c_str(), quality.framed, quality.converted_psnr, quality.output_psnr,
      quality.output_psnrs[size_t(order[order.size() / 2])]);
  for (size_t i = 0; i < std::min<size_t>(order.size(), 5); ++i) {
    std::printf(" digit %d %.2f dB;", order[i], quality.output_psnrs[size_t(order[i])]);
  }
  std::printf("\n");
  return 0;
}
