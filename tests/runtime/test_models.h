// Models for tests: the seed architecture with seeded random weights, calibrated
// on synthetic digit-like images, built by the real model builder.
#ifndef DNZ_TESTS_RUNTIME_TEST_MODELS_H_
#define DNZ_TESTS_RUNTIME_TEST_MODELS_H_

#include <cstdint>
#include <functional>
#include <memory>
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

// The random seed network, quantized (calibrated on 16 synthetic images).
std::vector<uint8_t> RandomSeedModelBytes(uint64_t seed, bool keep_float = true);

// Model bytes copied into aligned storage, as the loader wants.
inline AlignedBuffer AlignedCopy(const std::vector<uint8_t>& bytes) {
  return AlignedBuffer(bytes.data(), bytes.size());
}

// Runs `body(name)` once for every variant of the runtime's own x86 kernels that this
// CPU can run (x86/isa.h), lowest first, and restores the best afterwards; once with
// name "default" where there are none (other processors).
void ForEachKernelVariant(const std::function<void(const char* name)>& body);

// A loaded model and a ready session with its arena, for one backend.
struct Runner {
  // threads: the session option (0: auto).
  explicit Runner(const std::vector<uint8_t>& bytes, dnz_backend backend, uint32_t max_batch = 1,
                  int32_t threads = 0);
  ~Runner();
  AlignedBuffer bytes;
  AlignedBuffer arena;
  dnz_model model{};
  dnz_session session{};
  dnz_status status = DNZ_OK;
};

}  // namespace dnz::test

#endif  // DNZ_TESTS_RUNTIME_TEST_MODELS_H_
