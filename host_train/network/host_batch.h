// A training batch made on the host: images order[first .. first + count) of the clean set,
// copied, and with noise from each image's own stream (data/noise.h). The CPU backend trains
// on these (TrainBackend::Step) and the trainer's first-batch check of the layer-13 ReLU
// reads one; the GPU draws its own noise on the device (cuda/kernels.h, NoisyBatch).
#ifndef DNZ_HOST_TRAIN_NETWORK_HOST_BATCH_H_
#define DNZ_HOST_TRAIN_NETWORK_HOST_BATCH_H_

#include <cstdint>

namespace dnz::train {

// clean and noisy: [count][28][28]. Image i's noise: factor `noise`, stream
// ImageNoiseSeed(noise_seed, noise_epoch, order[first + i]), so the threads that share the
// batch cannot change it.
void MakeHostBatch(const float* images, const int* order, int first, int count, double noise,
                   uint64_t noise_seed, uint64_t noise_epoch, float* clean, float* noisy);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_NETWORK_HOST_BATCH_H_
