// Names of statuses and backends: for messages and command lines.
#include <cstring>

#include "backend.h"
#include "dnz/dnz.h"

extern "C" const char* dnz_status_string(dnz_status status) {
  switch (status) {
    case DNZ_OK:
      return "ok";
    case DNZ_ERR_NULL_ARGUMENT:
      return "null argument";
    case DNZ_ERR_FLATBUFFER:
      return "malformed model file";
    case DNZ_ERR_IDENTIFIER:
      return "not a dnz model file";
    case DNZ_ERR_VERSION:
      return "unsupported model format version";
    case DNZ_ERR_GRAPH:
      return "invalid model graph";
    case DNZ_ERR_SHAPE:
      return "tensor shapes do not chain";
    case DNZ_ERR_VECTOR_LENGTH:
      return "vector length does not match its shape";
    case DNZ_ERR_QUANTIZATION:
      return "invalid quantization parameters";
    case DNZ_ERR_BOUNDS:
      return "model exceeds the runtime's limits";
    case DNZ_ERR_ARENA:
      return "arena missing, too small or misaligned";
    case DNZ_ERR_BACKEND_UNAVAILABLE:
      return "backend unavailable";
    case DNZ_ERR_NO_FLOAT_WEIGHTS:
      return "model has no float weights";
    case DNZ_ERR_BATCH:
      return "invalid batch size";
    case DNZ_ERR_BACKEND:
      return "backend error";
    case DNZ_ERR_STATE:
      return "session not ready";
    case DNZ_ERR_THREADS:
      return "invalid thread count";
  }
  return "unknown status";
}

extern "C" const char* dnz_version(void) { return DNZ_VERSION_STRING; }

extern "C" const char* dnz_backend_name(dnz_backend backend) {
  switch (backend) {
    case DNZ_BACKEND_AUTO:
      return "auto";
    case DNZ_BACKEND_REF:
      return "ref";
    case DNZ_BACKEND_ONEDNN:
      return "onednn";
    case DNZ_BACKEND_FLOAT:
      return "float";
    case DNZ_BACKEND_MCU:
      return "mcu";
  }
  return "unknown";
}

extern "C" dnz_status dnz_backend_from_name(const char* name, dnz_backend* backend) {
  if (name == nullptr || backend == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  const dnz_backend all[] = {DNZ_BACKEND_AUTO, DNZ_BACKEND_REF, DNZ_BACKEND_ONEDNN,
                             DNZ_BACKEND_FLOAT, DNZ_BACKEND_MCU};
  for (dnz_backend candidate : all) {
    if (std::strcmp(name, dnz_backend_name(candidate)) == 0) {
      *backend = candidate;
      return DNZ_OK;
    }
  }
  return DNZ_ERR_BACKEND_UNAVAILABLE;
}

extern "C" int dnz_backend_available(dnz_backend backend) {
  switch (backend) {
    case DNZ_BACKEND_AUTO:
    case DNZ_BACKEND_REF:
    case DNZ_BACKEND_FLOAT:
    case DNZ_BACKEND_MCU:
      return 1;
    case DNZ_BACKEND_ONEDNN: {
#if DNZ_HAVE_ONEDNN
      return 1;
#else
      return 0;
#endif
    }
  }
  return 0;
}
