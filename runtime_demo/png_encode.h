// Encodes 8-bit gray images as PNG bytes in memory, so that callers can write them
// atomically (atomic_write.h).
#ifndef DNZ_RUNTIME_DEMO_PNG_ENCODE_H_
#define DNZ_RUNTIME_DEMO_PNG_ENCODE_H_

#include <cstdint>
#include <vector>

namespace dnz::demo {

// `pixels` is [height][width], 0..255. Returns empty on failure.
std::vector<uint8_t> EncodeGrayPng(const std::vector<uint8_t>& pixels, int width, int height);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_PNG_ENCODE_H_
