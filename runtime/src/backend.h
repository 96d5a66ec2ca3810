// What a backend provides to the session (session.cc). A backend plans its arena
// at init, may bind the arena to its own objects, and runs a pass of images whose
// inputs the session has already written into the arena's input slots:
//   slot j of tensor t = arena + plan.tensor_offset[t] + j * image bytes of t.
// Only init/bind/destroy may allocate (and only on hosts); run_pass never does.
#ifndef DNZ_SRC_BACKEND_H_
#define DNZ_SRC_BACKEND_H_

#include <cstdarg>
#include <cstdio>

#include "dnz/dnz.h"

namespace dnz {

struct Backend {
  dnz_status (*init)(dnz_session* session);
  dnz_status (*bind_arena)(dnz_session* session);
  // Runs `count` images: count is images_per_pass(session), or 1.
  dnz_status (*run_pass)(dnz_session* session, uint32_t count);
  uint32_t (*images_per_pass)(const dnz_session* session);
  void (*destroy)(dnz_session* session);
  bool float_tensors;  // tensors hold float32 (float backend) rather than int8
};

const Backend& RefBackend();
const Backend& FloatBackend();
#if DNZ_HAVE_ONEDNN
const Backend& OnednnBackend();
// Whether the onednn backend can run this model (else AUTO falls back to ref).
bool OnednnSupports(const dnz_model& model, char* why, size_t why_size);
#endif

// Bytes of one image of tensor t, in the backend's element type.
inline size_t TensorImageBytes(const dnz_model& model, uint32_t t, size_t element_bytes) {
  const dnz_tensor_info& info = model.tensors[t];
  return size_t(info.height) * size_t(info.width) * size_t(info.channels) * element_bytes;
}

// Plans the chain's tensors for `images` images per pass into session->plan
// (activation_bytes and arena_bytes both set to the planned size).
void PlanActivations(dnz_session* session, size_t element_bytes, uint32_t images);

inline dnz_status SessionFail(dnz_session* session, dnz_status status, const char* format, ...) {
  va_list args;
  va_start(args, format);
  std::vsnprintf(session->error, sizeof session->error, format, args);
  va_end(args);
  return status;
}

}  // namespace dnz

#endif  // DNZ_SRC_BACKEND_H_
