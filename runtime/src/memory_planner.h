// The static memory planner: places every tensor of the chain in one arena so
// that tensors alive at the same time never overlap.
//
// Lifetimes: in a chain, tensor t is written by op t-1 and read by op t, so it is
// alive during ops [t-1, t] (the input from before op 0, the output until after
// the last op). A streamed plan (stream_planner.h) joins ops into runs whose
// tensors in between are ring buffers: the ops of a run interleave, so a tensor
// is alive from the first op of its writer's run to the last op of its reader's.
// Algorithm (greedy by size, as in TFLite Micro's planner): take tensors largest
// first; give each the lowest offset, aligned to DNZ_ARENA_ALIGNMENT, at which it
// overlaps no tensor already placed whose lifetime meets its own. Cost: O(n^2 log n)
// for n tensors, at load, never per image.
#ifndef DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_
#define DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_

#include <cstddef>
#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

struct PlannerInput {
  uint32_t num_tensors = 0;
  const size_t* tensor_bytes = nullptr;  // [num_tensors]
  // Tensor t is alive during ops [first_op[t], last_op[t]]; null: chain lifetimes.
  const uint32_t* first_op = nullptr;
  const uint32_t* last_op = nullptr;
};

// Fills offsets[num_tensors]; returns the arena bytes needed (aligned up).
size_t PlanChainArena(const PlannerInput& input, size_t* offsets);

// Tensors t and u are alive at the same time (chain lifetimes as above).
inline bool ChainLifetimesOverlap(uint32_t t, uint32_t u) { return (t > u ? t - u : u - t) <= 1; }

// The first and last op of op i's run: the ops joined to it through ring tensors.
inline uint32_t RunFirstOp(const dnz_plan& plan, uint32_t i) {
  while (i > 0 && plan.ring_rows[i] > 0) --i;
  return i;
}
inline uint32_t RunLastOp(const dnz_plan& plan, uint32_t num_ops, uint32_t i) {
  while (i + 1 < num_ops && plan.ring_rows[i + 1] > 0) ++i;
  return i;
}
// The ops during which tensor t of a plan is alive: [*first, *last].
inline void TensorLifetime(const dnz_plan& plan, uint32_t num_ops, uint32_t t, uint32_t* first,
                           uint32_t* last) {
  *first = RunFirstOp(plan, t > 0 ? t - 1 : 0);
  *last = RunLastOp(plan, num_ops, t < num_ops ? t : num_ops - 1);
}
// Tensor t is alive during some op of [first_op, last_op].
inline bool TensorAliveDuring(const dnz_plan& plan, uint32_t num_ops, uint32_t t, uint32_t first_op,
                              uint32_t last_op) {
  uint32_t first = 0, last = 0;
  TensorLifetime(plan, num_ops, t, &first, &last);
  return first <= last_op && first_op <= last;
}

// Bytes of one image of tensor t, in the backend's element type.
inline size_t TensorImageBytes(const dnz_model& model, uint32_t t, size_t element_bytes) {
  const dnz_tensor_info& info = model.tensors[t];
  return size_t(info.height) * size_t(info.width) * size_t(info.channels) * element_bytes;
}
// Bytes of one row of tensor t.
inline size_t TensorRowBytes(const dnz_model& model, uint32_t t, size_t element_bytes) {
  const dnz_tensor_info& info = model.tensors[t];
  return size_t(info.width) * size_t(info.channels) * element_bytes;
}

// Plans the chain's tensors for `images` images per pass into session->plan
// (activation_bytes and arena_bytes both set to the planned size). Tensors with
// plan.ring_rows[t] > 0 take that many rows (one image); the rest are whole.
void PlanActivations(dnz_session* session, size_t element_bytes, uint32_t images);

// A scratch region a backend asks for beside the tensors, at init (as TFLite Micro's
// RequestScratchBufferInArena): region `id` (< DNZ_MAX_OPS, the backend's own numbering)
// of `bytes` bytes, used during ops [first_op, last_op]. Each region is placed when asked,
// at the lowest aligned offset where it overlaps no tensor alive during those ops and no
// earlier region whose ops meet its own; plan.scratch_offset[id] and plan.arena_bytes are
// set. Ask after PlanActivations. A region of 0 bytes takes no room.
class ScratchPlanner {
 public:
  explicit ScratchPlanner(dnz_session* session) : session_(session) {}
  void Request(uint32_t id, size_t bytes, uint32_t first_op, uint32_t last_op);
  // A region used by every op of the pass.
  void RequestForWholePass(uint32_t id, size_t bytes) {
    Request(id, bytes, 0, session_->model->num_ops - 1);
  }

 private:
  struct Region {
    size_t offset, bytes;
    uint32_t first_op, last_op;
  };
  dnz_session* session_;
  Region placed_[DNZ_MAX_OPS] = {};
  uint32_t count_ = 0;
};

// The scratch region `id` of a bound session.
inline uint8_t* ScratchRegion(const dnz_session* session, uint32_t id) {
  return session->arena + session->plan.scratch_offset[id];
}

inline size_t AlignUp(size_t value, size_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_MEMORY_PLANNER_H_
