// Writes example digits for runtime_demo: MNIST test images 0..4 (labels 7 2 1 0 4),
// clean and with the evaluation noise every part of dnz uses (factor 0.7, seed
// kTestNoiseSeed, image i's stream ImageNoiseSeed(seed, 0, i)), as 28x28 gray PNGs:
//   OUT/digit_<i>_clean.png, OUT/digit_<i>_noisy.png
//
//   make_examples --mnist data/mnist --out examples
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "data/noise.h"
#include "digit_conversion.h"
#include "files/atomic_write.h"
#include "png_encode.h"

namespace {

constexpr int kExampleCount = 5;

std::vector<float> Slice(const std::vector<float>& images, int index) {
  const auto begin = images.begin() + std::ptrdiff_t(index) * dnz::data::kMnistPixels;
  return std::vector<float>(begin, begin + dnz::data::kMnistPixels);
}

dnz::files::OutputFile Png(const std::string& path, const std::vector<float>& image) {
  return {path, dnz::demo::EncodeGrayPng(dnz::demo::ToPixels(image), dnz::data::kMnistSide,
                                         dnz::data::kMnistSide)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string mnist_dir = "data/mnist", out_dir = "examples";
  CLI::App app("Writes noisy and clean MNIST test digits 0..4 as PNG examples", "make_examples");
  app.add_option("--mnist", mnist_dir, "Folder with the MNIST IDX files")->capture_default_str();
  app.add_option("--out", out_dir, "Folder to write the PNGs into")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  dnz::data::MnistSet test;
  std::string error;
  if (!dnz::data::LoadMnist(mnist_dir, dnz::data::MnistSplit::kTest, kExampleCount, &test,
                            &error)) {
    std::fprintf(stderr, "make_examples: %s\n", error.c_str());
    return 1;
  }
  std::vector<float> noisy(test.images.size());
  dnz::data::MakeNoisyTestImages(test.images.data(), size_t(test.count), dnz::data::kMnistPixels,
                                 noisy.data());
  std::vector<dnz::files::OutputFile> files;
  for (int i = 0; i < test.count; ++i) {
    const std::string base = out_dir + "/digit_" + std::to_string(i);
    files.push_back(Png(base + "_clean.png", Slice(test.images, i)));
    files.push_back(Png(base + "_noisy.png", Slice(noisy, i)));
    std::printf("%s_{clean,noisy}.png: label %d\n", base.c_str(), int(test.labels[size_t(i)]));
  }
  if (!dnz::files::WriteFilesAtomically(files, &error)) {
    std::fprintf(stderr, "make_examples: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
