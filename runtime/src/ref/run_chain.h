// The one op loop of the one-image-per-pass backends (ref, float, mcu): each op reads
// tensor i and writes tensor i + 1 of the arena. The backends differ only in their conv
// kernel, the parameter `conv`: conv(session, op index, in, input, out, output). Pools and
// upsamples that are not fused into a conv run ref's templates (maxpool.h, upsample.h).
#ifndef DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_
#define DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_

#include "../backend.h"
#include "maxpool.h"
#include "upsample.h"

namespace dnz::ref {

template <typename T, typename Conv>
dnz_status RunChain(dnz_session* session, const Conv& conv) {
  const dnz_model& model = *session->model;
  const auto slot = [session](uint32_t t) {
    return reinterpret_cast<T*>(session->arena + session->plan.tensor_offset[t]);
  };
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
    switch (model.ops[i].kind) {
      case DNZ_OP_CONV:
        conv(session, i, in, slot(i), out, slot(i + 1));
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
