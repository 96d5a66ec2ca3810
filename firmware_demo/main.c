/* firmware_demo: the dnz runtime linked statically into a bare-metal Cortex-M image.
 *
 * What a firmware project needs is all here: the library (dnz_runtime), its C header
 * (dnz/dnz.h), the model as a const array in flash and the arena size it needs (both
 * generated at build time: dnz_model_data.h), and a static arena. No heap: every allocator
 * of this image traps (board/trap_allocators.c).
 *
 * It denoises the example digits with the ref and the mcu backend and prints, per digit, a
 * checksum of the output, its PSNR against the clean digit, the instructions each backend took
 * and a small picture. Every output must equal, byte for byte, what the host's ref backend
 * gives for the same model and input (demo_digits.h, generated on the host). Results are
 * reported in Unity's style; the exit status is 0 only if every check passed. (The error
 * paths on the board are tests/firmware's error_paths_test.) */
#include <string.h>

#include "demo_digits.h"
#include "digit_report.h"
#include "dnz/dnz.h"
#include "dnz_model_data.h"
#include "instruction_counter.h"
#include "print.h"
#include "stack_usage.h"
#include "unity_report.h"

/* The arena: sized at build time, checked at start-up against the runtime's own plan. Both
 * sessions use it in turn (an arena holds nothing between runs). Built with
 * FIRMWARE_ARENA=smallest (firmware_demo_small), it is the smallest arena the model streams in;
 * either way it is the sessions' budget, so the runtime picks the fastest plan that fits. */
#if DNZ_FIRMWARE_SMALLEST_ARENA
#define FIRMWARE_ARENA_BYTES DNZ_MODEL_SMALLEST_ARENA_BYTES
#define FIRMWARE_ARENA_NAME "DNZ_MODEL_SMALLEST_ARENA_BYTES"
#else
#define FIRMWARE_ARENA_BYTES DNZ_MODEL_ARENA_BYTES
#define FIRMWARE_ARENA_NAME "DNZ_MODEL_ARENA_BYTES"
#endif
static uint8_t arena[FIRMWARE_ARENA_BYTES] __attribute__((aligned(DNZ_ARENA_ALIGNMENT)));
static dnz_model model; /* about 3 KB: kept off the stack */
/* ref: the plain loops of the specification; mcu: the kernels for microcontrollers (Arm DSP
 * instructions on a core that has them). Both must give the host's bytes. */
static dnz_session sessions[2];
static const dnz_backend kBackends[2] = {DNZ_BACKEND_REF, DNZ_BACKEND_MCU};

static int start_session(dnz_session* session, dnz_backend backend) {
  const dnz_session_options options = {backend, 1, 0, sizeof arena};
  const uint32_t before = instruction_counter_ticks();
  if (!UNITY_CHECK(dnz_backend_name(backend), dnz_session_init(session, &model, &options) == DNZ_OK,
                   dnz_session_error(session)))
    return 0;
  const uint32_t ticks = instruction_counter_ticks() - before;
  char plan[200];
  print_text("plan: ");
  print_text(dnz_session_plan_text(session, plan, sizeof plan));
  print_text("\n  ");
  print_grouped(sizeof arena);
  print_text(" bytes reserved (" FIRMWARE_ARENA_NAME "); planned in ");
  print_grouped((uint64_t)ticks * kInstructionsPerTick);
  print_text(" instructions\n");
  if (!UNITY_CHECK("arena_fits_plan", dnz_session_arena_bytes(session) <= sizeof arena,
                   FIRMWARE_ARENA_NAME " is smaller than the plan"))
    return 0;
  return UNITY_CHECK("arena_accepted",
                     dnz_session_set_arena(session, arena, sizeof arena) == DNZ_OK,
                     dnz_session_error(session));
}

static int start(void) {
  if (!UNITY_CHECK("model_loads",
                   dnz_model_load(&model, dnz_model_data, DNZ_MODEL_DATA_BYTES) == DNZ_OK,
                   dnz_model_error(&model)))
    return 0;
  return start_session(&sessions[0], kBackends[0]) && start_session(&sessions[1], kBackends[1]);
}

/* Runs one digit on one session; checks it against the host and prints what it took. */
static void denoise(dnz_session* session, unsigned index, uint8_t* output) {
  const uint32_t before = instruction_counter_ticks();
  const dnz_status status = dnz_run_u8(session, dnz_demo_noisy[index], output, 1);
  const uint32_t ticks = instruction_counter_ticks() - before;
  char name[40] = "digit_0_";
  name[6] = (char)('0' + index % 10);
  strncat(name, dnz_backend_name(session->backend), 8);
  strncat(name, "_matches_host", 16);
  UNITY_CHECK(
      name, status == DNZ_OK && memcmp(output, dnz_demo_expected[index], DNZ_DEMO_PIXELS) == 0,
      status == DNZ_OK ? "output differs from the host ref backend's" : dnz_session_error(session));
  print_text("  ");
  print_text(dnz_backend_name(session->backend));
  print_text(": ");
  print_grouped((uint64_t)ticks * kInstructionsPerTick);
  print_text(" instructions (QEMU -icount shift=0)\n");
}

static void denoise_digit(unsigned index) {
  uint8_t output[DNZ_DEMO_PIXELS];
  for (unsigned s = 0; s < 2; ++s) denoise(&sessions[s], index, output);
  print_text("  checksum ");
  print_hex32(digit_checksum(output, sizeof output));
  print_text(", PSNR ");
  print_fixed(digit_psnr_centi_db(output, dnz_demo_clean[index]), 2);
  print_text(" dB (noisy input: ");
  print_fixed(digit_psnr_centi_db(dnz_demo_noisy[index], dnz_demo_clean[index]), 2);
  print_text(" dB)\n");
  digit_print_pictures(dnz_demo_noisy[index], output);
}

int main(void) {
  print_text("firmware_demo: dnz runtime, model ");
  print_grouped(DNZ_MODEL_DATA_BYTES);
  print_text(" bytes in flash\n");
  instruction_counter_start();
  if (start()) {
    for (unsigned i = 0; i < DNZ_DEMO_DIGITS; ++i) denoise_digit(i);
    dnz_session_destroy(&sessions[0]);
    dnz_session_destroy(&sessions[1]);
  }
  print_text("stack: ");
  print_grouped(stack_usage_peak_bytes());
  print_text(" bytes used of ");
  print_grouped(stack_usage_size_bytes());
  print_text("\n");
  return unity_summary() == 0 ? 0 : 1;
}
