// The emulated GPU itself (emulated_device.h), where it models what a GPU does that the
// trainer's host code could get wrong: work on a stream runs only when the host
// synchronises with it; a launch runs its whole grid (and is refused as a GPU refuses it);
// NoisyBatch draws cuRAND's Philox numbers, checked here against the published algorithm.
#include "emulated_device.h"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "cuda/kernels.h"

namespace dnz::train::cuda {
namespace {

template <typename T>
T* DeviceArray(size_t count) {
  void* p = nullptr;
  EXPECT_EQ(cudaMalloc(&p, count * sizeof(T)), cudaSuccess);
  return static_cast<T*>(p);
}

TEST(EmulatedStreams, WorkRunsOnlyWhenTheHostSynchronises) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  int* device = DeviceArray<int>(1);
  const int value = 7;
  int host = 0;
  ASSERT_EQ(cudaMemcpyAsync(device, &value, sizeof value, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(&host, device, sizeof host, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  EXPECT_EQ(host, 0) << "the copy ran before the host synchronised";
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(host, 7);

  // An event: synchronising with it runs the work before it, not the work after it.
  cudaEvent_t event = nullptr;
  ASSERT_EQ(cudaEventCreate(&event), cudaSuccess);
  ASSERT_EQ(cudaMemsetAsync(device, 0, sizeof(int), stream), cudaSuccess);
  ASSERT_EQ(cudaMemcpyAsync(&host, device, sizeof host, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaEventRecord(event, stream), cudaSuccess);
  const int later = 9;
  ASSERT_EQ(cudaMemcpyAsync(device, &later, sizeof later, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  ASSERT_EQ(cudaEventSynchronize(event), cudaSuccess);
  EXPECT_EQ(host, 0);
  int check = 0;
  ASSERT_EQ(cudaMemcpy(&check, device, sizeof check, cudaMemcpyDeviceToHost), cudaSuccess);
  EXPECT_EQ(check, 0) << "cudaMemcpy waited for a non-blocking stream";
  ASSERT_EQ(cudaFree(device), cudaSuccess);  // cudaFree waits for the device
  ASSERT_EQ(cudaEventDestroy(event), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

TEST(EmulatedStreams, AHostSourceIsReadWhenTheCopyRuns) {
  cudaStream_t stream = nullptr;
  ASSERT_EQ(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking), cudaSuccess);
  int* device = DeviceArray<int>(1);
  int source = 1, back = 0;
  ASSERT_EQ(cudaMemcpyAsync(device, &source, sizeof source, cudaMemcpyHostToDevice, stream),
            cudaSuccess);
  source = 2;  // reused before the copy ran: the copy sees 2, as from pinned memory on a GPU
  ASSERT_EQ(cudaMemcpyAsync(&back, device, sizeof back, cudaMemcpyDeviceToHost, stream),
            cudaSuccess);
  ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
  EXPECT_EQ(back, 2);
  ASSERT_EQ(cudaFree(device), cudaSuccess);
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
}

// CountPositive counts every element once: the tail of a partial block, and beyond 65,536
// blocks, where each thread takes several elements (grid-stride).
TEST(EmulatedKernels, ALaunchCoversItsWholeGrid) {
  const int64_t largest = (int64_t{1} << 24) + 300;  // 65,538 blocks' worth
  float* values = DeviceArray<float>(static_cast<size_t>(largest));
  unsigned long long* counter = DeviceArray<unsigned long long>(1);
  std::vector<float> ones(static_cast<size_t>(largest), 1.0f);
  ASSERT_EQ(cudaMemcpy(values, ones.data(), ones.size() * sizeof(float), cudaMemcpyHostToDevice),
            cudaSuccess);
  for (const int64_t count :
       {int64_t{1}, int64_t{255}, int64_t{256}, int64_t{257}, int64_t{70001}, largest}) {
    unsigned long long counted = 0;
    ASSERT_EQ(CountPositive(values, count, counter, nullptr), cudaSuccess);
    ASSERT_EQ(cudaMemcpyAsync(&counted, counter, sizeof counted, cudaMemcpyDeviceToHost, nullptr),
              cudaSuccess);
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    EXPECT_EQ(counted, static_cast<unsigned long long>(count)) << count << " elements";
  }
  ASSERT_EQ(cudaFree(counter), cudaSuccess);
  ASSERT_EQ(cudaFree(values), cudaSuccess);
}

// A grid of no blocks is refused, as by a GPU (BiasGradient launches a block per channel).
TEST(EmulatedKernels, AnEmptyGridIsRefused) {
  float* grad = DeviceArray<float>(4);
  float* bias_grad = DeviceArray<float>(1);
  EXPECT_EQ(BiasGradient(grad, 1, 0, 4, nullptr, bias_grad, nullptr),
            cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaErrorInvalidConfiguration);
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  ASSERT_EQ(cudaFree(bias_grad), cudaSuccess);
  ASSERT_EQ(cudaFree(grad), cudaSuccess);
}

// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011),
// written from the paper: ten rounds of two 32x32 -> 64-bit products, the key bumped by the
// Weyl constants between rounds.
struct Words {
  uint32_t w[4];
};
Words Philox4x32(Words counter, uint32_t key0, uint32_t key1) {
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = uint64_t{0xD2511F53u} * counter.w[0];
    const uint64_t p1 = uint64_t{0xCD9E8D57u} * counter.w[2];
    counter =
        Words{{static_cast<uint32_t>(p1 >> 32) ^ counter.w[1] ^ key0, static_cast<uint32_t>(p1),
               static_cast<uint32_t>(p0 >> 32) ^ counter.w[3] ^ key1, static_cast<uint32_t>(p0)}};
    key0 += 0x9E3779B9u;
    key1 += 0xBB67AE85u;
  }
  return counter;
}

TEST(EmulatedKernels, ThePhiloxOfThisTestGivesThePublishedAnswers) {
  // The known-answer vectors of the Random123 library, which cuRAND's Philox4_32_10 follows.
  const Words zero = Philox4x32(Words{{0, 0, 0, 0}}, 0, 0);
  EXPECT_EQ(zero.w[0], 0x6627e8d5u);
  EXPECT_EQ(zero.w[3], 0x9b00dbd8u);
  const Words ones = Philox4x32(Words{{~0u, ~0u, ~0u, ~0u}}, ~0u, ~0u);
  EXPECT_EQ(ones.w[0], 0x408f276du);
  EXPECT_EQ(ones.w[3], 0x6d5451fdu);
  const Words pi = Philox4x32(Words{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
                              0xa4093822u, 0x299f31d0u);
  EXPECT_EQ(pi.w[0], 0xd16cfe09u);
  EXPECT_EQ(pi.w[1], 0x94fdccebu);
  EXPECT_EQ(pi.w[2], 0x5001e420u);
  EXPECT_EQ(pi.w[3], 0x24126ea1u);
}

// The normal NoisyBatch adds to pixel p of image i: curand_init(seed, subsequence i, offset
// 2p) then curand_normal, i.e. 32-bit words 2p and 2p + 1 of Philox's stream for key = seed
// and counter (block, i) into cuRAND's Box-Muller (the CPU's sinf, as cuRAND's host path).
float PhiloxNormal(unsigned long long seed, int image, int pixel) {
  const uint64_t block = static_cast<uint64_t>(pixel) / 2;
  const Words words =
      Philox4x32(Words{{static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32),
                        static_cast<uint32_t>(image), 0}},
                 static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  const uint32_t x = words.w[2 * (pixel % 2)], y = words.w[2 * (pixel % 2) + 1];
  const float two_pow_minus_32 = 2.3283064e-10f, two_pi = 6.2831855f;
  const float u = static_cast<float>(x) * two_pow_minus_32 + two_pow_minus_32 / 2.0f;
  const float v =
      static_cast<float>(y) * (two_pow_minus_32 * two_pi) + (two_pow_minus_32 * two_pi) / 2.0f;
  return std::sqrt(-2.0f * std::log(u)) * std::sin(v);
}

TEST(EmulatedKernels, NoisyBatchDrawsCuRandsPhilox) {
  constexpr int kImages = 3, kPixels = 784, kBatch = 2;
  const unsigned long long seed = 0x123456789ABCDEFULL;
  const float factor = 0.01f;  // small: nothing is clipped
  std::vector<float> set(kImages * kPixels, 0.5f);
  const std::vector<int> order = {2, 0, 1};  // the batch: images 2 and 0
  float* device_set = DeviceArray<float>(set.size());
  int* device_order = DeviceArray<int>(order.size());
  float* noisy = DeviceArray<float>(kBatch * kPixels);
  float* clean = DeviceArray<float>(kBatch * kPixels);
  ASSERT_EQ(cudaMemcpy(device_set, set.data(), set.size() * sizeof(float), cudaMemcpyHostToDevice),
            cudaSuccess);
  ASSERT_EQ(
      cudaMemcpy(device_order, order.data(), order.size() * sizeof(int), cudaMemcpyHostToDevice),
      cudaSuccess);
  ASSERT_EQ(
      NoisyBatch(device_set, device_order, 0, kBatch, kPixels, factor, seed, noisy, clean, nullptr),
      cudaSuccess);
  std::vector<float> got(kBatch * kPixels);
  ASSERT_EQ(cudaMemcpy(got.data(), noisy, got.size() * sizeof(float), cudaMemcpyDeviceToHost),
            cudaSuccess);
  double sum = 0.0, squares = 0.0;
  for (int n = 0; n < kBatch; ++n) {
    for (int p = 0; p < kPixels; ++p) {
      const float normal = PhiloxNormal(seed, order[static_cast<size_t>(n)], p);
      const float expected = std::fmin(std::fmax(0.5f + factor * normal, 0.0f), 1.0f);
      ASSERT_EQ(got[static_cast<size_t>(n * kPixels + p)], expected)
          << "image " << order[static_cast<size_t>(n)] << " pixel " << p;
      sum += normal;
      squares += double{normal} * normal;
    }
  }
  const double count = kBatch * kPixels, mean = sum / count;
  EXPECT_NEAR(mean, 0.0, 0.1);
  EXPECT_NEAR(squares / count - mean * mean, 1.0, 0.1);
  for (void* p : {static_cast<void*>(device_set), static_cast<void*>(device_order),
                  static_cast<void*>(noisy), static_cast<void*>(clean)}) {
    ASSERT_EQ(cudaFree(p), cudaSuccess);
  }
}

}  // namespace
}  // namespace dnz::train::cuda
