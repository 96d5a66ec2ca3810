// The native side of the web tests (tests/web, docs/web.md): what the host build gives for the
// inputs the WebAssembly module is given, computed at test time with the same library calls
// as runtime_demo (ReadLumaImage, ToMnistDigit, AddNoiseToImage, ToPixels, the runtime). Raw
// files of 28x28 digits, 784 bytes each, go in and out; one line on stderr and exit 1 on any
// failure.
//
//   web_reference image MODEL FILE FACTOR SEED OUT   OUT.frame, OUT.noisy, OUT.denoised (ref);
//                                                    a file that cannot be read: exit 3, its
//                                                    error line on stdout
//   web_reference run MODEL BACKEND IN OUT           IN's digits through BACKEND
//   web_reference mnist MODEL MNIST_DIR COUNT OUT    OUT.clean, OUT.noisy (noise 0.7, the test
//                                                    seed), OUT.denoised (ref)
//   web_reference time MODEL BACKEND IN REPEATS      mean milliseconds per digit, one at a time
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "data/noise.h"
#include "digit_conversion.h"
#include "dnz/dnz.hpp"
#include "files/atomic_write.h"
#include "image_decode.h"

namespace {

constexpr size_t kPixels = dnz::demo::kDigitPixels;

[[noreturn]] void Die(const std::string& line) {
  std::fprintf(stderr, "web_reference: %s\n", line.c_str());
  std::exit(1);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::vector<uint8_t> bytes;
  std::string error;
  if (!dnz::demo::ReadRegularFile(path, size_t(1) << 30, &bytes, &error)) Die(error);
  return bytes;
}

void WriteFile(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::string error;
  if (!dnz::files::WriteFileAtomically(path, bytes, &error)) Die(error);
}

struct Runner {
  dnz::Model model;
  dnz::Session session;
  Runner(const std::string& model_path, const std::string& backend_name) {
    const std::vector<uint8_t> bytes = ReadFile(model_path);
    if (model.Load(bytes.data(), bytes.size()) != DNZ_OK) Die(model.error());
    dnz_backend backend = DNZ_BACKEND_REF;
    if (dnz_backend_from_name(backend_name.c_str(), &backend) != DNZ_OK) {
      Die("unknown backend " + backend_name);
    }
    if (session.Init(model, backend) != DNZ_OK) Die(session.error());
  }
  std::vector<uint8_t> Run(const std::vector<uint8_t>& input) {
    if (input.empty() || input.size() % kPixels != 0) Die("input is not a whole number of digits");
    std::vector<uint8_t> output(input.size());
    if (session.Run(input.data(), output.data(), uint32_t(input.size() / kPixels)) != DNZ_OK) {
      Die(session.error());
    }
    return output;
  }
};

int Image(char** argv) {
  Runner runner(argv[2], "ref");
  const std::string out = argv[6];
  dnz::demo::LumaImage image;
  std::string error;
  if (!dnz::demo::ReadLumaImage(argv[3], &image, &error)) {
    std::printf("%s\n", error.c_str());
    return 3;
  }
  dnz::demo::DigitConversion conversion;
  const std::vector<float> digit =
      dnz::demo::ToMnistDigit(image, dnz::demo::Framing::kAuto, &conversion);
  if (digit.empty()) Die("resizing failed");
  std::vector<float> noisy(digit.size());
  dnz::data::AddNoiseToImage(digit.data(), digit.size(), std::strtod(argv[4], nullptr),
                             dnz::data::ImageNoiseSeed(std::strtoull(argv[5], nullptr, 10), 0, 0),
                             noisy.data());
  const std::vector<uint8_t> noisy_pixels = dnz::demo::ToPixels(noisy);
  WriteFile(out + ".frame", dnz::demo::ToPixels(digit));
  WriteFile(out + ".noisy", noisy_pixels);
  WriteFile(out + ".denoised", runner.Run(noisy_pixels));
  return 0;
}

int Mnist(char** argv) {
  Runner runner(argv[2], "ref");
  dnz::data::MnistSet set;
  std::string error;
  if (!dnz::data::LoadMnist(argv[3], dnz::data::MnistSplit::kTest, std::atoi(argv[4]), &set,
                            &error)) {
    Die(error);
  }
  std::vector<float> noisy(set.images.size());
  dnz::data::MakeNoisyTestImages(set.images.data(), size_t(set.count), kPixels, noisy.data());
  const std::string out = argv[5];
  const std::vector<uint8_t> noisy_pixels = dnz::demo::ToPixels(noisy);
  WriteFile(out + ".clean", dnz::demo::ToPixels(set.images));
  WriteFile(out + ".noisy", noisy_pixels);
  WriteFile(out + ".denoised", runner.Run(noisy_pixels));
  return 0;
}

int Time(char** argv) {
  Runner runner(argv[2], argv[3]);
  const std::vector<uint8_t> input = ReadFile(argv[4]);
  const int repeats = std::atoi(argv[5]);
  const size_t count = input.size() / kPixels;
  std::vector<uint8_t> output(kPixels);
  runner.Run(std::vector<uint8_t>(input.begin(), input.begin() + kPixels));  // warm-up
  const auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < repeats; ++r) {
    for (size_t i = 0; i < count; ++i) {
      if (runner.session.Run(input.data() + i * kPixels, output.data(), 1) != DNZ_OK) {
        Die(runner.session.error());
      }
    }
  }
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start;
  std::printf("%.4f\n", elapsed.count() / double(count * size_t(repeats)));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  if (command == "image" && argc == 7) return Image(argv);
  if (command == "run" && argc == 6) {
    Runner runner(argv[2], argv[3]);
    WriteFile(argv[5], runner.Run(ReadFile(argv[4])));
    return 0;
  }
  if (command == "mnist" && argc == 6) return Mnist(argv);
  if (command == "time" && argc == 6) return Time(argv);
  Die("usage: see tests/web/host/web_reference.cc");
}
