#include "compare_strip.h"

namespace dnz::demo {

std::vector<uint8_t> CompareStrip(const std::vector<std::vector<uint8_t>>& panels, int side,
                                  int* width, int* height) {
  const int panel_side = side * kCompareScale;
  const int count = int(panels.size());
  *height = panel_side;
  *width = count * panel_side + (count - 1) * kCompareGap;
  std::vector<uint8_t> strip(size_t(*width) * size_t(*height), kCompareGapGray);
  for (int p = 0; p < count; ++p) {
    const int left = p * (panel_side + kCompareGap);
    for (int y = 0; y < panel_side; ++y) {
      for (int x = 0; x < panel_side; ++x) {
        const size_t source = size_t(y / kCompareScale) * size_t(side) + size_t(x / kCompareScale);
        strip[size_t(y) * size_t(*width) + size_t(left + x)] = panels[size_t(p)][source];
      }
    }
  }
  return strip;
}

}  // namespace dnz::demo
