// The `mcu` backend: int8, one image per pass, the kernels of this folder for every conv (the
// ref templates for a pool or upsample that is not fused), with each conv's scratch placed in
// the arena beside its tensors. No allocation; same bytes as ref.
#include "../backend.h"
#include "../memory_planner.h"
#include "../ref/maxpool.h"
#include "../ref/run_chain.h"
#include "../ref/upsample.h"
#include "conv_s8_mcu.h"
#include "scratch_placement.h"

namespace dnz {
namespace {

size_t OpScratchBytes(const dnz_model& model, uint32_t i) {
  const dnz_op& op = model.ops[i];
  return op.kind == DNZ_OP_CONV ? mcu::ConvScratchBytes(op, model.tensors[i], model.tensors[i + 1])
                                : 0;
}

dnz_status McuInit(dnz_session* session) {
  PlanActivations(session, sizeof(int8_t), 1);
  dnz_plan& plan = session->plan;
  for (uint32_t i = 0; i < session->model->num_ops; ++i) {
    const size_t bytes = OpScratchBytes(*session->model, i);
    if (bytes == 0) continue;
    const size_t end = AlignUp(mcu::ScratchOffset(plan, i, bytes) + bytes, DNZ_ARENA_ALIGNMENT);
    if (end > plan.arena_bytes) plan.arena_bytes = end;
  }
  return DNZ_OK;
}

dnz_status McuRun(dnz_session* session, uint32_t /*count: always 1*/) {
  const dnz_model& model = *session->model;
  const dnz_plan& plan = session->plan;
  const auto slot = [session](uint32_t t) {
    return reinterpret_cast<int8_t*>(session->arena + session->plan.tensor_offset[t]);
  };
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = model.ops[i];
    const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
    switch (op.kind) {
      case DNZ_OP_CONV: {
        int8_t* scratch = reinterpret_cast<int8_t*>(
            session->arena + mcu::ScratchOffset(plan, i, OpScratchBytes(model, i)));
        mcu::ConvS8(mcu::ActiveIsa(), op, in, slot(i), out, slot(i + 1), scratch);
        break;
      }
      case DNZ_OP_MAXPOOL:
        ref::MaxPool2x2(in, slot(i), slot(i + 1));
        break;
      case DNZ_OP_UPSAMPLE:
        ref::Upsample2x(in, slot(i), slot(i + 1));
        break;
    }
  }
  return DNZ_OK;
}

}  // namespace

const Backend& McuBackend() {
  static const Backend backend{McuInit,       ref::BindNothing,    McuRun,
                               ref::OneImage, ref::DestroyNothing, false};
  return backend;
}

}  // namespace dnz
