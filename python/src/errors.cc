#include "errors.h"

namespace dnz::python {
namespace py = pybind11;
namespace {

PyObject* g_classes[7] = {};  // by ErrorKind; live as long as the module (never freed)

PyObject* MakeClass(py::module_& m, const char* name, const char* doc, PyObject* bases) {
  const std::string qualified = std::string("dnz.") + name;
  PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, nullptr);
  if (type == nullptr) throw py::error_already_set();
  m.attr(name) = py::handle(type);
  return type;
}

}  // namespace

std::string StatusText(const std::string& what, dnz_status status, const char* line) {
  std::string text = what + ": " + dnz_status_string(status);
  if (line != nullptr && line[0] != '\0') text += ": " + std::string(line);
  return text;
}

void RegisterErrors(py::module_& m) {
  PyObject* error = MakeClass(m, "Error", "Every error of the dnz package.", PyExc_RuntimeError);
  auto sub = [&](const char* name, const char* doc, std::initializer_list<PyObject*> bases) {
    py::tuple tuple(bases.size());
    size_t i = 0;
    for (PyObject* base : bases) tuple[i++] = py::handle(base);
    return MakeClass(m, name, doc, tuple.ptr());
  };
  g_classes[int(ErrorKind::kError)] = error;
  g_classes[int(ErrorKind::kModel)] =
      sub("ModelError", "The model did not verify, or its file could not be read.", {error});
  g_classes[int(ErrorKind::kBackend)] =
      sub("BackendError", "The backend is not built in, or cannot run this model.", {error});
  g_classes[int(ErrorKind::kInput)] =
      sub("InputError", "An array of the wrong dtype, shape or memory layout, or read-only.",
          {error, PyExc_TypeError, PyExc_ValueError});
  g_classes[int(ErrorKind::kImage)] =
      sub("ImageError", "An image file could not be read or converted.", {error});
  PyObject* session = sub("SessionError", "The session is closed, or a run failed.", {error});
  g_classes[int(ErrorKind::kSession)] = session;
  g_classes[int(ErrorKind::kSessionBusy)] = sub(
      "SessionBusyError",
      "The session is running on another thread (give each thread its own Session).", {session});
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const PackageError& e) {
      PyErr_SetString(g_classes[int(e.kind)], e.message.c_str());
    }
  });
}

}  // namespace dnz::python
