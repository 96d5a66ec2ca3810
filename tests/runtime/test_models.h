// Models for tests: the seed architecture with seeded random weights, calibrated
// on synthetic digit-like images, built by the real model builder.
#ifndef DNZ_TESTS_RUNTIME_TEST_MODELS_H_
#define DNZ_TESTS_RUNTIME_TEST_MODELS_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dnz/dnz.h"
#include "dnz/dnz.hpp"
#include "model/model_builder.h"

namespace dnz::test {

// Glorot-uniform weights and small random biases, deterministic for a seed.
build::FloatNetwork RandomSeedNetwork(uint64_t seed);

// Synthetic 28x28 images in [0,1]: a few bright strokes on black plus noise.
std::vector<std::vector<float>> SyntheticImages(uint64_t seed, int count);
std::vector<uint8_t> ToPixels(const std::vector<float>& image);

// The random seed network, quantized (calibrated on 16 synthetic images); weights "int8",
// "int4" or "mixed" (build::WeightFormatsFor).
std::vector<uint8_t> RandomSeedModelBytes(uint64_t seed, bool keep_float = true,
                                          const char* weights = "int8");

// Model bytes copied into aligned storage, as the loader wants.
inline AlignedBuffer AlignedCopy(const std::vector<uint8_t>& bytes) {
  return AlignedBuffer(bytes.data(), bytes.size());
}

// Runs `body(name)` once for every variant of `backend`'s own kernels that this machine
// can run, and restores the best afterwards: onednn's x86 kernels (onednn/x86/isa.h), lowest
// first; mcu's instruction sets (mcu/conv_s8_mcu.h); once with name "default" elsewhere.
void ForEachKernelVariant(dnz_backend backend, const std::function<void(const char* name)>& body);

// The built-in backends whose table rows pass `keep` (all without one), for parameterized
// tests: every cross-backend test runs each such row.
std::vector<dnz_backend> BuiltInBackendIds(bool (*keep)(const dnz_backend_info&) = nullptr);
// Backends that must give ref's bytes, ref itself left out.
inline bool Int8OtherThanRef(const dnz_backend_info& info) {
  return info.int8 && info.backend != DNZ_BACKEND_REF;
}
// Backends that run the float32 weights.
inline bool FloatWeights(const dnz_backend_info& info) { return !info.int8; }
// The row of `backend` in the table.
dnz_backend_info InfoOf(dnz_backend backend);
// For test names: the backend's name.
std::string BackendParamName(const ::testing::TestParamInfo<dnz_backend>& info);

// A session's memory budget: none (the fastest plan), or the backend's smallest plan.
enum class Budget { kNone, kSmallestPlan };

// A loaded model and a ready session with its arena, for one backend.
struct Runner {
  // threads: the session option (0: auto).
  explicit Runner(const std::vector<uint8_t>& bytes, dnz_backend backend, uint32_t max_batch = 1,
                  int32_t threads = 0, Budget budget = Budget::kNone);
  ~Runner();
  AlignedBuffer bytes;
  AlignedBuffer arena;
  dnz_model model{};
  dnz_session session{};
  dnz_status status = DNZ_OK;
};

}  // namespace dnz::test

#endif  // DNZ_TESTS_RUNTIME_TEST_MODELS_H_
