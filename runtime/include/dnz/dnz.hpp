// dnz: the thin C++ wrapper for hosts. Owns the model bytes (aligned) and the
// arena; reports errors as dnz_status plus a message, never by throwing.
//
//   dnz::Model model;
//   if (model.Load(bytes, size) != DNZ_OK) std::puts(model.error());
//   dnz::Session session;
//   if (session.Init(model, DNZ_BACKEND_AUTO) != DNZ_OK) std::puts(session.error());
//   session.Run(pixels_in, pixels_out, 1);
#ifndef DNZ_DNZ_HPP_
#define DNZ_DNZ_HPP_

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "dnz/dnz.h"

namespace dnz {

// The rows of the backend table (dnz_backend_info_at) that are built into this library, in
// the order `auto` tries them.
inline std::vector<dnz_backend_info> BuiltInBackends() {
  std::vector<dnz_backend_info> built_in;
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    if (dnz_backend_info_at(i)->built_in) built_in.push_back(*dnz_backend_info_at(i));
  }
  return built_in;
}

// Aligned, zero-filled heap bytes (model files and arenas want DNZ_ARENA_ALIGNMENT).
// Hosts and tests use this one type for both.
class AlignedBuffer {
 public:
  AlignedBuffer() = default;
  explicit AlignedBuffer(size_t size) { Resize(size); }
  // A copy of `size` bytes (on allocation failure, empty).
  AlignedBuffer(const void* bytes, size_t size) {
    if (Resize(size) && size > 0) std::memcpy(data_.get(), bytes, size);
  }
  bool Resize(size_t size) {
    const size_t rounded =
        (size + DNZ_ARENA_ALIGNMENT - 1) / DNZ_ARENA_ALIGNMENT * DNZ_ARENA_ALIGNMENT;
    data_.reset(static_cast<uint8_t*>(
        std::aligned_alloc(DNZ_ARENA_ALIGNMENT, rounded > 0 ? rounded : DNZ_ARENA_ALIGNMENT)));
    size_ = data_ ? size : 0;
    if (data_) std::memset(data_.get(), 0, rounded > 0 ? rounded : DNZ_ARENA_ALIGNMENT);
    return data_ != nullptr;
  }
  uint8_t* data() { return data_.get(); }
  const uint8_t* data() const { return data_.get(); }
  size_t size() const { return size_; }

 private:
  struct Free {
    void operator()(uint8_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> data_;
  size_t size_ = 0;
};

// A verified model; keeps its own aligned copy of the bytes.
class Model {
 public:
  dnz_status Load(const void* bytes, size_t size) {
    if (!bytes_.Resize(size)) return DNZ_ERR_ARENA;
    if (size > 0) std::memcpy(bytes_.data(), bytes, size);
    return dnz_model_load(&model_, bytes_.data(), size);
  }
  const dnz_model& raw() const { return model_; }
  const char* error() const { return dnz_model_error(&model_); }
  const dnz_tensor_info& input() const { return model_.tensors[0]; }
  const dnz_tensor_info& output() const { return model_.tensors[model_.num_ops]; }
  const uint8_t* bytes() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }

 private:
  AlignedBuffer bytes_;
  dnz_model model_{};
};

// A session with its own arena. The model must outlive it.
class Session {
 public:
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { dnz_session_destroy(&session_); }

  // threads: 0 = auto; max_arena_bytes: 0 = no budget (see dnz_session_options).
  dnz_status Init(const Model& model, dnz_backend backend, uint32_t max_batch = 1,
                  int32_t threads = 0, size_t max_arena_bytes = 0) {
    dnz_session_destroy(&session_);
    const dnz_session_options options{backend, max_batch, threads, max_arena_bytes};
    dnz_status status = dnz_session_init(&session_, &model.raw(), &options);
    if (status != DNZ_OK) return status;
    if (!arena_.Resize(dnz_session_arena_bytes(&session_))) return DNZ_ERR_ARENA;
    return dnz_session_set_arena(&session_, arena_.data(), arena_.size());
  }
  dnz_status Run(const uint8_t* input, uint8_t* output, uint32_t batch) {
    return dnz_run_u8(&session_, input, output, batch);
  }
  dnz_status Run(const float* input, float* output, uint32_t batch) {
    return dnz_run_f32(&session_, input, output, batch);
  }
  dnz_backend backend() const { return session_.backend; }
  size_t arena_bytes() const { return session_.plan.arena_bytes; }
  const dnz_session& raw() const { return session_; }
  const char* error() const { return dnz_session_error(&session_); }

 private:
  dnz_session session_{};
  AlignedBuffer arena_;
};

}  // namespace dnz

#endif  // DNZ_DNZ_HPP_
