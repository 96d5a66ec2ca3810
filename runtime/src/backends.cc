// The one table of backends. The C enum (dnz.h) is the public face; names, `auto`,
// availability and "does it run this model" are all answered from these rows.
#include <cstdint>
#include <cstring>

#include "backend.h"
#include "error_message.h"

namespace dnz {
namespace {

#if DNZ_HAVE_ONEDNN
constexpr const Backend* kOnednnIfBuilt = &kOnednnBackend;
constexpr int32_t kOnednnBuiltIn = 1;
#else
constexpr const Backend* kOnednnIfBuilt = nullptr;
constexpr int32_t kOnednnBuiltIn = 0;
#endif

// The float32 path is in every build but the page's WebAssembly module, which runs the int8
// model only and counts its bytes (docs/web.md, "Size").
#if DNZ_HAVE_FLOAT_BACKEND
constexpr const Backend* kFloatIfBuilt = &kFloatBackend;
constexpr int32_t kFloatBuiltIn = 1;
#else
constexpr const Backend* kFloatIfBuilt = nullptr;
constexpr int32_t kFloatBuiltIn = 0;
#endif

// In the order `auto` tries them: onednn where built in (x86 hosts), else ref. mcu is not
// chosen by auto: under qemu-aarch64 it ran slower than ref (docs/benchmarks.md).
//  backend             name      built in                  int8 threaded auto streams
const BackendEntry kBackends[] = {
    {{DNZ_BACKEND_ONEDNN, "onednn", kOnednnBuiltIn, 1, 1, 1, 0}, kOnednnIfBuilt},
    {{DNZ_BACKEND_REF, "ref", 1, 1, 0, 1, 1}, &kRefBackend},
    {{DNZ_BACKEND_MCU, "mcu", 1, 1, 0, 0, 1}, &kMcuBackend},
    {{DNZ_BACKEND_FLOAT, "float", kFloatBuiltIn, 0, 0, 0, 1}, kFloatIfBuilt},
};
constexpr uint32_t kBackendCount = sizeof kBackends / sizeof kBackends[0];

}  // namespace

const BackendEntry* BackendTable(uint32_t* count) {
  *count = kBackendCount;
  return kBackends;
}

const BackendEntry* FindBackend(dnz_backend id) {
  for (const BackendEntry& entry : kBackends) {
    if (entry.info.backend == id) return &entry;
  }
  return nullptr;
}

}  // namespace dnz

extern "C" uint32_t dnz_backend_count(void) { return dnz::kBackendCount; }

extern "C" const dnz_backend_info* dnz_backend_info_at(uint32_t index) {
  return index < dnz::kBackendCount ? &dnz::kBackends[index].info : nullptr;
}

extern "C" const char* dnz_backend_name(dnz_backend backend) {
  if (backend == DNZ_BACKEND_AUTO) return "auto";
  const dnz::BackendEntry* entry = dnz::FindBackend(backend);
  return entry != nullptr ? entry->info.name : "unknown";
}

extern "C" dnz_status dnz_backend_from_name(const char* name, dnz_backend* backend) {
  if (name == nullptr || backend == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  if (std::strcmp(name, "auto") == 0) {
    *backend = DNZ_BACKEND_AUTO;
    return DNZ_OK;
  }
  for (const dnz::BackendEntry& entry : dnz::kBackends) {
    if (std::strcmp(name, entry.info.name) == 0) {
      *backend = entry.info.backend;
      return DNZ_OK;
    }
  }
  return DNZ_ERR_BACKEND_UNAVAILABLE;
}

extern "C" int dnz_backend_available(dnz_backend backend) {
  if (backend == DNZ_BACKEND_AUTO) return 1;
  return dnz::BuiltInBackend(backend) != nullptr ? 1 : 0;
}

extern "C" dnz_status dnz_backend_supports(dnz_backend backend, const dnz_model* model, char* why,
                                           size_t why_size) {
  if (model == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  const dnz::Backend* functions = dnz::BuiltInBackend(backend);
  if (functions == nullptr) {
    if (why != nullptr && why_size > 0) {
      dnz::FormatError(why, why_size, "backend %s is not built in", dnz_backend_name(backend));
    }
    return DNZ_ERR_BACKEND_UNAVAILABLE;
  }
  if (functions->supports == nullptr) {
    if (why != nullptr && why_size > 0) why[0] = '\0';
    return DNZ_OK;
  }
  char line[DNZ_ERROR_CHARS] = "";
  const dnz_status status = functions->supports(*model, line, sizeof line);
  if (why != nullptr && why_size > 0) {
    if (status == DNZ_OK) {
      why[0] = '\0';
    } else {
      dnz::FormatError(why, why_size, "%s: %s", dnz_backend_name(backend), line);
    }
  }
  return status;
}
