// libFuzzer target: models that load and are small (the input at most 64x64x4, at most 2 million
// multiply-adds a pass) run on the one-image backends, `ref`, `mcu` (every instruction set built
// in) and `float` (where the file carries float weights), and `mcu` must give `ref`'s bytes.
// ref and mcu run again in their smallest streamed plan (a budget of dnz_model_arena_bytes'
// smallest) and in one between, and must give their whole-tensor plan's bytes.
// Never a crash, an out-of-bounds access or undefined behaviour. `onednn` is left out: its
// session init builds library primitives per model, which would spend the run there
// (backends_test.cc checks it against `ref` on every conv shape and on the shipped model).
//
// The bytes are copied into a heap buffer of exactly their size (ASan sees one byte past it).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dnz/dnz.h"
#include "dnz/dnz.hpp"
#include "mcu/conv_s8_mcu.h"

namespace {

constexpr uint64_t kMaxInputValues = 64 * 64 * 4;
constexpr uint64_t kMaxMultiplyAdds = 2'000'000;

bool IsSmall(const dnz_model& model) {
  const dnz_tensor_info& in = model.tensors[0];
  if (uint64_t(in.height) * uint64_t(in.width) * uint64_t(in.channels) > kMaxInputValues) {
    return false;
  }
  uint64_t macs = 0;
  for (uint32_t k = 0; k < model.num_ops; ++k) {
    const dnz_op& op = model.ops[k];
    const uint64_t taps = uint64_t(op.kernel_h > 0 ? op.kernel_h : 1) *
                          uint64_t(op.kernel_w > 0 ? op.kernel_w : 1) *
                          uint64_t(model.tensors[k].channels);
    const uint64_t outputs = uint64_t(op.conv_out_h > 0 ? op.conv_out_h : 1) *
                             uint64_t(op.conv_out_w > 0 ? op.conv_out_w : 1) *
                             uint64_t(model.tensors[k + 1].channels);
    macs += taps * outputs;
    if (macs > kMaxMultiplyAdds) return false;
  }
  return true;
}

// One pass of `backend` on `input`; false where the backend does not take the model.
bool RunOnce(const dnz_model& model, dnz_backend backend, const std::vector<uint8_t>& input,
             std::vector<uint8_t>* output, size_t budget = 0) {
  if (!dnz_backend_available(backend)) return false;
  dnz_session session;
  const dnz_session_options options{backend, 1, 0, budget};
  if (dnz_session_init(&session, &model, &options) != DNZ_OK) return false;
  bool ran = false;
  dnz::AlignedBuffer arena(dnz_session_arena_bytes(&session));
  if (arena.data() != nullptr &&
      dnz_session_set_arena(&session, arena.data(), arena.size()) == DNZ_OK) {
    const dnz_tensor_info& out = model.tensors[model.num_ops];
    output->assign(size_t(out.height) * size_t(out.width) * size_t(out.channels), 0);
    ran = dnz_run_u8(&session, input.data(), output->data(), 1) == DNZ_OK;
  }
  dnz_session_destroy(&session);
  return ran;
}

// The backend's smallest plan and one halfway to its fastest give the whole plan's bytes.
void ExpectStreamedBytes(const dnz_model& model, dnz_backend backend,
                         const std::vector<uint8_t>& input, const std::vector<uint8_t>& whole) {
  size_t smallest = 0, fastest = 0;
  if (dnz_model_arena_bytes(&model, backend, &smallest, &fastest) != DNZ_OK) std::abort();
  for (const size_t budget : {smallest, (smallest + fastest) / 2}) {
    std::vector<uint8_t> streamed;
    if (!RunOnce(model, backend, input, &streamed, budget) || streamed != whole) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t* bytes = static_cast<uint8_t*>(std::malloc(size > 0 ? size : 1));
  if (size > 0) std::memcpy(bytes, data, size);
  dnz_model model;
  if (dnz_model_load(&model, bytes, size) == DNZ_OK && IsSmall(model)) {
    const dnz_tensor_info& in = model.tensors[0];
    std::vector<uint8_t> input(size_t(in.height) * size_t(in.width) * size_t(in.channels));
    for (size_t i = 0; i < input.size(); ++i) input[i] = uint8_t((i * 131 + size) & 0xFF);
    std::vector<uint8_t> ref, mcu, real;
    const bool ref_ran = RunOnce(model, DNZ_BACKEND_REF, input, &ref);
    if (ref_ran) ExpectStreamedBytes(model, DNZ_BACKEND_REF, input, ref);
    const dnz::mcu::Isa best = dnz::mcu::ActiveIsa();
    for (const dnz::mcu::Isa isa :
         {dnz::mcu::Isa::kPortable, dnz::mcu::Isa::kArmDsp, dnz::mcu::Isa::kWasmSimd128}) {
      if (!dnz::mcu::IsaBuilt(isa)) continue;
      dnz::mcu::SetIsaForTesting(isa);
      if (!RunOnce(model, DNZ_BACKEND_MCU, input, &mcu)) continue;
      if (ref_ran && mcu != ref) std::abort();  // mcu must give ref's bytes
      ExpectStreamedBytes(model, DNZ_BACKEND_MCU, input, mcu);
    }
    dnz::mcu::SetIsaForTesting(best);
    RunOnce(model, DNZ_BACKEND_FLOAT, input, &real);
  }
  std::free(bytes);
  return 0;
}
