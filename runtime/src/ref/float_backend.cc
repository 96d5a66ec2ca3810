// The `float` backend: the float32 weights kept in the model file, one image per
// pass, plain loops. It measures what quantization costs; it is not bit-exact with
// anything but itself.
#include "../memory_planner.h"
#include "run_chain.h"

namespace dnz {
namespace {

dnz_status FloatInit(dnz_session* session) {
  if (!session->model->has_float_weights) {
    return DNZ_FAIL(session, DNZ_ERR_NO_FLOAT_WEIGHTS,
                    "the float backend needs float weights, and this model has none");
  }
  PlanActivations(session, sizeof(float), 1);
  return DNZ_OK;
}

}  // namespace

const Backend& FloatBackend() {
  static const Backend backend{FloatInit,     ref::BindNothing,    ref::RunChain<float>,
                               ref::OneImage, ref::DestroyNothing, true};
  return backend;
}

}  // namespace dnz
