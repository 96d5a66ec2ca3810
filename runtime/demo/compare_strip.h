// The --compare picture: 28x28 panels side by side, each enlarged 8x (nearest, so that
// single pixels stay visible), with a gray 8-pixel gap between panels.
#ifndef DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_
#define DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dnz::demo {

constexpr int kCompareScale = 8;
constexpr int kCompareGap = 8;
constexpr uint8_t kCompareGapGray = 128;

// Each panel is [side][side] gray. Returns [*height][*width] gray pixels.
std::vector<uint8_t> CompareStrip(const std::vector<std::vector<uint8_t>>& panels, int side,
                                  int* width, int* height);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_
