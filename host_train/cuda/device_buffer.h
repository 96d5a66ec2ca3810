// GPU memory owned by one object: allocated once (cudaMalloc), freed on destruction.
#ifndef DNZ_HOST_TRAIN_CUDA_DEVICE_BUFFER_H_
#define DNZ_HOST_TRAIN_CUDA_DEVICE_BUFFER_H_

#include <cuda_runtime_api.h>

#include <cstddef>
#include <string>
#include <utility>

#include "cuda/cuda_status.h"

namespace dnz::train::cuda {

template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& other) noexcept
      : data_(std::exchange(other.data_, nullptr)), count_(std::exchange(other.count_, 0)) {}
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(count_, other.count_);
    return *this;
  }
  ~DeviceBuffer() {
    if (data_ != nullptr) cudaFree(data_);
  }

  // Holds at least `count` elements afterwards (contents lost when it grows).
  bool Reserve(size_t count, std::string* error) {
    if (count <= count_) return true;
    if (data_ != nullptr) cudaFree(data_);
    data_ = nullptr;
    count_ = 0;
    void* memory = nullptr;
    if (!CudaOk(cudaMalloc(&memory, count * sizeof(T)), "cudaMalloc", error)) return false;
    data_ = static_cast<T*>(memory);
    count_ = count;
    return true;
  }

  T* get() const { return data_; }
  size_t size() const { return count_; }

 private:
  T* data_ = nullptr;
  size_t count_ = 0;
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_DEVICE_BUFFER_H_
