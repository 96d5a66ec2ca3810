#include "memory_planner.h"

#include "dnz/dnz.h"

namespace dnz {

size_t PlanChainArena(const PlannerInput& input, size_t* offsets) {
  const uint32_t n = input.num_tensors;
  uint32_t order[DNZ_MAX_OPS + 1];
  bool placed[DNZ_MAX_OPS + 1] = {};
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  // Largest first; ties by index so the plan is the same on every platform.
  for (uint32_t i = 1; i < n; ++i) {
    for (uint32_t j = i; j > 0; --j) {
      const size_t a = input.tensor_bytes[order[j - 1]], b = input.tensor_bytes[order[j]];
      if (a > b || (a == b && order[j - 1] < order[j])) break;
      const uint32_t swap = order[j - 1];
      order[j - 1] = order[j];
      order[j] = swap;
    }
  }
  size_t arena_bytes = 0;
  for (uint32_t k = 0; k < n; ++k) {
    const uint32_t t = order[k];
    const size_t bytes = input.tensor_bytes[t];
    size_t offset = 0;
    // Raise the candidate offset past every conflicting tensor until none overlaps.
    for (bool moved = true; moved;) {
      moved = false;
      for (uint32_t u = 0; u < n; ++u) {
        if (!placed[u] || !ChainLifetimesOverlap(t, u)) continue;
        const size_t begin = offsets[u], end = offsets[u] + input.tensor_bytes[u];
        if (offset < end && begin < offset + bytes) {
          offset = AlignUp(end, DNZ_ARENA_ALIGNMENT);
          moved = true;
        }
      }
    }
    offsets[t] = offset;
    placed[t] = true;
    if (offset + bytes > arena_bytes) arena_bytes = offset + bytes;
  }
  return AlignUp(arena_bytes, DNZ_ARENA_ALIGNMENT);
}

}  // namespace dnz
