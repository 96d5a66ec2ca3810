// The `ref` backend: int8, one image per pass, plain loops (the specification).
#include <cstdint>

#include "../memory_planner.h"
#include "conv_rows.h"
#include "run_chain.h"

namespace dnz {
namespace {

const StreamCosts kRefCosts{sizeof(int8_t), ref::NoScratch, ref::PlainBandCost};

dnz_status RefInit(dnz_session* session) { return PlanForBudget(session, kRefCosts); }

dnz_status RefRun(dnz_session* session, uint32_t /*count: always 1*/) {
  return ref::RunChain<int8_t>(
      session, [](dnz_session* s, uint32_t i, const dnz_tensor_info& in, Rows<const int8_t> input,
                  const dnz_tensor_info& out, Rows<int8_t> output, int32_t y0, int32_t y1) {
        ref::ConvS8Rows(s->model->ops[i], in, input, out, output, y0, y1);
      });
}

}  // namespace

const Backend kRefBackend{nullptr, RefInit,       ref::BindNothing,
                          RefRun,  ref::OneImage, ref::DestroyNothing,
                          false,   &kRefCosts};

}  // namespace dnz
