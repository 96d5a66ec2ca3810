// The package's exceptions, made once at import and raised from C++ with the runtime's one-line
// message (docs/python.md, "Errors"):
//   dnz.Error            every error of this package (a RuntimeError)
//   ├─ dnz.ModelError    the model bytes did not verify, or the file could not be read
//   ├─ dnz.BackendError  the backend is not built in or cannot run this model
//   ├─ dnz.InputError    an array of the wrong dtype, shape or layout (also TypeError, ValueError)
//   ├─ dnz.ImageError    an image file could not be read or converted
//   └─ dnz.SessionError  a closed session, or a run that failed
//      └─ dnz.SessionBusyError  the session is running on another thread
#ifndef DNZ_PYTHON_ERRORS_H_
#define DNZ_PYTHON_ERRORS_H_

#include <pybind11/pybind11.h>

#include <string>

#include "dnz/dnz.h"

namespace dnz::python {

enum class ErrorKind { kError, kModel, kBackend, kInput, kImage, kSession, kSessionBusy };

// Thrown by the bindings, turned into the Python exception of `kind` by a translator.
struct PackageError {
  ErrorKind kind;
  std::string message;
};

[[noreturn]] inline void Fail(ErrorKind kind, std::string message) {
  throw PackageError{kind, std::move(message)};
}

// "<what>: <status name>: <the runtime's line>".
std::string StatusText(const std::string& what, dnz_status status, const char* line);

// Makes the exception classes, adds them to `m` and registers the translator.
void RegisterErrors(pybind11::module_& m);

}  // namespace dnz::python

#endif  // DNZ_PYTHON_ERRORS_H_
