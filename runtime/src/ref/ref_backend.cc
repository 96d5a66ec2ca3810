// The `ref` backend: int8, one image per pass, plain loops (the specification).
#include "../memory_planner.h"
#include "dnz_internal/ref_kernels.h"
#include "run_chain.h"

namespace dnz {
namespace {

dnz_status RefInit(dnz_session* session) {
  PlanActivations(session, sizeof(int8_t), 1);
  return DNZ_OK;
}

dnz_status RefRun(dnz_session* session, uint32_t /*count: always 1*/) {
  return ref::RunChain<int8_t>(
      session, [](dnz_session* s, uint32_t i, const dnz_tensor_info& in, const int8_t* input,
                  const dnz_tensor_info& out,
                  int8_t* output) { ref::ConvS8(s->model->ops[i], in, input, out, output); });
}

}  // namespace

const Backend kRefBackend{
    nullptr, RefInit, ref::BindNothing, RefRun, ref::OneImage, ref::DestroyNothing, false};

}  // namespace dnz
