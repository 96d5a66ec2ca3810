// Host-only: a model file without its float32 copies of the weights (float_weights and
// float_bias of every conv), for devices that run int8 only. The shipped model is
// 1.67 MB with them and about a fifth of that without; the int8 data is kept as is, so
// every int8 backend gives the same bytes for both files.
#ifndef DNZ_HOST_LIB_MODEL_INT8_ONLY_MODEL_H_
#define DNZ_HOST_LIB_MODEL_INT8_ONLY_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace dnz::build {

// Re-serializes the model file `bytes` without float weights, recording this in its
// provenance (extra key "int8_only"). Returns the new file; on error, empty and `error` set.
std::vector<uint8_t> Int8OnlyModel(const uint8_t* bytes, size_t size, std::string* error);

}  // namespace dnz::build

#endif  // DNZ_HOST_LIB_MODEL_INT8_ONLY_MODEL_H_
