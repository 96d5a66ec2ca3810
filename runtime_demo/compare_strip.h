// The --compare picture: panels side by side, each 224x224, with a gray 8-pixel gap between
// them. 28x28 digits are enlarged 8x (nearest, so that single pixels stay visible); a
// framed photo adds a panel of the input under the frame, at the same 224x224.
#ifndef DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_
#define DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace dnz::demo {

constexpr int kCompareScale = 8;
constexpr int kCompareGap = 8;
constexpr uint8_t kCompareGapGray = 128;

// [side][side] -> [side * 8][side * 8], nearest.
std::vector<uint8_t> EnlargeForCompare(const std::vector<uint8_t>& panel, int side);

// Each panel is [panel_side][panel_side] gray. Returns [*height][*width] gray pixels.
std::vector<uint8_t> JoinPanels(const std::vector<std::vector<uint8_t>>& panels, int panel_side,
                                int* width, int* height);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_COMPARE_STRIP_H_
