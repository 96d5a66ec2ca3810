// The `mcu` backend: int8, one image per pass, the kernels of this folder for every conv (the
// ref templates for a pool or upsample that is not fused), each conv with its own scratch
// region, requested from the planner for that op alone (for a streamed run, one region the
// run's ops share), so that it usually fits in the room the tensors leave free and the arena
// does not grow. Under a budget it streams rows (stream_planner.h). No allocation; same bytes
// as ref.
#include <cstdint>

#include "../backend.h"
#include "../memory_planner.h"
#include "../ref/run_chain.h"
#include "conv_s8_mcu.h"

namespace dnz {
namespace {

size_t McuScratchBytes(const dnz_model& model, uint32_t i) {
  return mcu::ConvScratchBytes(model.ops[i], model.tensors[i], model.tensors[i + 1]);
}

const StreamCosts kMcuCosts{sizeof(int8_t), McuScratchBytes, mcu::BandCost};

dnz_status McuInit(dnz_session* session) { return PlanForBudget(session, kMcuCosts); }

dnz_status McuRun(dnz_session* session, uint32_t /*count: always 1*/) {
  return ref::RunChain<int8_t>(session, [](dnz_session* s, uint32_t i, const dnz_tensor_info& in,
                                           Rows<const int8_t> input, const dnz_tensor_info& out,
                                           Rows<int8_t> output, int32_t y0, int32_t y1) {
    int8_t* scratch = reinterpret_cast<int8_t*>(ScratchRegion(s, i));
    mcu::ConvS8Rows(mcu::ActiveIsa(), s->model->ops[i], in, input, out, output, y0, y1, scratch);
  });
}

}  // namespace

const Backend kMcuBackend{nullptr, McuInit,       ref::BindNothing,
                          McuRun,  ref::OneImage, ref::DestroyNothing,
                          false,   &kMcuCosts};

}  // namespace dnz
