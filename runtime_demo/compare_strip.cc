#include "compare_strip.h"

#include <cstdint>

namespace dnz::demo {

std::vector<uint8_t> EnlargeForCompare(const std::vector<uint8_t>& panel, int side) {
  const int big = side * kCompareScale;
  std::vector<uint8_t> enlarged(size_t(big) * size_t(big));
  for (int y = 0; y < big; ++y) {
    for (int x = 0; x < big; ++x) {
      enlarged[size_t(y) * size_t(big) + size_t(x)] =
          panel[size_t(y / kCompareScale) * size_t(side) + size_t(x / kCompareScale)];
    }
  }
  return enlarged;
}

std::vector<uint8_t> JoinPanels(const std::vector<std::vector<uint8_t>>& panels, int panel_side,
                                int* width, int* height) {
  const int count = int(panels.size());
  *height = panel_side;
  *width = count * panel_side + (count - 1) * kCompareGap;
  std::vector<uint8_t> strip(size_t(*width) * size_t(*height), kCompareGapGray);
  for (int p = 0; p < count; ++p) {
    const int left = p * (panel_side + kCompareGap);
    for (int y = 0; y < panel_side; ++y) {
      for (int x = 0; x < panel_side; ++x) {
        strip[size_t(y) * size_t(*width) + size_t(left + x)] =
            panels[size_t(p)][size_t(y) * size_t(panel_side) + size_t(x)];
      }
    }
  }
  return strip;
}

}  // namespace dnz::demo
