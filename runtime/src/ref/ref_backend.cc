// The `ref` backend: int8, one image per pass, plain loops (the specification).
#include "../memory_planner.h"
#include "run_chain.h"

namespace dnz {
namespace {

dnz_status RefInit(dnz_session* session) {
  PlanActivations(session, sizeof(int8_t), 1);
  return DNZ_OK;
}

}  // namespace

const Backend& RefBackend() {
  static const Backend backend{RefInit,       ref::BindNothing,    ref::RunChain<int8_t>,
                               ref::OneImage, ref::DestroyNothing, false};
  return backend;
}

}  // namespace dnz
