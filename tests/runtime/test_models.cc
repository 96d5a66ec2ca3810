#include "test_models.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <random>

#include "mcu/conv_s8_mcu.h"
#if DNZ_HAVE_ONEDNN
#include "onednn/x86/isa.h"
#endif

namespace dnz::test {

build::FloatNetwork RandomSeedNetwork(uint64_t seed) {
  build::FloatNetwork net = build::SeedArchitecture();
  std::mt19937_64 rng(seed);
  for (build::FloatConv& conv : net.convs) {
    const double fan_in = double(conv.kernel * conv.kernel * conv.in_channels);
    const double fan_out = double(conv.kernel * conv.kernel * conv.out_channels);
    std::uniform_real_distribution<double> glorot(-1.0, 1.0);
    const double limit = std::sqrt(6.0 / (fan_in + fan_out));
    for (float& w : conv.weights) w = float(glorot(rng) * limit);
    for (float& b : conv.bias) b = float(glorot(rng) * 0.05 + 0.02);  // keep ReLUs alive
  }
  return net;
}

std::vector<std::vector<float>> SyntheticImages(uint64_t seed, int count) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<std::vector<float>> images;
  for (int n = 0; n < count; ++n) {
    std::vector<float> image(28 * 28, 0.0f);
    for (int stroke = 0; stroke < 3; ++stroke) {
      double x = 6 + 16 * unit(rng), y = 6 + 16 * unit(rng);
      const double dx = unit(rng) - 0.5, dy = unit(rng) - 0.5;
      for (int step = 0; step < 14; ++step, x += dx, y += dy) {
        const int ix = int(x), iy = int(y);
        if (ix >= 0 && ix < 28 && iy >= 0 && iy < 28) image[size_t(iy * 28 + ix)] = 1.0f;
      }
    }
    for (float& p : image) p = float(std::fmin(1.0, std::fmax(0.0, p + 0.5 * (unit(rng) - 0.5))));
    images.push_back(std::move(image));
  }
  return images;
}

std::vector<uint8_t> ToPixels(const std::vector<float>& image) {
  std::vector<uint8_t> pixels(image.size());
  for (size_t i = 0; i < image.size(); ++i) pixels[i] = uint8_t(std::lround(image[i] * 255.0f));
  return pixels;
}

std::vector<uint8_t> RandomSeedModelBytes(uint64_t seed, bool keep_float, const char* weights) {
  build::Provenance provenance;
  provenance.trainer_backend = "test";
  provenance.calibration = "16 synthetic images, max";
  build::BuildOptions options;
  options.keep_float_weights = keep_float;
  const build::FloatNetwork net = RandomSeedNetwork(seed);
  std::string error;
  options.weight_formats = build::WeightFormatsFor(net, weights, &error);
  EXPECT_TRUE(error.empty()) << error;
  return build::BuildModel(net, SyntheticImages(seed + 1, 16), provenance, options, &error);
}

void ForEachKernelVariant(dnz_backend backend, const std::function<void(const char* name)>& body) {
#if DNZ_HAVE_ONEDNN
  if (backend == DNZ_BACKEND_ONEDNN) {
    for (const x86::Isa isa : x86::kAllIsas) {
      if (!x86::CpuSupports(isa)) continue;
      x86::SetIsaLimit(isa);
      body(x86::IsaName(isa));
    }
    x86::SetIsaLimit(x86::kAllIsas[std::size(x86::kAllIsas) - 1]);
    return;
  }
#endif
  if (backend == DNZ_BACKEND_MCU) {
    const mcu::Isa best = mcu::ActiveIsa();
    for (const mcu::Isa isa : {mcu::Isa::kPortable, mcu::Isa::kArmDsp, mcu::Isa::kWasmSimd128}) {
      if (!mcu::IsaBuilt(isa)) continue;
      mcu::SetIsaForTesting(isa);
      body(mcu::IsaName(isa));
    }
    mcu::SetIsaForTesting(best);
    return;
  }
  body("default");
}

std::vector<dnz_backend> BuiltInBackendIds(bool (*keep)(const dnz_backend_info&)) {
  std::vector<dnz_backend> ids;
  for (const dnz_backend_info& info : BuiltInBackends()) {
    if (keep == nullptr || keep(info)) ids.push_back(info.backend);
  }
  return ids;
}

dnz_backend_info InfoOf(dnz_backend backend) {
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    if (dnz_backend_info_at(i)->backend == backend) return *dnz_backend_info_at(i);
  }
  ADD_FAILURE() << "backend " << int(backend) << " is not in the table";
  return dnz_backend_info{};
}

std::string BackendParamName(const ::testing::TestParamInfo<dnz_backend>& info) {
  return dnz_backend_name(info.param);
}

Runner::Runner(const std::vector<uint8_t>& model_bytes, dnz_backend backend, uint32_t max_batch,
               int32_t threads, Budget budget)
    : bytes(AlignedCopy(model_bytes)) {
  status = dnz_model_load(&model, bytes.data(), bytes.size());
  if (status != DNZ_OK) return;
  size_t max_arena_bytes = 0;
  if (budget == Budget::kSmallestPlan) {
    status = dnz_model_arena_bytes(&model, backend, &max_arena_bytes, nullptr);
    if (status != DNZ_OK) return;
  }
  dnz_session_options options{backend, max_batch, threads, max_arena_bytes};
  status = dnz_session_init(&session, &model, &options);
  if (status != DNZ_OK) return;
  arena = AlignedBuffer(dnz_session_arena_bytes(&session));
  status = dnz_session_set_arena(&session, arena.data(), arena.size());
}

Runner::~Runner() { dnz_session_destroy(&session); }

}  // namespace dnz::test
