// The static memory planner: places every tensor of the chain in one arena so
// that tensors alive at the same time never overlap.
//
// Lifetimes: in a chain, tensor t is written by op t-1 and read by op t, so it is
// alive during ops [t-1, t] (the input from before op 0, the output until after
// the last op). Algorithm (greedy by size, as in TFLite Micro's planner): take
// tensors largest first; give each the lowest offset, aligned to
// DNZ_ARENA_ALIGNMENT, at which it overlaps no tensor already placed whose
// lifetime meets its own. Cost: O(n^2 log n) for n tensors, at load, never per image.
#ifndef DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_
#define DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_

#include <cstddef>
#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

struct PlannerInput {
  uint32_t num_tensors = 0;
  const size_t* tensor_bytes = nullptr;  // [num_tensors]
};

// Fills offsets[num_tensors]; returns the arena bytes needed (aligned up).
size_t PlanChainArena(const PlannerInput& input, size_t* offsets);

// Tensors t and u are alive at the same time (chain lifetimes as above).
inline bool ChainLifetimesOverlap(uint32_t t, uint32_t u) { return (t > u ? t - u : u - t) <= 1; }

// Bytes of one image of tensor t, in the backend's element type.
inline size_t TensorImageBytes(const dnz_model& model, uint32_t t, size_t element_bytes) {
  const dnz_tensor_info& info = model.tensors[t];
  return size_t(info.height) * size_t(info.width) * size_t(info.channels) * element_bytes;
}

// Plans the chain's tensors for `images` images per pass into session->plan
// (activation_bytes and arena_bytes both set to the planned size).
void PlanActivations(dnz_session* session, size_t element_bytes, uint32_t images);

// The arena of a backend that runs convs through a library (onednn), after the
// activations: the int32 accumulators of the largest conv, the buffer an upsample
// that is not fused away is materialized into, and the library's scratchpad. A backend
// that splits u8 inputs into 7-bit halves (onednn without VNNI) also gets the largest
// conv input's top bits and a second set of accumulators.
struct ConvScratchPlan {
  size_t accumulator_offset = 0, upsample_offset = 0, scratchpad_offset = 0;
  size_t high_input_offset = 0, high_accumulator_offset = 0;  // split only
  size_t arena_bytes = 0;
};
// materialize_upsample[op]: conv `op` reads an upsampled copy of its input.
ConvScratchPlan PlanConvScratch(const dnz_model& model, uint32_t images, size_t activation_bytes,
                                const bool* materialize_upsample, size_t scratchpad_bytes,
                                bool split_inputs = false);

inline size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_
