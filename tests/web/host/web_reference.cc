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
//   web_reference shapes OUT                         OUT.0.dnz ...: small random 28x28x1 models
//                                                    whose convs take every path of the mcu
//                                                    kernels (see Shapes below); prints the count
#include <chrono>
#include <cmath>
#include <cstdint>
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
#include "model/model_builder.h"

namespace {

using namespace dnz;  // NOLINT: a test program

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

// Models for the mcu kernels' paths beyond the shipped model's: input channels with a tail
// (in_c % 4 of 1, 2, 3), an odd and an even number of 4-channel groups, output channels in
// blocks of 4 and single ones, 1x1, 3x3 and 5x5 kernels, pools, the polyphase upsample
// convs, and fewer than 4 input channels (the patch kernel). All 28x28x1 in and out, as the
// page's module requires.
struct ShapeConv {
  int kernel, in_c, out_c;
  bool upsample, pool;
};
const std::vector<std::vector<ShapeConv>> kShapes = {
    {{3, 1, 5, false, true},    // 28 -> 14
     {3, 5, 7, false, true},    // 14 -> 7: 1 group + 1, blocks 4 + 3 single
     {3, 7, 9, true, false},    // 7 -> 14, polyphase
     {3, 9, 6, true, false},    // 14 -> 28, polyphase: 2 groups + 1
     {3, 6, 1, false, false}},  // 1 group + 2
    {{5, 1, 12, false, false},
     {3, 12, 16, false, true},  // 28 -> 14: 3 groups
     {3, 16, 9, true, false},   // 14 -> 28, polyphase: 4 groups, blocks 4 + 4 + 1
     {1, 9, 3, false, false},   // 1x1
     {3, 3, 2, false, false},   // fewer than 4 inputs: the patch kernel
     {3, 2, 1, false, false}},
    {{3, 1, 8, false, true},    // 28 -> 14
     {3, 8, 11, false, false},  // 2 groups, blocks 4 + 4 + 3 single
     {5, 11, 10, false, true},  // 14 -> 7: 2 groups + 3
     {3, 10, 4, true, false},   // 7 -> 14, polyphase: 2 groups + 2
     {3, 4, 6, true, false},    // 14 -> 28, polyphase: 1 group
     {3, 6, 1, false, false}}};

int Shapes(char** argv) {
  const std::string out = argv[2];
  data::Xoshiro256 random(20261207);
  int written = 0;
  for (const std::vector<ShapeConv>& shape : kShapes) {
    build::FloatNetwork net;
    for (size_t i = 0; i < shape.size(); ++i) {
      const ShapeConv& c = shape[i];
      const bool last = i + 1 == shape.size();
      build::FloatConv conv = build::ZeroConv(
          c.kernel, c.in_c, c.out_c, true,
          last ? build::Activation::kSigmoid : build::Activation::kRelu, c.upsample, c.pool);
      // Wide enough that the outputs spread over the sigmoid, not all near 0.5 (a kernel's
      // mistake must change bytes): 2.5 and, for the last conv, 12 over sqrt(fan-in).
      const double scale = (last ? 12.0 : 2.5) / std::sqrt(double(c.kernel * c.kernel * c.in_c));
      for (float& w : conv.weights) w = float((random.NextDouble() * 2 - 1) * scale);
      for (float& b : conv.bias) b = float((random.NextDouble() * 2 - 1) * 0.1);
      net.convs.push_back(conv);
    }
    std::vector<std::vector<float>> calibration(8, std::vector<float>(kPixels));
    for (std::vector<float>& image : calibration) {
      for (float& v : image) v = float(random.NextDouble());
    }
    build::BuildOptions options;
    options.keep_float_weights = false;
    std::string error;
    const std::vector<uint8_t> bytes =
        build::BuildModel(net, calibration, build::Provenance(), options, &error);
    if (bytes.empty()) Die("shape " + std::to_string(written) + ": " + error);
    WriteFile(out + "." + std::to_string(written) + ".dnz", bytes);
    ++written;
  }
  std::printf("%d\n", written);
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
  if (command == "shapes" && argc == 3) return Shapes(argv);
  Die("usage: see tests/web/host/web_reference.cc");
}
