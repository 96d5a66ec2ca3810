// Instructions per inference and per layer on the Cortex-M board, for the ref backend and the
// mcu backend with each instruction set built for this core. Run under QEMU with -icount
// shift=0 (the toolchain files' emulator line): the board timer then counts instructions, 40
// per tick (firmware_demo/board/instruction_counter.h); the method is checked first on a
// loop of known length. Layers run one by one as the backends run them, each op reading
// tensor i and writing tensor i + 1 of the session's arena; the last tensor is checked
// against the host's output. Then the curve of the streamed plans (a memory budget,
// docs/runtime.md): for mcu, arena bytes against instructions per inference at a range of
// budgets, beside the planner's own estimate of the extra work, each output checked.
// docs/edge.md quotes this program's tables.
#include <cstdint>
#include <cstring>
#include <initializer_list>

#include "backend_variants.h"
#include "demo_digits.h"
#include "dnz/dnz.h"
#include "dnz_internal/ref_kernels.h"
#include "dnz_model_data.h"
#include "instruction_counter.h"
#include "mcu/conv_s8_mcu.h"
#include "print.h"
#include "ref/maxpool.h"
#include "ref/upsample.h"
#include "rows.h"
#include "unity_report.h"

namespace {

alignas(DNZ_ARENA_ALIGNMENT) uint8_t arena[DNZ_MODEL_ARENA_BYTES];
dnz_model model;
dnz_session session;

// The reference's layer numbers (docs/reference.md) of the shipped model's 8 ops.
const int kLayerOfOp[8] = {1, 3, 5, 8, 10, 12, 13, 14};

uint64_t Instructions(uint32_t ticks) { return uint64_t(ticks) * kInstructionsPerTick; }

// MACs as the reference counts them (every tap, padding included), and as run (polyphase).
uint64_t ModelMacs(const dnz_op& op, const dnz_tensor_info& in, const dnz_tensor_info& out) {
  if (op.kind != DNZ_OP_CONV) return 0;
  return uint64_t(op.conv_out_h) * uint64_t(op.conv_out_w) * uint64_t(out.channels) *
         uint64_t(op.kernel_h * op.kernel_w) * uint64_t(in.channels);
}

void RunOp(const Variant& v, uint32_t i) {
  const dnz_op& op = model.ops[i];
  const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
  int8_t* input = reinterpret_cast<int8_t*>(arena + session.plan.tensor_offset[i]);
  int8_t* output = reinterpret_cast<int8_t*>(arena + session.plan.tensor_offset[i + 1]);
  if (op.kind == DNZ_OP_MAXPOOL) {
    dnz::ref::MaxPool2x2(in, input, output);
  } else if (op.kind == DNZ_OP_UPSAMPLE) {
    dnz::ref::Upsample2x(in, input, output);
  } else if (v.backend == DNZ_BACKEND_REF) {
    dnz::ref::ConvS8(op, in, input, out, output);
  } else {
    // Each conv's scratch region, as the mcu backend's session planned it (region i: op i).
    int8_t* scratch = reinterpret_cast<int8_t*>(arena + session.plan.scratch_offset[i]);
    dnz::mcu::ConvS8(v.isa, op, in, input, out, output, scratch);
  }
}

void PrintRow(const char* label, uint64_t macs, uint64_t run_macs, uint64_t instructions) {
  print_text(label);
  print_text(" | ");
  print_grouped(macs);
  print_text(" | ");
  print_grouped(run_macs);
  print_text(" | ");
  print_grouped(instructions);
  print_text(" | ");
  print_fixed(instructions > 0 ? int64_t((macs * 100 + instructions / 2) / instructions) : 0, 2);
  print_text(" |\n");
}

// The session of variant `v` under `budget` (0: none) on the arena, its instruction set chosen;
// false (a failed check) when it does not start.
bool StartSession(const Variant& v, size_t budget) {
  const dnz_session_options options = {v.backend, 1, 0, budget};
  if (!UNITY_CHECK(v.name,
                   dnz_session_init(&session, &model, &options) == DNZ_OK &&
                       dnz_session_set_arena(&session, arena, sizeof arena) == DNZ_OK,
                   dnz_session_error(&session)))
    return false;
  dnz::mcu::SetIsaForTesting(v.isa);
  return true;
}

// Per layer, then the whole inference through dnz_run_u8; both outputs checked.
void Measure(const Variant& v) {
  if (!StartSession(v, 0)) return;
  print_text("\n");
  print_text(v.name);
  print_text(
      ": layer | MACs (reference count) | MACs run | instructions | MACs per instruction |\n");
  // The input tensor as the session writes it: the shipped model's input is q = pixel - 128.
  int8_t* input = reinterpret_cast<int8_t*>(arena + session.plan.tensor_offset[0]);
  for (unsigned p = 0; p < DNZ_DEMO_PIXELS; ++p) input[p] = int8_t(dnz_demo_noisy[0][p] - 128);
  uint64_t total = 0, total_macs = 0, total_run = 0;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const uint32_t before = instruction_counter_ticks();
    RunOp(v, i);
    const uint64_t instructions = Instructions(instruction_counter_ticks() - before);
    const dnz_op& op = model.ops[i];
    const uint64_t macs = ModelMacs(op, model.tensors[i], model.tensors[i + 1]);
    const bool polyphase = v.backend == DNZ_BACKEND_MCU &&
                           dnz::mcu::RunsPolyphase(op, model.tensors[i], model.tensors[i + 1]);
    const uint64_t run = polyphase ? macs * 4 / 9 : macs;
    char label[16] = "layer ";
    const int layer = model.num_ops == 8 ? kLayerOfOp[i] : int(i);
    label[6] = char(layer >= 10 ? '0' + layer / 10 : ' ');
    label[7] = char('0' + layer % 10);
    label[8] = '\0';
    PrintRow(label, macs, run, instructions);
    total += instructions;
    total_macs += macs;
    total_run += run;
  }
  PrintRow("sum     ", total_macs, total_run, total);
  const int8_t* last = reinterpret_cast<const int8_t*>(arena + session.plan.tensor_offset[8]);
  bool same = model.num_ops == 8;
  for (unsigned p = 0; same && p < DNZ_DEMO_PIXELS; ++p) {
    same = uint8_t(last[p] + 128) == dnz_demo_expected[0][p];
  }
  UNITY_CHECK("layers_give_the_host_output", same, "layer by layer differs from the host");

  uint8_t output[DNZ_DEMO_PIXELS];
  const uint32_t before = instruction_counter_ticks();
  const dnz_status status = dnz_run_u8(&session, dnz_demo_noisy[0], output, 1);
  const uint64_t whole = Instructions(instruction_counter_ticks() - before);
  PrintRow("dnz_run_u8", total_macs, total_run, whole);
  UNITY_CHECK("inference_gives_the_host_output",
              status == DNZ_OK && std::memcmp(output, dnz_demo_expected[0], sizeof output) == 0,
              "dnz_run_u8 differs from the host");
  dnz_session_destroy(&session);
}

// One inference of digit 0 under `budget`: prints budget | arena | planner's extra work |
// instructions | extra instructions, against the whole plan (budget 0, printed first).
void MeasurePlan(const Variant& v, size_t budget, uint64_t* whole_cost, uint64_t* whole) {
  if (!StartSession(v, budget)) return;
  uint8_t output[DNZ_DEMO_PIXELS];
  const uint32_t before = instruction_counter_ticks();
  const dnz_status status = dnz_run_u8(&session, dnz_demo_noisy[0], output, 1);
  const uint64_t instructions = Instructions(instruction_counter_ticks() - before);
  if (budget == 0) {
    *whole_cost = session.plan.cost;
    *whole = instructions;
  }
  print_grouped(budget);
  print_text(" | ");
  print_grouped(session.plan.arena_bytes);
  print_text(" | ");
  print_grouped(session.plan.cost - *whole_cost);
  print_text(" | ");
  print_grouped(instructions);
  print_text(" | ");
  print_grouped(instructions > *whole ? instructions - *whole : 0);
  char plan[200];
  print_text(" | ");
  print_text(dnz_session_plan_text(&session, plan, sizeof plan));
  print_text("\n");
  UNITY_CHECK("streamed_plan_gives_the_host_output",
              status == DNZ_OK && std::memcmp(output, dnz_demo_expected[0], sizeof output) == 0,
              "a streamed plan differs from the host");
  dnz_session_destroy(&session);
}

// The planner's cost model against the counter: each conv of the shipped model run in one call
// and in one-row bands (whole tensors), the difference per extra band beside mcu::BandCost's.
void MeasureBandCosts(const Variant& v) {
  if (!StartSession(v, 0)) return;
  print_text("\n");
  print_text(v.name);
  print_text(" one-row bands: op | bands | extra instructions per band, measured | estimated |\n");
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    if (model.ops[i].kind != DNZ_OP_CONV) continue;
    const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
    const auto input =
        dnz::WholeRows(in, reinterpret_cast<const int8_t*>(arena + session.plan.tensor_offset[i]));
    const auto output =
        dnz::WholeRows(out, reinterpret_cast<int8_t*>(arena + session.plan.tensor_offset[i + 1]));
    int8_t* scratch = reinterpret_cast<int8_t*>(arena + session.plan.scratch_offset[i]);
    uint32_t before = instruction_counter_ticks();
    dnz::mcu::ConvS8Rows(v.isa, model.ops[i], in, input, out, output, 0, out.height, scratch);
    const uint64_t whole = Instructions(instruction_counter_ticks() - before);
    before = instruction_counter_ticks();
    for (int32_t y = 0; y < out.height; ++y) {
      dnz::mcu::ConvS8Rows(v.isa, model.ops[i], in, input, out, output, y, y + 1, scratch);
    }
    const uint64_t banded = Instructions(instruction_counter_ticks() - before);
    uint64_t estimated = 0;
    for (int32_t y = 0; y < out.height; ++y) estimated += dnz::mcu::BandCost(model, i, y, y + 1);
    estimated -= dnz::mcu::BandCost(model, i, 0, out.height);
    const uint64_t extra_bands = uint64_t(out.height - 1);
    print_grouped(i);
    print_text(" | ");
    print_grouped(uint64_t(out.height));
    print_text(" | ");
    print_grouped(banded > whole ? (banded - whole) / extra_bands : 0);
    print_text(" | ");
    print_grouped(estimated / extra_bands);
    print_text(" |\n");
  }
  dnz_session_destroy(&session);
}

void MeasureStreamedPlans(const Variant& v) {
  size_t smallest = 0;
  if (dnz_model_arena_bytes(&model, v.backend, &smallest, nullptr) != DNZ_OK) return;
  print_text("\n");
  print_text(v.name);
  print_text(
      " streamed plans: budget | arena | planner's extra work | instructions | extra "
      "instructions | plan |\n");
  uint64_t whole_cost = 0, whole = 0;
  const size_t budgets[] = {0, 40960, 32768, 24576, 20480, 18432, 17408, smallest};
  for (const size_t budget : budgets) {
    if (budget == 0 || budget >= smallest) MeasurePlan(v, budget, &whole_cost, &whole);
  }
}

// The method: a subs/bne loop of N iterations is 2N instructions; the counter must see
// that, to within one tick either way, at two lengths.
void CheckCounter() {
  for (uint32_t iterations : {100000u, 1000000u}) {
    const uint64_t seen = instruction_counter_measure_loop(iterations);
    const uint64_t expected = 2 * uint64_t(iterations);
    print_text("loop of ");
    print_grouped(expected);
    print_text(" instructions: counter says ");
    print_grouped(seen);
    print_text("\n");
    UNITY_CHECK("counter_counts_instructions",
                seen + kInstructionsPerTick >= expected && seen <= expected + kInstructionsPerTick,
                "run QEMU with -icount shift=0");
  }
}

}  // namespace

int main() {
  instruction_counter_start();
  CheckCounter();
  if (!UNITY_CHECK("model_loads",
                   dnz_model_load(&model, dnz_model_data, DNZ_MODEL_DATA_BYTES) == DNZ_OK,
                   dnz_model_error(&model))) {
    return unity_summary() == 0 ? 0 : 1;
  }
  for (const Variant& v : kVariants) {
    if (v.backend == DNZ_BACKEND_MCU && !dnz::mcu::IsaBuilt(v.isa)) {
      unity_ignore(__FILE__, __LINE__, v.name, "not built for this core");
      continue;
    }
    Measure(v);
    if (v.backend == DNZ_BACKEND_MCU) {
      MeasureBandCosts(v);
      MeasureStreamedPlans(v);
    }
  }
  return unity_summary() == 0 ? 0 : 1;
}
