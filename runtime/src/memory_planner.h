// The static memory planner: places every tensor of the chain in one arena so
// that tensors alive at the same time never overlap.
//
// Lifetimes: in a chain, tensor t is written by op t-1 and read by op t, so it is
// alive during ops [t-1, t] (the input from before op 0, the output until after
// the last op). Algorithm (greedy by size, as in TFLite Micro's planner): take
// tensors largest first; give each the lowest offset, aligned to
// DNZ_ARENA_ALIGNMENT, at which it overlaps no tensor already placed whose
// lifetime meets its own. Cost: O(n^2 log n) for n tensors, at load, never per image.
#ifndef DNZ_SRC_MEMORY_PLANNER_H_
#define DNZ_SRC_MEMORY_PLANNER_H_

#include <cstddef>
#include <cstdint>

namespace dnz {

struct PlannerInput {
  uint32_t num_tensors = 0;
  const size_t* tensor_bytes = nullptr;  // [num_tensors]
};

// Fills offsets[num_tensors]; returns the arena bytes needed (aligned up).
size_t PlanChainArena(const PlannerInput& input, size_t* offsets);

// Tensors t and u are alive at the same time (chain lifetimes as above).
inline bool ChainLifetimesOverlap(uint32_t t, uint32_t u) { return (t > u ? t - u : u - t) <= 1; }

inline size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace dnz

#endif  // DNZ_SRC_MEMORY_PLANNER_H_
