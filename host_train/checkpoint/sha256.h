// SHA-256 (FIPS 180-4) of a file, for the dataset fingerprint in a model's provenance.
#ifndef DNZ_HOST_TRAIN_CHECKPOINT_SHA256_H_
#define DNZ_HOST_TRAIN_CHECKPOINT_SHA256_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace dnz::train {

// Lower-case hex digest of `size` bytes.
std::string Sha256Hex(const uint8_t* data, size_t size);

// Digest of a whole file; false with `error` set when it cannot be read.
bool Sha256File(const std::string& path, std::string* hex, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CHECKPOINT_SHA256_H_
