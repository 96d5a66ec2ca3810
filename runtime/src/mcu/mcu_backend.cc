// The `mcu` backend: int8, one image per pass, the kernels of this folder for every conv (the
// ref templates for a pool or upsample that is not fused), each conv with its own scratch
// region, requested from the planner for that op alone, so that it usually fits in the room
// the tensors leave free and the arena does not grow. No allocation; same bytes as ref.
#include "../backend.h"
#include "../memory_planner.h"
#include "../ref/run_chain.h"
#include "conv_s8_mcu.h"

namespace dnz {
namespace {

dnz_status McuInit(dnz_session* session) {
  PlanActivations(session, sizeof(int8_t), 1);
  const dnz_model& model = *session->model;
  ScratchPlanner scratch(session);
  for (uint32_t i = 0; i < model.num_ops; ++i) {  // region i: conv op i's scratch
    if (model.ops[i].kind != DNZ_OP_CONV) continue;
    scratch.Request(i, mcu::ConvScratchBytes(model.ops[i], model.tensors[i], model.tensors[i + 1]),
                    i, i);
  }
  return DNZ_OK;
}

dnz_status McuRun(dnz_session* session, uint32_t /*count: always 1*/) {
  return ref::RunChain<int8_t>(
      session, [](dnz_session* s, uint32_t i, const dnz_tensor_info& in, const int8_t* input,
                  const dnz_tensor_info& out, int8_t* output) {
        int8_t* scratch = reinterpret_cast<int8_t*>(ScratchRegion(s, i));
        mcu::ConvS8(mcu::ActiveIsa(), s->model->ops[i], in, input, out, output, scratch);
      });
}

}  // namespace

const Backend kMcuBackend{
    nullptr, McuInit, ref::BindNothing, McuRun, ref::OneImage, ref::DestroyNothing, false};

}  // namespace dnz
