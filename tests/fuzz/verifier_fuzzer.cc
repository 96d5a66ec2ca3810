// libFuzzer target: any bytes handed to the model loader, which verifies them (schema, bounds,
// shapes, quantization) and nothing else. Loaded or refused with a message, never a crash, an
// out-of-bounds read or undefined behaviour. Nothing runs here, so the rate goes into the
// verifier (scripts/run_fuzzers.sh: small models in the corpus, -max_len 64 KiB); model_run
// runs what loads.
//
// The bytes are copied into a heap buffer of exactly their size, so AddressSanitizer
// reports a read one byte past the end (glibc's and ASan's malloc align to 16, which the
// loader asks for).
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "dnz/dnz.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  uint8_t* bytes = static_cast<uint8_t*>(std::malloc(size > 0 ? size : 1));
  if (size > 0) std::memcpy(bytes, data, size);
  dnz_model model;
  if (dnz_model_load(&model, bytes, size) != DNZ_OK && dnz_model_error(&model)[0] == '\0') {
    std::abort();  // every refusal must say why
  }
  std::free(bytes);
  return 0;
}
