// The threading contract of dnz.h: a loaded model is read-only and any number of sessions,
// on any threads, may share it at once; a session belongs to one thread at a time. Here
// sessions of every backend built in run the same images at the same time on their own
// threads, several rounds each, and every thread must get the bytes its backend gives alone.
// Shared mutable state in a backend (a static buffer, a cache written during a run, a global
// kernel choice) shows up as a thread whose bytes differ.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "test_models.h"

namespace dnz::test {
namespace {

constexpr int kImages = DNZ_CONCURRENT_IMAGES;
constexpr int kRounds = DNZ_CONCURRENT_ROUNDS;
constexpr int kThreadsPerBackend = 2;

struct Config {
  dnz_backend backend;
  uint32_t max_batch;
};

std::vector<uint8_t> Inputs() {
  std::vector<uint8_t> input;
  for (const auto& image : SyntheticImages(31, kImages)) {
    const auto pixels = ToPixels(image);
    input.insert(input.end(), pixels.begin(), pixels.end());
  }
  return input;
}

// One session of `config` over the shared model: all images, kRounds times; the last
// round's output, or empty (with `error` set) on any failure or any round that differs.
std::vector<uint8_t> RunRounds(const dnz::Model& model, Config config,
                               const std::vector<uint8_t>& input, std::string* error) {
  dnz::Session session;
  if (session.Init(model, config.backend, config.max_batch) != DNZ_OK) {
    *error = session.error();
    return {};
  }
  std::vector<uint8_t> first, output(input.size());
  for (int round = 0; round < kRounds; ++round) {
    if (session.Run(input.data(), output.data(), kImages) != DNZ_OK) {
      *error = session.error();
      return {};
    }
    if (round == 0) first = output;
    if (output != first) {
      *error = "round " + std::to_string(round) + " differs from round 0";
      return {};
    }
  }
  return output;
}

TEST(ConcurrentSessions, ShareOneModelAcrossThreadsWithTheBytesOfEachBackendAlone) {
  dnz::Model model;
  const std::vector<uint8_t> bytes = RandomSeedModelBytes(5);
  ASSERT_EQ(model.Load(bytes.data(), bytes.size()), DNZ_OK) << model.error();
  const std::vector<uint8_t> input = Inputs();

  // Every built-in backend; a threaded one also with passes of 4 (an OpenMP team each).
  std::vector<Config> configs;
  for (const dnz_backend_info& info : BuiltInBackends()) {
    configs.push_back({info.backend, 1});
    if (info.threaded) configs.push_back({info.backend, 4});
  }
  std::vector<std::vector<uint8_t>> alone(configs.size());
  for (size_t c = 0; c < configs.size(); ++c) {
    std::string error;
    alone[c] = RunRounds(model, configs[c], input, &error);
    ASSERT_FALSE(alone[c].empty()) << dnz_backend_name(configs[c].backend) << ": " << error;
  }

  const size_t count = configs.size() * kThreadsPerBackend;
  std::vector<std::vector<uint8_t>> together(count);
  std::vector<std::string> errors(count);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < count; ++t) {
    threads.emplace_back(
        [&, t] { together[t] = RunRounds(model, configs[t % configs.size()], input, &errors[t]); });
  }
  for (std::thread& thread : threads) thread.join();

  for (size_t t = 0; t < count; ++t) {
    const Config& config = configs[t % configs.size()];
    SCOPED_TRACE(std::string(dnz_backend_name(config.backend)) + ", max_batch " +
                 std::to_string(config.max_batch) + ", thread " + std::to_string(t));
    EXPECT_TRUE(errors[t].empty()) << errors[t];
    EXPECT_TRUE(together[t] == alone[t % configs.size()])
        << "bytes differ from the same backend run alone";
  }
}

}  // namespace
}  // namespace dnz::test
