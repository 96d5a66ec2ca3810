// dnz._dnz: the compiled half of the Python package `dnz` (python/dnz/__init__.py re-exports
// it). Bindings only: every computation is the C API's, runtime_demo's or host_lib's.
#include <pybind11/pybind11.h>

#include <cstdint>

#include "errors.h"
#include "images.h"
#include "model.h"
#include "session.h"

namespace py = pybind11;

namespace {

// The backend table (dnz_backend_info_at), every row, as dicts in the order `auto` tries them.
py::list BackendTable() {
  py::list rows;
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    py::dict row;
    row["name"] = info.name;
    row["built_in"] = bool(info.built_in);
    row["int8"] = bool(info.int8);
    row["threaded"] = bool(info.threaded);
    row["auto_picks"] = bool(info.auto_picks);
    row["streams"] = bool(info.streams);
    rows.append(row);
  }
  return rows;
}

py::list BuiltInBackends() {
  py::list names;
  for (const dnz_backend_info& info : dnz::BuiltInBackends()) names.append(info.name);
  return names;
}

}  // namespace

PYBIND11_MODULE(_dnz, m) {
  m.doc() = "The compiled part of the dnz package (use `import dnz`).";
  dnz::python::RegisterErrors(m);
  dnz::python::RegisterModel(m);
  dnz::python::RegisterSession(m);
  dnz::python::RegisterImages(m);
  m.def("version", &dnz_version, "The runtime's release, dnz_version().");
  m.def("backends", &BuiltInBackends,
        "Names of the backends built into this runtime, in the order 'auto' tries them.");
  m.def("backend_table", &BackendTable,
        "Every row of the runtime's backend table, built in or not (name, built_in, int8, "
        "threaded, auto_picks, streams).");
  m.attr("FORMAT_VERSION") = DNZ_FORMAT_VERSION;
}
