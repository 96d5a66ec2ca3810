// What a backend provides to the session (session.cc), and the one table of backends
// (backends.cc). A backend plans its arena at init, may bind the arena to its own objects,
// and runs a pass of images whose inputs the session has already written into the arena's
// input slots:
//   slot j of tensor t = arena + plan.tensor_offset[t] + j * image bytes of t.
// Only init/bind/destroy may allocate (and only on hosts); run_pass never does.
// Adding a backend: its folder with one file of glue defining a `Backend`, and one row
// in backends.cc; every cross-backend test and program loops over that table.
#ifndef DNZ_RUNTIME_SRC_BACKEND_H_
#define DNZ_RUNTIME_SRC_BACKEND_H_

#include <cstddef>
#include <cstdint>

#include "dnz/dnz.h"
#include "error_message.h"
#include "memory_planner.h"
#include "stream_planner.h"

namespace dnz {

struct Backend {
  // DNZ_OK when the backend can run `model`; else the status session init returns and a
  // line of why (no prefix: the session names the backend). Null: every verified model.
  dnz_status (*supports)(const dnz_model& model, char* why, size_t why_size);
  dnz_status (*init)(dnz_session* session);
  dnz_status (*bind_arena)(dnz_session* session);
  // Runs `count` images: count is images_per_pass(session), or 1.
  dnz_status (*run_pass)(dnz_session* session, uint32_t count);
  uint32_t (*images_per_pass)(const dnz_session* session);
  void (*destroy)(dnz_session* session);
  bool float_tensors;  // tensors hold float32 (float backend) rather than int8
  // Backends that stream rows under a budget (their init calls PlanForBudget); null: whole
  // tensors only, and a budget below the plan is refused.
  const StreamCosts* streaming;
};

// One row of the table: the public facts, and the functions where built in.
struct BackendEntry {
  dnz_backend_info info;
  const Backend* backend;  // null: not built into this library
};

// The table, in the order `auto` tries the rows; `count` rows.
const BackendEntry* BackendTable(uint32_t* count);
// The row of `id`, or null (AUTO or an unknown value).
const BackendEntry* FindBackend(dnz_backend id);
// The built-in functions of `id`, or null.
inline const Backend* BuiltInBackend(dnz_backend id) {
  const BackendEntry* entry = FindBackend(id);
  return entry != nullptr ? entry->backend : nullptr;
}

// Each backend's functions, defined in its own folder.
extern const Backend kRefBackend;    // ref/ref_backend.cc
extern const Backend kFloatBackend;  // ref/float_backend.cc
extern const Backend kMcuBackend;    // mcu/mcu_backend.cc
#if DNZ_HAVE_ONEDNN
extern const Backend kOnednnBackend;  // onednn/onednn_backend.cc
#endif

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_BACKEND_H_
