#include "arrays.h"

#include "errors.h"

namespace dnz::python {
namespace py = pybind11;

std::vector<py::ssize_t> ImageShape(int height, int width, int channels) {
  if (channels == 1) return {height, width};
  return {height, width, channels};
}

std::string ShapeText(const py::array& a) {
  std::string text = "(";
  for (py::ssize_t i = 0; i < a.ndim(); ++i) {
    text += std::to_string(a.shape(i));
    if (a.ndim() == 1 || i + 1 < a.ndim()) text += i + 1 < a.ndim() ? ", " : ",";
  }
  return text + ")";
}

std::string DtypeText(const py::array& a) { return py::str(a.dtype()); }

py::array RequireArray(const py::handle& object, const char* name) {
  if (!py::isinstance<py::array>(object)) {
    Fail(ErrorKind::kInput, std::string(name) + ": expected a numpy array, got " +
                                std::string(py::str(py::type::of(object).attr("__name__"))));
  }
  return py::reinterpret_borrow<py::array>(object);
}

void RequireLayout(const py::array& a, const char* name, bool writable) {
  const int flags = py::detail::array_proxy(a.ptr())->flags;
  if (!(flags & py::detail::npy_api::NPY_ARRAY_C_CONTIGUOUS_) ||
      !(flags & py::detail::npy_api::NPY_ARRAY_ALIGNED_)) {
    Fail(ErrorKind::kInput, std::string(name) +
                                ": the array is not C-contiguous (use np.ascontiguousarray(" +
                                name + "))");
  }
  if (writable && !(flags & py::detail::npy_api::NPY_ARRAY_WRITEABLE_)) {
    Fail(ErrorKind::kInput, std::string(name) + ": the array is read-only");
  }
}

size_t RequireImages(const py::array& a, const char* name, const std::vector<py::ssize_t>& image,
                     bool* batched) {
  const py::ssize_t rank = py::ssize_t(image.size());
  auto matches = [&](py::ssize_t first) {
    for (py::ssize_t i = 0; i < rank; ++i) {
      if (a.shape(first + i) != image[size_t(i)]) return false;
    }
    return true;
  };
  if (a.ndim() == rank && matches(0)) {
    *batched = false;
    return 1;
  }
  if (a.ndim() == rank + 1 && matches(1)) {
    *batched = true;
    return size_t(a.shape(0));
  }
  std::string want = "(";
  for (py::ssize_t d : image) want += std::to_string(d) + ", ";
  want.resize(want.size() - 2);
  want += ")";
  Fail(ErrorKind::kInput, std::string(name) + ": expected shape " + want + " or (N, " +
                              want.substr(1) + ", got " + ShapeText(a));
}

}  // namespace dnz::python
