// The one op loop of the one-image-per-pass backends (ref, float, mcu): each op reads
// tensor i and writes tensor i + 1 of the arena. The backends differ only in their conv
// kernel, the parameter `conv`: conv(session, op index, in, input rows, out, output rows,
// y0, y1) writes output rows [y0, y1). Pools and upsamples that are not fused into a conv
// run ref's templates (maxpool.h, upsample.h), always on whole tensors.
//
// A streamed plan (stream_planner.h) joins convs into runs whose tensors in between are ring
// buffers. A run goes band by band: the next step is the band of the last op of the run
// whose input rows are all in its ring, so a ring row is written once, read by every band
// that needs it, and overwritten only after its last reader (the ring sizes guarantee it).
#ifndef DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_
#define DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_

#include <cstdint>

#include "../backend.h"
#include "../rows.h"
#include "maxpool.h"
#include "upsample.h"

namespace dnz::ref {

template <typename T>
Rows<T> TensorRows(const dnz_session* session, uint32_t t) {
  const dnz_tensor_info& info = session->model->tensors[t];
  return Rows<T>{reinterpret_cast<T*>(session->arena + session->plan.tensor_offset[t]),
                 info.width * info.channels, int32_t(session->plan.ring_rows[t])};
}

// Ops [first, last], a run of convs joined by ring tensors (first == last: one op, whole).
template <typename T, typename Conv>
void RunBands(dnz_session* session, uint32_t first, uint32_t last, const Conv& conv) {
  const dnz_model& model = *session->model;
  const dnz_plan& plan = session->plan;
  int32_t next_row[DNZ_MAX_OPS];  // op i's next output row to write
  for (uint32_t i = first; i <= last; ++i) next_row[i] = 0;
  const auto band_end = [&](uint32_t i) {
    const int32_t height = model.tensors[i + 1].height;
    const int32_t band = plan.band_rows[i] > 0 ? int32_t(plan.band_rows[i]) : height;
    return next_row[i] + band < height ? next_row[i] + band : height;
  };
  while (next_row[last] < model.tensors[last + 1].height) {
    uint32_t i = last;  // the last op whose next band has all its input rows
    while (i > first) {
      const RowSpan need = InputRowsOf(model.ops[i], model.tensors[i], model.tensors[i + 1],
                                       next_row[i], band_end(i));
      if (need.last < next_row[i - 1]) break;
      --i;
    }
    const int32_t y1 = band_end(i);
    conv(session, i, model.tensors[i], ConstRows(TensorRows<T>(session, i)), model.tensors[i + 1],
         TensorRows<T>(session, i + 1), next_row[i], y1);
    next_row[i] = y1;
  }
}

template <typename T, typename Conv>
dnz_status RunChain(dnz_session* session, const Conv& conv) {
  const dnz_model& model = *session->model;
  const auto slot = [session](uint32_t t) {
    return reinterpret_cast<T*>(session->arena + session->plan.tensor_offset[t]);
  };
  for (uint32_t i = 0; i < model.num_ops;) {
    const dnz_tensor_info& in = model.tensors[i];
    const uint32_t last = RunLastOp(session->plan, model.num_ops, i);
    switch (model.ops[i].kind) {
      case DNZ_OP_CONV:
        RunBands<T>(session, i, last, conv);
        break;
      case DNZ_OP_MAXPOOL:
        MaxPool2x2(in, slot(i), slot(i + 1));
        break;
      case DNZ_OP_UPSAMPLE:
        Upsample2x(in, slot(i), slot(i + 1));
        break;
    }
    i = last + 1;
  }
  return DNZ_OK;
}

// The plain-loop kernels keep nothing between bands and need no scratch; a band costs only
// its call and loop set-up (the rest is per pixel, the same however the rows are banded).
inline size_t NoScratch(const dnz_model&, uint32_t) { return 0; }
inline uint64_t PlainBandCost(const dnz_model&, uint32_t, int32_t, int32_t) { return 100; }

inline dnz_status BindNothing(dnz_session*) { return DNZ_OK; }
inline uint32_t OneImage(const dnz_session*) { return 1; }
inline void DestroyNothing(dnz_session*) {}

}  // namespace dnz::ref

#endif  // DNZ_RUNTIME_SRC_REF_RUN_CHAIN_H_
