// Plans under a memory budget (dnz_session_options.max_arena_bytes): which consecutive convs
// stream rows through ring buffers, and how many output rows each writes per step.
//
// A plan is a set of streamed tensors (each between two convs: its ring holds the rows its
// reader's largest band needs plus its writer's band less one) and a band height per op.
// Memory: the arena the memory planner places for it (memory_planner.h), tensors, rings and
// one scratch region per run (the ops of a run take turns, so they share it). Work: the
// backend's set-up cost of each band (StreamCosts), summed. With no budget, or one the
// whole-tensor plan fits, the plan is the whole-tensor plan. Otherwise every set of streamed
// tensors is tried (of the 10 largest candidates at most) with every band one row (its
// smallest arena); each set that fits then has its band heights raised greedily, the most
// work saved per byte added first, while the arena fits (4,096 layouts in all at most, so a
// model of many convs cannot make init slow). The least work wins; ties go to the smaller
// arena.
#ifndef DNZ_RUNTIME_SRC_STREAM_PLANNER_H_
#define DNZ_RUNTIME_SRC_STREAM_PLANNER_H_

#include <cstddef>
#include <cstdint>

#include "dnz/dnz.h"

namespace dnz {

// What a backend that can stream tells the planner about its ops.
struct StreamCosts {
  size_t element_bytes;  // of a tensor element: int8 1, float 4
  // Scratch op i uses during one band (nothing kept between bands).
  size_t (*scratch_bytes)(const dnz_model& model, uint32_t op);
  // The estimated instructions the band of output rows [y0, y1) of op i costs beyond its share
  // of the op's per-pixel work (set-up, weights made ready): what more bands add.
  uint64_t (*band_cost)(const dnz_model& model, uint32_t op, int32_t y0, int32_t y1);
};

// Plans session->plan for session->max_arena_bytes (0: no budget): the whole-tensor plan
// when it fits, else the fastest streamed plan that fits; DNZ_ERR_ARENA (with the
// smallest size in the message) when none does.
dnz_status PlanForBudget(dnz_session* session, const StreamCosts& costs);

// The smallest arena any plan of these costs needs for the session's model (the session's
// plan is overwritten with that plan).
size_t PlanSmallest(dnz_session* session, const StreamCosts& costs);

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_STREAM_PLANNER_H_
