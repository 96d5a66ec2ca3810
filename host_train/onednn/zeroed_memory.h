// Memory allocated by oneDNN and zero-filled, padding included: blocked layouts pad channels
// to a multiple of 16, and kernels may read (and Adam updates) that padding, so it must hold
// zeros rather than whatever the allocator left there.
#ifndef DNZ_HOST_TRAIN_ONEDNN_ZEROED_MEMORY_H_
#define DNZ_HOST_TRAIN_ONEDNN_ZEROED_MEMORY_H_

#include <cstring>
#include <oneapi/dnnl/dnnl.hpp>

namespace dnz::train::onednn {

inline dnnl::memory ZeroedMemory(const dnnl::memory::desc& desc, const dnnl::engine& engine) {
  dnnl::memory m(desc, engine);
  std::memset(m.get_data_handle(), 0, desc.get_size());
  return m;
}

// The data of an f32 memory.
inline float* FloatData(const dnnl::memory& m) { return static_cast<float*>(m.get_data_handle()); }

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_ZEROED_MEMORY_H_
