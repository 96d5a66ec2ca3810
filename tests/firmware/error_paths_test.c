/* error_paths_test: the runtime's error paths on the board. The real model is loaded from
 * flash and a ref session gets a good arena; then a too-small and a misaligned arena and each
 * broken model (bad_model_data.h, made on the host) must be refused with the status and the
 * one line of text the host runtime gives, with no allocation (every allocator traps). The
 * refused arenas must leave the session as it was: it still runs. Unity-style lines; exit 0
 * only if every check passed. */
#include "error_paths.h"

#include "dnz/dnz.h"
#include "dnz_model_data.h"
#include "print.h"
#include "unity_report.h"

static uint8_t arena[DNZ_MODEL_ARENA_BYTES] __attribute__((aligned(DNZ_ARENA_ALIGNMENT)));
static dnz_model model;
static dnz_session session;
static uint8_t pixels[28 * 28], output[28 * 28];

int main(void) {
  print_text("error_paths_test: refusals on the board match the host's\n");
  const dnz_session_options options = {DNZ_BACKEND_REF, 1, 0, 0};
  if (UNITY_CHECK("model_loads",
                  dnz_model_load(&model, dnz_model_data, DNZ_MODEL_DATA_BYTES) == DNZ_OK,
                  dnz_model_error(&model)) &&
      UNITY_CHECK("session_ready",
                  dnz_session_init(&session, &model, &options) == DNZ_OK &&
                      dnz_session_set_arena(&session, arena, sizeof arena) == DNZ_OK,
                  dnz_session_error(&session))) {
    check_arena_errors(&session, arena, sizeof arena);
    UNITY_CHECK("session_runs_after_refusals", dnz_run_u8(&session, pixels, output, 1) == DNZ_OK,
                dnz_session_error(&session));
    dnz_session_destroy(&session);
    check_bad_models(&model);
  }
  return unity_summary() == 0 ? 0 : 1;
}
