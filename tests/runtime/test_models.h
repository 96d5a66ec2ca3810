// Models for tests: the seed architecture with seeded random weights, calibrated
// on synthetic digit-like images, built by the real model builder.
#ifndef DNZ_TESTS_RUNTIME_TEST_MODELS_H_
#define DNZ_TESTS_RUNTIME_TEST_MODELS_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "dnz/dnz.h"
#include "model_builder.h"

namespace dnz::test {

// Glorot-uniform weights and small random biases, deterministic for a seed.
build::FloatNetwork RandomSeedNetwork(uint64_t seed);

// Synthetic 28x28 images in [0,1]: a few bright strokes on black plus noise.
std::vector<std::vector<float>> SyntheticImages(uint64_t seed, int count);
std::vector<uint8_t> ToPixels(const std::vector<float>& image);

// The random seed network, quantized (calibrated on 16 synthetic images).
std::vector<uint8_t> RandomSeedModelBytes(uint64_t seed, bool keep_float = true);

// Model bytes copied into 64-byte aligned storage, as the loader wants.
class AlignedBytes {
 public:
  explicit AlignedBytes(const std::vector<uint8_t>& bytes);
  explicit AlignedBytes(size_t size);  // zero-filled
  ~AlignedBytes();
  AlignedBytes(const AlignedBytes&) = delete;
  AlignedBytes& operator=(const AlignedBytes&) = delete;
  uint8_t* data() { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

// A loaded model and a ready session with its arena, for one backend.
struct Runner {
  explicit Runner(const std::vector<uint8_t>& bytes, dnz_backend backend, uint32_t max_batch = 1);
  ~Runner();
  AlignedBytes bytes;
  std::unique_ptr<AlignedBytes> arena;
  dnz_model model{};
  dnz_session session{};
  dnz_status status = DNZ_OK;
};

}  // namespace dnz::test

#endif  // DNZ_TESTS_RUNTIME_TEST_MODELS_H_
