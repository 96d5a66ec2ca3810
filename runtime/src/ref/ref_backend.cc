// The `ref` (int8) and `float` backends: one image per pass, plain loops.
#include "../backend.h"
#include "kernels_ref.h"

namespace dnz {
namespace {

template <typename T>
T* TensorSlot(dnz_session* session, uint32_t t) {
  return reinterpret_cast<T*>(session->arena + session->plan.tensor_offset[t]);
}

dnz_status RefInit(dnz_session* session) {
  PlanActivations(session, sizeof(int8_t), 1);
  return DNZ_OK;
}

dnz_status FloatInit(dnz_session* session) {
  if (!session->model->has_float_weights) {
    return SessionFail(session, DNZ_ERR_NO_FLOAT_WEIGHTS,
                       "the float backend needs float weights, and this model has none");
  }
  PlanActivations(session, sizeof(float), 1);
  return DNZ_OK;
}

dnz_status BindNothing(dnz_session*) { return DNZ_OK; }
uint32_t OneImage(const dnz_session*) { return 1; }
void DestroyNothing(dnz_session*) {}

template <typename T>
void RunOp(const dnz_op& op, const dnz_tensor_info& in, const T* input, const dnz_tensor_info& out,
           T* output);

template <>
void RunOp(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
           const dnz_tensor_info& out, int8_t* output) {
  switch (op.kind) {
    case DNZ_OP_CONV:
      return ref::ConvS8(op, in, input, out, output);
    case DNZ_OP_MAXPOOL:
      return ref::MaxPool2x2S8(in, input, output);
    case DNZ_OP_UPSAMPLE:
      return ref::Upsample2xS8(in, input, output);
  }
}

template <>
void RunOp(const dnz_op& op, const dnz_tensor_info& in, const float* input,
           const dnz_tensor_info& out, float* output) {
  switch (op.kind) {
    case DNZ_OP_CONV:
      return ref::ConvF32(op, in, input, out, output);
    case DNZ_OP_MAXPOOL:
      return ref::MaxPool2x2F32(in, input, output);
    case DNZ_OP_UPSAMPLE:
      return ref::Upsample2xF32(in, input, output);
  }
}

template <typename T>
dnz_status RunChain(dnz_session* session, uint32_t) {
  const dnz_model& model = *session->model;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    RunOp<T>(model.ops[i], model.tensors[i], TensorSlot<T>(session, i), model.tensors[i + 1],
             TensorSlot<T>(session, i + 1));
  }
  return DNZ_OK;
}

}  // namespace

const Backend& RefBackend() {
  static const Backend backend{RefInit,  BindNothing,    RunChain<int8_t>,
                               OneImage, DestroyNothing, false};
  return backend;
}

const Backend& FloatBackend() {
  static const Backend backend{FloatInit, BindNothing,    RunChain<float>,
                               OneImage,  DestroyNothing, true};
  return backend;
}

}  // namespace dnz
