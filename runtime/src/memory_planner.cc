#include "memory_planner.h"

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {
namespace {

bool LifetimesMeet(const PlannerInput& input, uint32_t t, uint32_t u) {
  if (input.first_op == nullptr) return ChainLifetimesOverlap(t, u);
  return input.first_op[t] <= input.last_op[u] && input.first_op[u] <= input.last_op[t];
}

}  // namespace

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
        if (!placed[u] || !LifetimesMeet(input, t, u)) continue;
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

void PlanActivations(dnz_session* session, size_t element_bytes, uint32_t images) {
  const dnz_model& model = *session->model;
  dnz_plan& plan = session->plan;
  uint32_t first_op[DNZ_MAX_OPS + 1], last_op[DNZ_MAX_OPS + 1];
  for (uint32_t t = 0; t <= model.num_ops; ++t) {
    plan.tensor_bytes[t] = plan.ring_rows[t] > 0
                               ? TensorRowBytes(model, t, element_bytes) * plan.ring_rows[t]
                               : TensorImageBytes(model, t, element_bytes) * images;
    TensorLifetime(plan, model.num_ops, t, &first_op[t], &last_op[t]);
  }
  const PlannerInput input{model.num_ops + 1, plan.tensor_bytes, first_op, last_op};
  plan.activation_bytes = PlanChainArena(input, plan.tensor_offset);
  plan.arena_bytes = plan.activation_bytes;
}

void ScratchPlanner::Request(uint32_t id, size_t bytes, uint32_t first_op, uint32_t last_op) {
  dnz_plan& plan = session_->plan;
  const uint32_t num_ops = session_->model->num_ops;
  const auto overlaps = [bytes](size_t offset, size_t begin, size_t end) {
    return offset < end && begin < offset + bytes;
  };
  size_t offset = 0;
  // Raise the candidate offset past every conflicting tensor and region until none overlaps.
  for (bool moved = bytes > 0; moved;) {
    moved = false;
    for (uint32_t t = 0; t <= num_ops; ++t) {
      const size_t begin = plan.tensor_offset[t], end = begin + plan.tensor_bytes[t];
      if (TensorAliveDuring(plan, num_ops, t, first_op, last_op) && overlaps(offset, begin, end)) {
        offset = AlignUp(end, DNZ_ARENA_ALIGNMENT);
        moved = true;
      }
    }
    for (uint32_t r = 0; r < count_; ++r) {
      const Region& other = placed_[r];
      const bool same_time = other.first_op <= last_op && first_op <= other.last_op;
      if (same_time && overlaps(offset, other.offset, other.offset + other.bytes)) {
        offset = AlignUp(other.offset + other.bytes, DNZ_ARENA_ALIGNMENT);
        moved = true;
      }
    }
  }
  plan.scratch_offset[id] = offset;
  if (bytes == 0 || count_ == DNZ_MAX_OPS) return;
  placed_[count_++] = Region{offset, bytes, first_op, last_op};
  const size_t end = AlignUp(offset + bytes, DNZ_ARENA_ALIGNMENT);
  if (end > plan.arena_bytes) plan.arena_bytes = end;
}

}  // namespace dnz
