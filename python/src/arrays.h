// Checks of the numpy arrays the package takes: dtype, shape, C-contiguity, writability. Each
// refusal is a dnz.InputError naming the argument, what was expected and what came.
#ifndef DNZ_PYTHON_ARRAYS_H_
#define DNZ_PYTHON_ARRAYS_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

namespace dnz::python {

// The image shape (height, width) or (height, width, channels) with channels > 1.
std::vector<pybind11::ssize_t> ImageShape(int height, int width, int channels);

// `object` must be a numpy array. Returns it (no copy, no conversion).
pybind11::array RequireArray(const pybind11::handle& object, const char* name);
// C-contiguous (and aligned, as numpy makes them); `writable` also asks for the write flag.
void RequireLayout(const pybind11::array& a, const char* name, bool writable);
// The array is one image of `image` shape or a batch (N, *image); returns N (1 for one image).
size_t RequireImages(const pybind11::array& a, const char* name,
                     const std::vector<pybind11::ssize_t>& image, bool* batched);
std::string ShapeText(const pybind11::array& a);
std::string DtypeText(const pybind11::array& a);

}  // namespace dnz::python

#endif  // DNZ_PYTHON_ARRAYS_H_
