// photo_quality: runtime_demo on the photo test set (photo_digits.h), as a number.
//   photo_quality --mnist data/mnist [--count 1000] [--framing auto|mnist|none] [--keep DIR]
// Prints the mean PSNR against the clean MNIST digits of the converted 28x28 input and of
// the denoised output. scripts/photo_quality.sh runs it with and without framing.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>

#include "data/mnist.h"
#include "demo_runner.h"
#include "photo_digits.h"
#include "photo_quality.h"

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
  CLI11_PARSE(app, argc, argv);

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
      demo_test::MeasurePhotoQuality(mnist, count, framing, dir);
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
