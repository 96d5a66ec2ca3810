// dnz_session_plan_text: a session's plan in one line, for logs and the demos, e.g.
//   "mcu, arena 51264 bytes, whole tensors"
//   "mcu, arena 17856 bytes: ops 0-2 whole; ops 3-7 streamed, bands 1/2/2/4/28 rows,
//    rings 3/4/6/3 rows"
#include <cstdint>
#include <cstring>

#include "error_message.h"
#include "memory_planner.h"

namespace {

// Appends a formatted piece to text[size] (truncated, always terminated).
template <typename... Args>
void Append(char* text, size_t size, const char* format, const Args&... args) {
  const size_t used = std::strlen(text);
  if (used + 1 < size) dnz::FormatError(text + used, size - used, format, args...);
}

}  // namespace

extern "C" const char* dnz_session_plan_text(const dnz_session* session, char* text, size_t size) {
  if (text == nullptr || size == 0) return text;
  text[0] = '\0';
  if (session == nullptr || session->model == nullptr) {
    Append(text, size, "no plan: the session is not initialised");
    return text;
  }
  const dnz_plan& plan = session->plan;
  const uint32_t n = session->model->num_ops;
  Append(text, size, "%s, arena %zu bytes", dnz_backend_name(session->backend), plan.arena_bytes);
  bool streamed = false;
  for (uint32_t t = 1; t < n; ++t) streamed = streamed || plan.ring_rows[t] > 0;
  if (!streamed) {
    Append(text, size, ", whole tensors");
    return text;
  }
  for (uint32_t i = 0; i < n;) {
    const uint32_t last = dnz::RunLastOp(plan, n, i);
    Append(text, size, i == 0 ? ": " : "; ");
    Append(text, size, last > i ? "ops %u-%u" : "op %u", i, last);
    if (last == i) {
      Append(text, size, " whole");
    } else {
      Append(text, size, " streamed, bands ");
      for (uint32_t j = i; j <= last; ++j)
        Append(text, size, j > i ? "/%u" : "%u", plan.band_rows[j]);
      Append(text, size, " rows, rings ");
      for (uint32_t t = i + 1; t <= last; ++t) {
        Append(text, size, t > i + 1 ? "/%u" : "%u", plan.ring_rows[t]);
      }
      Append(text, size, " rows");
    }
    i = last + 1;
  }
  return text;
}
