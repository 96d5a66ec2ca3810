// Names of statuses and the release: for messages and command lines. (Backends are named
// by their table, backends.cc.)
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
