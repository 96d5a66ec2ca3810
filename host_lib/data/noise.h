// Deterministic, portable Gaussian noise for the denoising task:
//   noisy = clip(clean + factor * N(0, 1), 0, 1)
// The generator is xoshiro256** seeded through splitmix64; normals come from Box-Muller in
// double. Every image has its own stream, seeded from (seed, epoch, image index), so any
// subset of a set can be regenerated on its own, in any order, on any thread, and a resumed
// training run draws exactly the noise an uninterrupted one would.
// Portability: integer steps are exact everywhere; log/sqrt/cos/sin are from the C library
// in double, and the result is rounded to float, so two libms that differ by one double ulp
// change a float pixel only in the rare case of a rounding tie.
#ifndef DNZ_HOST_LIB_DATA_NOISE_H_
#define DNZ_HOST_LIB_DATA_NOISE_H_

#include <cstddef>
#include <cstdint>

namespace dnz::data {

// The fixed seed of the test-set evaluation noise, used by export, benchmarks and tests:
// test image i gets the stream ImageNoiseSeed(kTestNoiseSeed, 0, i).
constexpr uint64_t kTestNoiseSeed = 20261125;
constexpr double kDefaultNoiseFactor = 0.7;

uint64_t SplitMix64(uint64_t* state);

// xoshiro256** 1.0 (Blackman & Vigna), state filled by splitmix64 from one 64-bit seed.
class Xoshiro256 {
 public:
  explicit Xoshiro256(uint64_t seed);
  uint64_t Next();
  // Uniform double in [0, 1) with 53 random bits.
  double NextDouble();
  // Uniform integer in [0, bound) without modulo bias (bound > 0).
  uint64_t NextBelow(uint64_t bound);
  // Standard normal by Box-Muller; the second value of each pair is kept for the next call.
  double NextGaussian();

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// The seed of one image's noise stream.
uint64_t ImageNoiseSeed(uint64_t seed, uint64_t epoch, uint64_t image_index);

// noisy[p] = clip(clean[p] + factor * N(0,1), 0, 1) for `pixels` values, from `stream_seed`.
void AddNoiseToImage(const float* clean, size_t pixels, double factor, uint64_t stream_seed,
                     float* noisy);

// The whole set: image i uses ImageNoiseSeed(seed, epoch, first_index + i).
void AddNoiseToImages(const float* clean, size_t count, size_t pixels_per_image, double factor,
                      uint64_t seed, uint64_t epoch, uint64_t first_index, float* noisy);

// The noisy test set as evaluated everywhere: factor 0.7, kTestNoiseSeed, epoch 0.
void MakeNoisyTestImages(const float* clean, size_t count, size_t pixels_per_image, float* noisy);

}  // namespace dnz::data

#endif  // DNZ_HOST_LIB_DATA_NOISE_H_
