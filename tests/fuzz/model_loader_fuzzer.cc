// libFuzzer target: any bytes handed to the model loader. Loaded or refused, never a crash,
// an out-of-bounds read or undefined behaviour; a model that loads runs on every built-in
// backend of the table that supports it.
//
// The bytes are copied into a heap buffer of exactly their size, so AddressSanitizer
// reports a read one byte past the end (glibc's and ASan's malloc align to 16, which the
// loader asks for).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dnz/dnz.h"
#include "dnz/dnz.hpp"

namespace {

void RunOnce(const dnz_model& model, dnz_backend backend) {
  if (!dnz_backend_available(backend)) return;
  dnz_session session;
  const dnz_session_options options{backend, 1, 0};
  if (dnz_session_init(&session, &model, &options) != DNZ_OK) return;
  dnz::AlignedBuffer arena(dnz_session_arena_bytes(&session));
  if (arena.data() != nullptr &&
      dnz_session_set_arena(&session, arena.data(), arena.size()) == DNZ_OK) {
    const dnz_tensor_info& in = model.tensors[0];
    const dnz_tensor_info& out = model.tensors[model.num_ops];
    std::vector<uint8_t> input(size_t(in.height) * size_t(in.width) * size_t(in.channels), 77);
    std::vector<uint8_t> output(size_t(out.height) * size_t(out.width) * size_t(out.channels));
    dnz_run_u8(&session, input.data(), output.data(), 1);
  }
  dnz_session_destroy(&session);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t* bytes = static_cast<uint8_t*>(std::malloc(size > 0 ? size : 1));
  if (size > 0) std::memcpy(bytes, data, size);
  dnz_model model;
  if (dnz_model_load(&model, bytes, size) == DNZ_OK) {
    for (uint32_t i = 0; i < dnz_backend_count(); ++i) {  // every row of the backend table
      RunOnce(model, dnz_backend_info_at(i)->backend);
    }
  } else if (dnz_model_error(&model)[0] == '\0') {
    std::abort();  // every refusal must say why
  }
  std::free(bytes);
  return 0;
}
