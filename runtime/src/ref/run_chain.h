// The one-image-per-pass chain runner shared by the `ref` (int8) and `float`
// backends: each op reads tensor i and writes tensor i + 1 of the arena.
#ifndef DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_
#define DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_

#include "../backend.h"
#include "kernels_ref.h"
#include "maxpool.h"
#include "upsample.h"

namespace dnz::ref {

inline void RunConv(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
                    const dnz_tensor_info& out, int8_t* output) {
  ConvS8(op, in, input, out, output);
}
inline void RunConv(const dnz_op& op, const dnz_tensor_info& in, const float* input,
                    const dnz_tensor_info& out, float* output) {
  ConvF32(op, in, input, out, output);
}

template <typename T>
dnz_status RunChain(dnz_session* session, uint32_t /*count: always 1*/) {
  const dnz_model& model = *session->model;
  const auto slot = [session](uint32_t t) {
    return reinterpret_cast<T*>(session->arena + session->plan.tensor_offset[t]);
  };
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = model.ops[i];
    const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
    switch (op.kind) {
      case DNZ_OP_CONV:
        RunConv(op, in, slot(i), out, slot(i + 1));
        break;
      case DNZ_OP_MAXPOOL:
        MaxPool2x2(in, slot(i), slot(i + 1));
        break;
      case DNZ_OP_UPSAMPLE:
        Upsample2x(in, slot(i), slot(i + 1));
        break;
    }
  }
  return DNZ_OK;
}

inline dnz_status BindNothing(dnz_session*) { return DNZ_OK; }
inline uint32_t OneImage(const dnz_session*) { return 1; }
inline void DestroyNothing(dnz_session*) {}

}  // namespace dnz::ref

#endif  // DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_
