#include "error_paths.h"

#include <string.h>

#include "bad_model_data.h"
#include "print.h"
#include "unity_report.h"

/* "status 8, text: ..." for a failure line. */
static const char* describe(dnz_status status, const char* text) {
  static char why[DNZ_ERROR_CHARS + 64];
  const char* name = dnz_status_string(status);
  size_t n = 0;
  for (const char* p = "got: "; *p != '\0';) why[n++] = *p++;
  for (; *name != '\0' && n < 40; ++name) why[n++] = *name;
  why[n++] = ':';
  why[n++] = ' ';
  for (; *text != '\0' && n + 1 < sizeof why; ++text) why[n++] = *text;
  why[n] = '\0';
  return why;
}

void check_arena_errors(dnz_session* session, uint8_t* arena, size_t arena_bytes) {
  const size_t planned = dnz_session_arena_bytes(session);
  dnz_status status = dnz_session_set_arena(session, arena, planned - 64);
  UNITY_CHECK("small_arena_refused",
              status == dnz_small_arena_status &&
                  strcmp(dnz_session_error(session), dnz_small_arena_error) == 0,
              describe(status, dnz_session_error(session)));
  status = dnz_session_set_arena(session, arena + 1, arena_bytes - 1);
  UNITY_CHECK("misaligned_arena_refused", status == DNZ_ERR_ARENA,
              describe(status, dnz_session_error(session)));
}

void check_bad_models(dnz_model* model) {
  for (unsigned i = 0; i < DNZ_BAD_MODELS; ++i) {
    const dnz_bad_model* bad = &dnz_bad_models[i];
    const dnz_status status = dnz_model_load(model, bad->bytes, bad->size);
    char name[64] = "bad_model_refused_";
    strncat(name, bad->name, sizeof name - strlen(name) - 1);
    UNITY_CHECK(name, status == bad->status && strcmp(dnz_model_error(model), bad->error) == 0,
                describe(status, dnz_model_error(model)));
    print_text("    ");
    print_text(dnz_model_error(model));
    print_text("\n");
  }
}
