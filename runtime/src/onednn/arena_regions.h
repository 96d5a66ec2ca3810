// The onednn backend's scratch regions, after the activations, each requested from the
// planner (memory_planner.h ScratchPlanner) for the whole pass: the int32 accumulators of
// the largest conv, the buffer an upsample that is not fused away is materialized into, and
// oneDNN's user scratchpad. Without VNNI (split_int8.h) the backend also needs the largest
// conv input's top bits and a second set of accumulators.
#ifndef DNZ_RUNTIME_SRC_ONEDNN_ARENA_REGIONS_H_
#define DNZ_RUNTIME_SRC_ONEDNN_ARENA_REGIONS_H_

#include <cstddef>
#include <cstdint>

#include "../memory_planner.h"

namespace dnz::onednn {

enum Region : uint32_t {
  kAccumulators = 0,
  kUpsampled = 1,
  kScratchpad = 2,
  kHighInput = 3,         // split only
  kHighAccumulators = 4,  // split only
};

// materialize_upsample[op]: conv `op` reads an upsampled copy of its input.
inline void RequestArenaRegions(dnz_session* session, uint32_t images,
                                const bool* materialize_upsample, size_t scratchpad_bytes,
                                bool split_inputs) {
  const dnz_model& model = *session->model;
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
  ScratchPlanner planner(session);
  planner.RequestForWholePass(kAccumulators, accumulator_bytes);
  planner.RequestForWholePass(kUpsampled, upsample_bytes);
  planner.RequestForWholePass(kScratchpad, scratchpad_bytes);
  if (split_inputs) {
    planner.RequestForWholePass(kHighInput, input_bytes);
    planner.RequestForWholePass(kHighAccumulators, accumulator_bytes);
  }
}

}  // namespace dnz::onednn

#endif  // DNZ_RUNTIME_SRC_ONEDNN_ARENA_REGIONS_H_
