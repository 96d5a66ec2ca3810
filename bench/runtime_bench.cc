// Inference speed of every backend, batch 1 and 128; onednn on 1 and 2 threads and on
// the session's default (threads:0, auto: 1 thread for a pass of up to 3 images, the
// usable cores from 4; dnz.h).
//   runtime_bench [--model FILE] [google benchmark flags]
// Without --model it runs the seed architecture with random weights (the speed
// does not depend on the weights' values). scripts/run_load_benchmark.sh runs the
// onednn cases again beside a busy core.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "dnz/dnz.hpp"
#include "model/model_builder.h"

namespace {

std::vector<uint8_t> g_model_bytes;

std::vector<uint8_t> RandomModel() {
  dnz::build::FloatNetwork net = dnz::build::SeedArchitecture();
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<float> u(-0.1f, 0.1f);
  for (auto& conv : net.convs) {
    for (float& w : conv.weights) w = u(rng);
    for (float& b : conv.bias) b = 0.01f;
  }
  std::vector<std::vector<float>> calibration(4, std::vector<float>(784));
  for (auto& image : calibration)
    for (float& p : image) p = (u(rng) + 0.1f) * 5.0f;
  std::string error;
  return dnz::build::BuildModel(net, calibration, {}, {}, &error);
}

void BM_Denoise(benchmark::State& state, dnz_backend backend) {
  const uint32_t batch = uint32_t(state.range(0));
  const int32_t threads = int32_t(state.range(1));  // the session option: 0 = auto
  dnz::Model model;
  if (model.Load(g_model_bytes.data(), g_model_bytes.size()) != DNZ_OK) {
    state.SkipWithError(model.error());
    return;
  }
  dnz::Session session;
  if (session.Init(model, backend, batch, threads) != DNZ_OK) {
    state.SkipWithError(session.error());
    return;
  }
  std::vector<uint8_t> input(size_t(batch) * 784), output(input.size());
  std::mt19937 rng(3);
  for (auto& p : input) p = uint8_t(rng());
  for (auto _ : state) {
    if (session.Run(input.data(), output.data(), batch) != DNZ_OK) {
      state.SkipWithError(session.error());
      break;
    }
    benchmark::DoNotOptimize(output.data());
  }
  state.counters["img_per_s"] =
      benchmark::Counter(double(batch) * double(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["arena_bytes"] = double(session.arena_bytes());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args;
  std::string model_path;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
      model_path = argv[++i];
    } else {
      args.push_back(argv[i]);
    }
  }
  if (model_path.empty()) {
    g_model_bytes = RandomModel();
  } else {
    std::ifstream file(model_path, std::ios::binary);
    g_model_bytes.assign(std::istreambuf_iterator<char>(file), {});
  }
  for (const dnz_backend_info& info : dnz::BuiltInBackends()) {  // the backend table
    auto* b = benchmark::RegisterBenchmark((std::string("denoise/") + info.name).c_str(),
                                           BM_Denoise, info.backend);
    b->ArgNames({"batch", "threads"})->UseRealTime()->MeasureProcessCPUTime();
    if (info.threaded) {
      b->Args({1, 1})->Args({1, 2})->Args({1, 0})->Args({128, 1})->Args({128, 2})->Args({128, 0});
    } else {
      b->Args({1, 1})->MinTime(2.0);  // one image on the calling thread
    }
  }
  int count = int(args.size());
  benchmark::Initialize(&count, args.data());
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
