// dnz.Model: a verified model that owns (or, for the built-in one, points at) its bytes, which
// the runtime reads in place for as long as any Session of it lives.
#ifndef DNZ_PYTHON_MODEL_H_
#define DNZ_PYTHON_MODEL_H_

#include <pybind11/pybind11.h>

#include <cstdint>
#include <memory>
#include <string>

#include "dnz/dnz.hpp"

namespace dnz::python {

class PyModel {
 public:
  // A file path (str or os.PathLike) or bytes-like object (copied, aligned).
  explicit PyModel(const pybind11::object& path_or_bytes);
  // The model compiled into the package (models/default.dnz when it was built).
  static std::shared_ptr<PyModel> BuiltIn();

  const dnz_model& raw() const { return model_; }
  const std::string& source() const { return source_; }
  // The arena a session of `backend` needs for `max_batch` images (a session is planned, not run).
  size_t ArenaBytes(const std::string& backend, uint32_t max_batch) const;

 private:
  PyModel() = default;
  void Load(const void* bytes, size_t size);

  AlignedBuffer owned_;  // the bytes, unless built in (then a static array)
  dnz_model model_{};
  std::string source_;
};

// "auto" or a name from the backend table -> the enum; BackendError for any other name.
dnz_backend ParseBackend(const std::string& name);

void RegisterModel(pybind11::module_& m);

}  // namespace dnz::python

#endif  // DNZ_PYTHON_MODEL_H_
