// Sessions: choose a backend, plan the arena, convert images in and out, and
// run the backend pass by pass. Nothing here allocates.
#include <cmath>
#include <cstdint>
#include <cstring>

#include "backend.h"
#include "memory_planner.h"

namespace dnz {
namespace {

const Backend* BackendFor(const dnz_session* s) {
  return s->model != nullptr ? BuiltInBackend(s->backend) : nullptr;
}

// auto: the first row of the table that auto may pick, is built in and runs the model.
dnz_backend ResolveAuto(const dnz_model& model) {
  uint32_t count = 0;
  const BackendEntry* table = BackendTable(&count);
  for (uint32_t i = 0; i < count; ++i) {
    const dnz_backend id = table[i].info.backend;
    if (table[i].info.auto_picks && dnz_backend_supports(id, &model, nullptr, 0) == DNZ_OK) {
      return id;
    }
  }
  return DNZ_BACKEND_REF;
}

// Written so that NaN lands on the lower bound: converting NaN to an integer is undefined.
int8_t QuantizeReal(float real, const dnz_tensor_info& info) {
  const float q = std::nearbyint(real / info.scale) + float(info.zero_point);
  return int8_t(q >= -128.0f ? (q > 127.0f ? 127.0f : q) : -128.0f);
}

float DequantizeReal(int8_t q, const dnz_tensor_info& info) {
  return info.scale * float(int32_t(q) - info.zero_point);
}

uint8_t RealToPixel(float real) {
  const float p = std::nearbyint(real * 255.0f);
  return uint8_t(p >= 0.0f ? (p > 255.0f ? 255.0f : p) : 0.0f);
}

// Input/output as either pixels (u8) or reals (f32), written into / read from the
// arena's slots in the backend's element type.
template <typename Pixel>
float ToReal(Pixel p);
template <>
float ToReal(uint8_t p) {
  return float(p) * (1.0f / 255.0f);
}
// Reals are clamped to the input range [0, 1], written so that NaN lands on 0: every
// backend then sees the same defined input (int8 conversion of NaN is undefined).
template <>
float ToReal(float p) {
  return p >= 0.0f ? (p > 1.0f ? 1.0f : p) : 0.0f;
}

template <typename Pixel>
Pixel FromReal(float real);
template <>
uint8_t FromReal(float real) {
  return RealToPixel(real);
}
template <>
float FromReal(float real) {
  return real;
}

template <typename Pixel>
void WriteInput(dnz_session* s, const Backend& backend, const Pixel* input, uint32_t slot,
                size_t count) {
  const dnz_tensor_info& info = s->model->tensors[0];
  uint8_t* base = s->arena + s->plan.tensor_offset[0];
  if (backend.float_tensors) {
    float* dst = reinterpret_cast<float*>(base) + slot * count;
    for (size_t i = 0; i < count; ++i) dst[i] = ToReal(input[i]);
  } else {
    int8_t* dst = reinterpret_cast<int8_t*>(base) + slot * count;
    for (size_t i = 0; i < count; ++i) dst[i] = QuantizeReal(ToReal(input[i]), info);
  }
}

template <typename Pixel>
void ReadOutput(const dnz_session* s, const Backend& backend, Pixel* output, uint32_t slot,
                size_t count) {
  const uint32_t t = s->model->num_ops;
  const dnz_tensor_info& info = s->model->tensors[t];
  const uint8_t* base = s->arena + s->plan.tensor_offset[t];
  if (backend.float_tensors) {
    const float* src = reinterpret_cast<const float*>(base) + slot * count;
    for (size_t i = 0; i < count; ++i) output[i] = FromReal<Pixel>(src[i]);
  } else {
    const int8_t* src = reinterpret_cast<const int8_t*>(base) + slot * count;
    for (size_t i = 0; i < count; ++i) output[i] = FromReal<Pixel>(DequantizeReal(src[i], info));
  }
}

template <typename Pixel>
dnz_status Run(dnz_session* s, const Pixel* input, Pixel* output, uint32_t batch) {
  if (s == nullptr || input == nullptr || output == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  const Backend* backend = BackendFor(s);
  if (backend == nullptr || s->arena == nullptr) {
    return DNZ_FAIL(s, DNZ_ERR_STATE, "the session has no arena or is not initialised");
  }
  if (batch == 0) return DNZ_FAIL(s, DNZ_ERR_BATCH, "batch is 0");
  const size_t in_count = TensorImageBytes(*s->model, 0, 1);
  const size_t out_count = TensorImageBytes(*s->model, s->model->num_ops, 1);
  const uint32_t per_pass = backend->images_per_pass(s);
  for (uint32_t done = 0; done < batch;) {
    const uint32_t count = batch - done >= per_pass ? per_pass : 1;
    for (uint32_t j = 0; j < count; ++j) {
      WriteInput(s, *backend, input + (done + j) * in_count, j, in_count);
    }
    const dnz_status status = backend->run_pass(s, count);
    if (status != DNZ_OK) return status;
    for (uint32_t j = 0; j < count; ++j) {
      ReadOutput(s, *backend, output + (done + j) * out_count, j, out_count);
    }
    done += count;
  }
  return DNZ_OK;
}

}  // namespace

}  // namespace dnz

extern "C" dnz_session_options dnz_session_default_options(void) {
  dnz_session_options options;
  options.backend = DNZ_BACKEND_REF;
  options.max_batch = 1;
  options.threads = 0;          // auto
  options.max_arena_bytes = 0;  // no budget: the fastest plan
  return options;
}

extern "C" dnz_status dnz_session_init(dnz_session* session, const dnz_model* model,
                                       const dnz_session_options* options) {
  if (session == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  std::memset(session, 0, sizeof *session);
  if (model == nullptr || options == nullptr) {
    return DNZ_FAIL(session, DNZ_ERR_NULL_ARGUMENT, "model or options is NULL");
  }
  if (model->num_ops == 0) return DNZ_FAIL(session, DNZ_ERR_STATE, "the model is not loaded");
  if (options->max_batch == 0 || options->max_batch > 65536) {
    return DNZ_FAIL(session, DNZ_ERR_BATCH, "max_batch %u outside 1..65536", options->max_batch);
  }
  if (options->threads < 0 || options->threads > DNZ_MAX_THREADS) {
    return DNZ_FAIL(session, DNZ_ERR_THREADS, "threads %d outside 0..%d (0: auto)",
                    int(options->threads), DNZ_MAX_THREADS);
  }
  session->model = model;
  session->max_batch = options->max_batch;
  session->threads = options->threads;
  session->max_arena_bytes = options->max_arena_bytes;
  session->backend =
      options->backend == DNZ_BACKEND_AUTO ? dnz::ResolveAuto(*model) : options->backend;
  char why[DNZ_ERROR_CHARS];
  const dnz_status supported = dnz_backend_supports(session->backend, model, why, sizeof why);
  if (supported != DNZ_OK) {
    session->model = nullptr;
    return DNZ_FAIL(session, supported, "%s", why);
  }
  const dnz::Backend* backend = dnz::BuiltInBackend(session->backend);
  const dnz_status status = backend->init(session);
  const size_t arena_limit = size_t(DNZ_MAX_ARENA_BYTES) * backend->images_per_pass(session);
  if (status == DNZ_OK && session->plan.activation_bytes > arena_limit) {
    backend->destroy(session);
    session->model = nullptr;
    return DNZ_FAIL(session, DNZ_ERR_BOUNDS, "the arena would need %zu bytes",
                    session->plan.arena_bytes);
  }
  if (status == DNZ_OK && backend->streaming == nullptr && session->max_arena_bytes > 0 &&
      session->plan.arena_bytes > session->max_arena_bytes) {
    const size_t needs = session->plan.arena_bytes;
    backend->destroy(session);
    session->model = nullptr;
    return DNZ_FAIL(session, DNZ_ERR_ARENA,
                    "%s keeps whole tensors and needs %zu bytes, above the budget of %zu "
                    "(ref and mcu stream rows to fit less)",
                    dnz_backend_name(session->backend), needs, session->max_arena_bytes);
  }
  if (status != DNZ_OK) session->model = nullptr;
  return status;
}

extern "C" dnz_status dnz_model_arena_bytes(const dnz_model* model, dnz_backend backend,
                                            size_t* smallest, size_t* fastest) {
  if (model == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  dnz_session session;
  dnz_session_options options = dnz_session_default_options();
  options.backend = backend;
  const dnz_status status = dnz_session_init(&session, model, &options);
  if (status != DNZ_OK) return status;
  if (fastest != nullptr) *fastest = session.plan.arena_bytes;
  const dnz::Backend* entry = dnz::BackendFor(&session);
  if (smallest != nullptr) {
    *smallest = entry->streaming != nullptr ? dnz::PlanSmallest(&session, *entry->streaming)
                                            : session.plan.arena_bytes;
  }
  dnz_session_destroy(&session);
  return DNZ_OK;
}

extern "C" size_t dnz_session_arena_bytes(const dnz_session* session) {
  return session != nullptr ? session->plan.arena_bytes : 0;
}

extern "C" dnz_status dnz_session_set_arena(dnz_session* session, void* arena, size_t bytes) {
  if (session == nullptr || arena == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  const dnz::Backend* backend = dnz::BackendFor(session);
  if (backend == nullptr) return DNZ_FAIL(session, DNZ_ERR_STATE, "session not initialised");
  if (reinterpret_cast<uintptr_t>(arena) % DNZ_ARENA_ALIGNMENT != 0) {
    return DNZ_FAIL(session, DNZ_ERR_ARENA, "arena is not %d-byte aligned", DNZ_ARENA_ALIGNMENT);
  }
  if (bytes < session->plan.arena_bytes) {
    return DNZ_FAIL(session, DNZ_ERR_ARENA, "arena has %zu bytes, the plan needs %zu", bytes,
                    session->plan.arena_bytes);
  }
  session->arena = static_cast<uint8_t*>(arena);
  session->arena_bytes = bytes;
  const dnz_status status = backend->bind_arena(session);
  if (status != DNZ_OK) session->arena = nullptr;
  return status;
}

extern "C" void dnz_session_destroy(dnz_session* session) {
  if (session == nullptr || session->model == nullptr) return;
  const dnz::Backend* backend = dnz::BackendFor(session);
  if (backend != nullptr) backend->destroy(session);
  session->model = nullptr;
  session->arena = nullptr;
}

extern "C" const char* dnz_session_error(const dnz_session* session) {
  return session != nullptr ? session->error : "session is NULL";
}

extern "C" dnz_status dnz_run_u8(dnz_session* session, const uint8_t* input, uint8_t* output,
                                 uint32_t batch) {
  return dnz::Run(session, input, output, batch);
}

extern "C" dnz_status dnz_run_f32(dnz_session* session, const float* input, float* output,
                                  uint32_t batch) {
  return dnz::Run(session, input, output, batch);
}
