// What a backend provides to the session (session.cc). A backend plans its arena
// at init, may bind the arena to its own objects, and runs a pass of images whose
// inputs the session has already written into the arena's input slots:
//   slot j of tensor t = arena + plan.tensor_offset[t] + j * image bytes of t.
// Only init/bind/destroy may allocate (and only on hosts); run_pass never does.
#ifndef DNZ_RUNTIME_SRC_BACKEND_H_
#define DNZ_RUNTIME_SRC_BACKEND_H_

#include <cstddef>

#include "dnz/dnz.h"
#include "error_message.h"
#include "memory_planner.h"

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
const Backend& McuBackend();  // mcu/mcu_backend.cc
#if DNZ_HAVE_ONEDNN
const Backend& OnednnBackend();
// Whether the onednn backend can run this model (else AUTO falls back to ref).
bool OnednnSupports(const dnz_model& model, char* why, size_t why_size);
// Whether oneDNN's int8 convolutions give ref's bytes on this CPU by themselves (with
// VNNI); elsewhere the backend splits each conv's input into 7-bit halves.
bool OnednnInt8IsExact();
#endif

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_BACKEND_H_
