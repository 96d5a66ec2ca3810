// Build-time tool: writes an UNTRAINED placeholder model (the seed architecture with
// seeded Glorot-uniform weights) so that runtime_demo builds and runs before the
// trainer's models/default.dnz exists. Its provenance says trainer_backend "placeholder",
// which runtime_demo --version reports as "untrained placeholder".
//
//   make_placeholder_model OUT.dnz
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "files/atomic_write.h"
#include "model/model_builder.h"

namespace {

constexpr uint64_t kPlaceholderSeed = 20261125;

// Glorot-uniform weights like Keras' default; small positive biases keep the ReLUs alive
// so the placeholder's output is at least not a constant image.
dnz::build::FloatNetwork GlorotSeedNetwork(std::mt19937_64* rng) {
  dnz::build::FloatNetwork net = dnz::build::SeedArchitecture();
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  for (dnz::build::FloatConv& conv : net.convs) {
    const double fan_in = double(conv.kernel * conv.kernel * conv.in_channels);
    const double fan_out = double(conv.kernel * conv.kernel * conv.out_channels);
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    for (float& w : conv.weights) w = float(unit(*rng) * limit);
    for (float& b : conv.bias) b = float(0.02 + 0.05 * unit(*rng));
  }
  return net;
}

// Digit-like calibration images: a few bright strokes on black, [28][28] in [0,1].
std::vector<std::vector<float>> StrokeImages(std::mt19937_64* rng, int count) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<std::vector<float>> images;
  for (int n = 0; n < count; ++n) {
    std::vector<float> image(28 * 28, 0.0f);
    for (int stroke = 0; stroke < 3; ++stroke) {
      double x = 6 + 16 * unit(*rng), y = 6 + 16 * unit(*rng);
      const double dx = unit(*rng) - 0.5, dy = unit(*rng) - 0.5;
      for (int step = 0; step < 14; ++step, x += dx, y += dy) {
        const int ix = int(x), iy = int(y);
        if (ix >= 0 && ix < 28 && iy >= 0 && iy < 28) image[size_t(iy * 28 + ix)] = 1.0f;
      }
    }
    images.push_back(std::move(image));
  }
  return images;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_placeholder_model OUT.dnz\n");
    return 2;
  }
  std::mt19937_64 rng(kPlaceholderSeed);
  const dnz::build::FloatNetwork net = GlorotSeedNetwork(&rng);
  dnz::build::Provenance provenance;
  provenance.trainer = "runtime_demo/make_placeholder_model (untrained)";
  provenance.trainer_backend = "placeholder";
  provenance.init_seed = kPlaceholderSeed;
  provenance.calibration = "16 synthetic stroke images, max";
  // A fixed date keeps the placeholder's bytes reproducible from build to build.
  provenance.created_utc = "1970-01-01T00:00:00Z";
  provenance.extra.emplace_back("note",
                                "untrained random weights; train a model into models/default.dnz");
  std::string error;
  const std::vector<uint8_t> bytes =
      dnz::build::BuildModel(net, StrokeImages(&rng, 16), provenance, {}, &error);
  if (bytes.empty() || !dnz::files::WriteFileAtomically(argv[1], bytes, &error)) {
    std::fprintf(stderr, "make_placeholder_model: %s\n", error.c_str());
    return 1;
  }
  return 0;
}
