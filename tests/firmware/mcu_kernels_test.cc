// On the board: the mcu backend with every instruction set built for this core (portable C++,
// and Arm DSP on Cortex-M4/M7) and the ref backend give the host ref backend's bytes, on the
// kernel cases (small models of odd shapes, firmware_demo/host/kernel_cases.h) and on the
// shipped model with the example digits; each in the whole-tensor plan and in streamed plans
// (a memory budget: the smallest plan, and one halfway to the fastest), which must give the same
// bytes. Unity-style report; exit status 0 only if all pass.
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "backend_variants.h"
#include "demo_digits.h"
#include "dnz/dnz.h"
#include "dnz_model_data.h"
#include "kernel_cases.h"
#include "mcu/conv_s8_mcu.h"
#include "print.h"
#include "unity_report.h"

namespace {

alignas(DNZ_ARENA_ALIGNMENT) uint8_t arena[64 * 1024];
uint8_t output[4096];
dnz_model model;
dnz_session session;

struct Case {
  const char* name;
  const uint8_t* model;
  size_t model_size;
  unsigned inputs;
  size_t input_bytes, output_bytes;
  const uint8_t* input;
  const uint8_t* expected;
};

// The plans a case runs in: no budget (whole tensors), the smallest, halfway.
enum Plan { kWhole, kSmallest, kHalfway };
const char* const kPlanNames[] = {"whole", "smallest", "halfway"};

// "" when every output of the case equals the host's, else why not.
const char* Mismatch(const Case& c, const Variant& v, Plan plan) {
  if (dnz_model_load(&model, c.model, c.model_size) != DNZ_OK) return dnz_model_error(&model);
  size_t smallest = 0, fastest = 0;
  if (dnz_model_arena_bytes(&model, v.backend, &smallest, &fastest) != DNZ_OK) {
    return "dnz_model_arena_bytes failed";
  }
  const size_t budget = plan == kWhole      ? 0
                        : plan == kSmallest ? smallest
                                            : (smallest + fastest) / 2;
  const dnz_session_options options = {v.backend, 1, 0, budget};
  if (dnz_session_init(&session, &model, &options) != DNZ_OK) return dnz_session_error(&session);
  if (c.output_bytes > sizeof output) return "output larger than the test's buffer";
  std::memset(arena, 0xA5, sizeof arena);  // no byte may be read before it is written
  if (dnz_session_set_arena(&session, arena, sizeof arena) != DNZ_OK) {
    return dnz_session_error(&session);
  }
  dnz::mcu::SetIsaForTesting(v.isa);
  const char* why = "";
  for (unsigned i = 0; i < c.inputs && why[0] == '\0'; ++i) {
    if (dnz_run_u8(&session, c.input + i * c.input_bytes, output, 1) != DNZ_OK) {
      why = dnz_session_error(&session);
    } else if (std::memcmp(output, c.expected + i * c.output_bytes, c.output_bytes) != 0) {
      why = "output differs from the host ref backend's";
    }
  }
  dnz_session_destroy(&session);
  return why;
}

void Check(const Case& c, const Variant& v, Plan plan) {
  char name[112] = "";
  std::strncat(name, c.name, 60);
  std::strncat(name, "_", 2);
  std::strncat(name, v.name, 20);
  std::strncat(name, "_", 2);
  std::strncat(name, kPlanNames[plan], 10);
  if (v.backend == DNZ_BACKEND_MCU && !dnz::mcu::IsaBuilt(v.isa)) {
    unity_ignore(__FILE__, __LINE__, name, "not built for this core");
    return;
  }
  const char* why = Mismatch(c, v, plan);
  UNITY_CHECK(name, why[0] == '\0', why);
}

}  // namespace

int main() {
  print_text("mcu_kernels_test: ");
  print_text(dnz::mcu::IsaName(dnz::mcu::ActiveIsa()));
  print_text(" is the mcu backend's instruction set on this core\n");
  for (const Variant& v : kVariants) {
    for (const dnz_kernel_case& k : dnz_kernel_cases) {
      for (const Plan plan : {kWhole, kSmallest, kHalfway}) {
        Check({k.name, k.model, k.model_size, k.inputs, k.input_bytes, k.output_bytes, k.input,
               k.expected},
              v, plan);
      }
    }
    // The shipped model streamed: here for mcu's instruction sets (firmware_demo_small runs
    // ref and the default set in the smallest plan on every digit).
    for (const Plan plan : {kWhole, kSmallest}) {
      if (plan != kWhole && v.backend != DNZ_BACKEND_MCU) continue;
      Check({"shipped_model", dnz_model_data, DNZ_MODEL_DATA_BYTES, DNZ_DEMO_DIGITS,
             DNZ_DEMO_PIXELS, DNZ_DEMO_PIXELS, &dnz_demo_noisy[0][0], &dnz_demo_expected[0][0]},
            v, plan);
    }
  }
  return unity_summary() == 0 ? 0 : 1;
}
