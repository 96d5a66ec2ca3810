#include "network/host_batch.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "data/noise.h"
#include "network/seed_network.h"

namespace dnz::train {

void MakeHostBatch(const float* images, const int* order, int first, int count, double noise,
                   uint64_t noise_seed, uint64_t noise_epoch, float* clean, float* noisy) {
  // Each image has its own noise stream, so the threads cannot change the result.
#pragma omp parallel for schedule(static)
  for (int i = 0; i < count; ++i) {
    const int image = order[static_cast<size_t>(first + i)];
    const float* source = images + static_cast<size_t>(image) * kImagePixels;
    std::copy(source, source + kImagePixels, clean + static_cast<size_t>(i) * kImagePixels);
    data::AddNoiseToImage(
        source, kImagePixels, noise,
        data::ImageNoiseSeed(noise_seed, noise_epoch, static_cast<uint64_t>(image)),
        noisy + static_cast<size_t>(i) * kImagePixels);
  }
}

}  // namespace dnz::train
