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

void PlanActivations(dnz_session* session, size_t element_bytes, uint32_t images) {
  const dnz_model& model = *session->model;
  dnz_plan& plan = session->plan;
  for (uint32_t t = 0; t <= model.num_ops; ++t) {
    plan.tensor_bytes[t] = TensorImageBytes(model, t, element_bytes) * images;
  }
  const PlannerInput input{model.num_ops + 1, plan.tensor_bytes};
  plan.activation_bytes = PlanChainArena(input, plan.tensor_offset);
  plan.arena_bytes = plan.activation_bytes;
}

ConvScratchPlan PlanConvScratch(const dnz_model& model, uint32_t images, size_t activation_bytes,
                                const bool* materialize_upsample, size_t scratchpad_bytes,
                                bool split_inputs) {
  size_t accumulator_bytes = 0, upsample_bytes = 0, input_bytes = 0;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = model.ops[i];
    if (op.kind != DNZ_OP_CONV) continue;
    const size_t acc = size_t(images) * size_t(op.conv_out_h) * size_t(op.conv_out_w) *
                       size_t(model.tensors[i + 1].channels) * sizeof(int32_t);
    if (acc > accumulator_bytes) accumulator_bytes = acc;
    const size_t stored = size_t(images) * TensorImageBytes(model, i, 1);
    const size_t read = materialize_upsample[i] ? 4 * stored : stored;
    if (materialize_upsample[i] && read > upsample_bytes) upsample_bytes = read;
    if (read > input_bytes) input_bytes = read;
  }
  ConvScratchPlan plan;
  plan.accumulator_offset = AlignUp(activation_bytes, DNZ_ARENA_ALIGNMENT);
  plan.upsample_offset = AlignUp(plan.accumulator_offset + accumulator_bytes, DNZ_ARENA_ALIGNMENT);
  plan.scratchpad_offset = AlignUp(plan.upsample_offset + upsample_bytes, DNZ_ARENA_ALIGNMENT);
  size_t end = plan.scratchpad_offset + scratchpad_bytes;
  if (split_inputs) {
    plan.high_input_offset = AlignUp(end, DNZ_ARENA_ALIGNMENT);
    plan.high_accumulator_offset =
        AlignUp(plan.high_input_offset + input_bytes, DNZ_ARENA_ALIGNMENT);
    end = plan.high_accumulator_offset + accumulator_bytes;
  }
  plan.arena_bytes = AlignUp(end, DNZ_ARENA_ALIGNMENT);
  return plan;
}

}  // namespace dnz
