// The `float` backend: the float32 weights kept in the model file, one image per
// pass, plain loops. It measures what quantization costs; it is not bit-exact with
// anything but itself.
#include <cstdint>
#include <cstdio>

#include "../memory_planner.h"
#include "conv_rows.h"
#include "run_chain.h"

namespace dnz {
namespace {

dnz_status FloatSupports(const dnz_model& model, char* why, size_t why_size) {
  if (model.has_float_weights) return DNZ_OK;
  std::snprintf(why, why_size, "the float backend needs float weights, and this model has none");
  return DNZ_ERR_NO_FLOAT_WEIGHTS;
}

const StreamCosts kFloatCosts{sizeof(float), ref::NoScratch, ref::PlainBandCost};

dnz_status FloatInit(dnz_session* session) { return PlanForBudget(session, kFloatCosts); }

dnz_status FloatRun(dnz_session* session, uint32_t /*count: always 1*/) {
  return ref::RunChain<float>(
      session, [](dnz_session* s, uint32_t i, const dnz_tensor_info& in, Rows<const float> input,
                  const dnz_tensor_info& out, Rows<float> output, int32_t y0, int32_t y1) {
        ref::ConvF32Rows(s->model->ops[i], in, input, out, output, y0, y1);
      });
}

}  // namespace

const Backend kFloatBackend{FloatSupports, FloatInit,     ref::BindNothing,
                            FloatRun,      ref::OneImage, ref::DestroyNothing,
                            true,          &kFloatCosts};

}  // namespace dnz
