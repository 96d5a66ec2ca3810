// dnz.Session (session.cc).
#ifndef DNZ_PYTHON_SESSION_H_
#define DNZ_PYTHON_SESSION_H_

#include <pybind11/pybind11.h>

#include "model.h"

namespace dnz::python {

void RegisterSession(pybind11::module_& m);

}  // namespace dnz::python

#endif  // DNZ_PYTHON_SESSION_H_
