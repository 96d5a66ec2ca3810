// load_image, add_noise, psnr, bce, ssim (images.cc).
#ifndef DNZ_PYTHON_IMAGES_H_
#define DNZ_PYTHON_IMAGES_H_

#include <pybind11/pybind11.h>

namespace dnz::python {

void RegisterImages(pybind11::module_& m);

}  // namespace dnz::python

#endif  // DNZ_PYTHON_IMAGES_H_
