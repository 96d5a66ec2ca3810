#include "data/noise.h"

#include <cmath>
#include <cstdint>

namespace dnz::data {
namespace {

constexpr double kTwoPi = 6.283185307179586476925286766559;

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

Xoshiro256::Xoshiro256(uint64_t seed) {
  uint64_t sm = seed;
  for (uint64_t& word : s_) word = SplitMix64(&sm);
}

uint64_t Xoshiro256::Next() {
  const uint64_t result = RotateLeft(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = RotateLeft(s_[3], 45);
  return result;
}

double Xoshiro256::NextDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

uint64_t Xoshiro256::NextBelow(uint64_t bound) {
  // Rejection: accept only values below the largest multiple of `bound`.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t x = Next();
  while (x >= limit) x = Next();
  return x % bound;
}

double Xoshiro256::NextGaussian() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  const double u1 = 1.0 - NextDouble();  // (0, 1]: log(u1) is finite
  const double u2 = NextDouble();
  const double radius = std::sqrt(-2.0 * std::log(u1));
  const double angle = kTwoPi * u2;
  spare_ = radius * std::sin(angle);
  has_spare_ = true;
  return radius * std::cos(angle);
}

uint64_t ImageNoiseSeed(uint64_t seed, uint64_t epoch, uint64_t image_index) {
  uint64_t state = seed;
  uint64_t mixed = SplitMix64(&state);
  state = mixed ^ (epoch * 0xd1b54a32d192ed03ULL);
  mixed = SplitMix64(&state);
  state = mixed ^ (image_index * 0xaef17502108ef2d9ULL);
  return SplitMix64(&state);
}

void AddNoiseToImage(const float* clean, size_t pixels, double factor, uint64_t stream_seed,
                     float* noisy) {
  Xoshiro256 rng(stream_seed);
  for (size_t p = 0; p < pixels; ++p) {
    const double value = static_cast<double>(clean[p]) + factor * rng.NextGaussian();
    noisy[p] = static_cast<float>(value < 0.0 ? 0.0 : (value > 1.0 ? 1.0 : value));
  }
}

void AddNoiseToImages(const float* clean, size_t count, size_t pixels_per_image, double factor,
                      uint64_t seed, uint64_t epoch, uint64_t first_index, float* noisy) {
  for (size_t i = 0; i < count; ++i) {
    AddNoiseToImage(clean + i * pixels_per_image, pixels_per_image, factor,
                    ImageNoiseSeed(seed, epoch, first_index + i), noisy + i * pixels_per_image);
  }
}

void MakeNoisyTestImages(const float* clean, size_t count, size_t pixels_per_image, float* noisy) {
  AddNoiseToImages(clean, count, pixels_per_image, kDefaultNoiseFactor, kTestNoiseSeed, 0, 0,
                   noisy);
}

}  // namespace dnz::data
