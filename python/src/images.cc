// What the package takes from runtime_demo and host_lib, called, not rewritten:
//   load_image: runtime_demo's ReadLumaImage + ToMnistDigit + ToPixels (dnz_demo_core);
//   add_noise:  host_lib's AddNoiseToImage with runtime_demo --add-noise's stream seeds;
//   psnr, bce, ssim: host_lib's metrics (data/metrics.h).
#include "images.h"

#include <pybind11/numpy.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "arrays.h"
#include "data/metrics.h"
#include "data/noise.h"
#include "digit_conversion.h"
#include "errors.h"
#include "image_decode.h"

namespace dnz::python {
namespace py = pybind11;
namespace {

demo::Framing ParseFraming(const std::string& name) {
  demo::Framing framing = demo::Framing::kAuto;
  if (!demo::FramingFromName(name, &framing)) {
    Fail(ErrorKind::kInput, "framing '" + name + "': expected 'auto', 'mnist' or 'none'");
  }
  return framing;
}

py::tuple LoadImage(const py::object& path_object, const std::string& framing_name) {
  const demo::Framing framing = ParseFraming(framing_name);
  const std::string path = py::str(py::module_::import("os").attr("fspath")(path_object));
  demo::LumaImage image;
  demo::DigitConversion conversion;
  std::vector<uint8_t> pixels;
  std::string error;
  bool ok = false;
  {
    py::gil_scoped_release release;
    ok = demo::ReadLumaImage(path, &image, &error);
    if (ok) {
      const std::vector<float> digit = demo::ToMnistDigit(image, framing, &conversion);
      if (digit.empty()) {
        error = path + ": resizing to 28x28 failed (out of memory?)";
        ok = false;
      } else {
        pixels = demo::ToPixels(digit);
      }
    }
  }
  if (!ok) Fail(ErrorKind::kImage, error);
  py::array_t<uint8_t> frame({demo::kDigitSide, demo::kDigitSide});
  std::memcpy(frame.mutable_data(), pixels.data(), pixels.size());
  py::dict info;
  info["framed"] = conversion.framed;
  info["inverted"] = conversion.inverted;
  info["background"] = conversion.background;
  info["why_plain"] = conversion.why_plain;
  info["box"] = py::make_tuple(conversion.box_x, conversion.box_y, conversion.box_width,
                               conversion.box_height);
  info["input_size"] = py::make_tuple(image.width, image.height);
  return py::make_tuple(frame, info);
}

// Images as floats in [0, 1]: uint8 pixels are p / 255 (runtime_demo's FromPixels); float
// arrays are taken as float32 (converted once if another float type).
struct Floats {
  std::vector<float> values;
  size_t count = 0;  // images
  int height = 0, width = 0;
};

Floats ToFloats(const py::handle& object, const char* name) {
  const py::array a = RequireArray(object, name);
  Floats f;
  if (a.ndim() != 2 && a.ndim() != 3) {
    Fail(ErrorKind::kInput,
         std::string(name) + ": expected shape (H, W) or (N, H, W), got " + ShapeText(a));
  }
  f.count = a.ndim() == 3 ? size_t(a.shape(0)) : 1;
  f.height = int(a.shape(a.ndim() - 2));
  f.width = int(a.shape(a.ndim() - 1));
  f.values.resize(size_t(a.size()));
  if (py::isinstance<py::array_t<uint8_t>>(a)) {
    const py::array_t<uint8_t, py::array::c_style> c(a);  // a copy only if not contiguous
    const std::vector<uint8_t> pixels(c.data(), c.data() + c.size());
    f.values = demo::FromPixels(pixels);
  } else if (a.dtype().kind() == 'f') {
    const py::array_t<float, py::array::c_style | py::array::forcecast> c(a);
    std::memcpy(f.values.data(), c.data(), f.values.size() * sizeof(float));
  } else {
    Fail(ErrorKind::kInput, std::string(name) +
                                ": expected dtype uint8 (pixels) or a float dtype (values in "
                                "[0, 1]), got " +
                                DtypeText(a));
  }
  return f;
}

py::array AddNoise(const py::handle& x, double factor, uint64_t seed) {
  const py::array a = RequireArray(x, "x");
  const bool is_u8 = py::isinstance<py::array_t<uint8_t>>(a);
  if (!is_u8 && !py::isinstance<py::array_t<float>>(a)) {
    Fail(ErrorKind::kInput,
         "x: expected dtype uint8 (pixels 0..255) or float32 (values in [0, 1]), got " +
             DtypeText(a));
  }
  if (!(factor >= 0.0 && factor <= 10.0)) {
    Fail(ErrorKind::kInput, "factor: expected a value in [0, 10] (MNIST's is 0.7)");
  }
  const Floats clean = ToFloats(a, "x");
  const size_t pixels = size_t(clean.height) * size_t(clean.width);
  std::vector<float> noisy(clean.values.size());
  {
    py::gil_scoped_release release;
    // Image i: the stream runtime_demo --add-noise draws for its one image when i = 0
    // (ImageNoiseSeed(seed, 0, 0)); for a batch, AddNoiseToImages's (the test set's with
    // seed = TEST_NOISE_SEED).
    data::AddNoiseToImages(clean.values.data(), clean.count, pixels, factor, seed, 0, 0,
                           noisy.data());
  }
  std::vector<py::ssize_t> shape(a.shape(), a.shape() + a.ndim());
  if (!is_u8) {
    py::array_t<float> out(shape);
    std::memcpy(out.mutable_data(), noisy.data(), noisy.size() * sizeof(float));
    return std::move(out);
  }
  const std::vector<uint8_t> bytes = demo::ToPixels(noisy);
  py::array_t<uint8_t> out(shape);
  std::memcpy(out.mutable_data(), bytes.data(), bytes.size());
  return std::move(out);
}

// Both arguments as floats of one shape.
std::pair<Floats, Floats> Pair(const py::handle& predicted, const py::handle& target) {
  Floats p = ToFloats(predicted, "predicted");
  Floats t = ToFloats(target, "target");
  if (p.count != t.count || p.height != t.height || p.width != t.width) {
    Fail(ErrorKind::kInput, "predicted and target: expected the same shape, got " +
                                ShapeText(py::reinterpret_borrow<py::array>(predicted)) + " and " +
                                ShapeText(py::reinterpret_borrow<py::array>(target)));
  }
  if (p.values.empty()) Fail(ErrorKind::kInput, "predicted and target: no pixels");
  return {std::move(p), std::move(t)};
}

double Psnr(const py::handle& predicted, const py::handle& target) {
  const auto [p, t] = Pair(predicted, target);
  const size_t pixels = size_t(p.height) * size_t(p.width);
  double sum = 0.0;
  for (size_t i = 0; i < p.count; ++i) {
    sum += data::ImagePsnr(p.values.data() + i * pixels, t.values.data() + i * pixels, pixels);
  }
  return sum / double(p.count);
}

double Ssim(const py::handle& predicted, const py::handle& target) {
  const auto [p, t] = Pair(predicted, target);
  if (p.height < 7 || p.width < 7) Fail(ErrorKind::kInput, "ssim: images under 7x7 pixels");
  const size_t pixels = size_t(p.height) * size_t(p.width);
  double sum = 0.0;
  for (size_t i = 0; i < p.count; ++i) {
    sum += data::ImageSsim(p.values.data() + i * pixels, t.values.data() + i * pixels, p.height,
                           p.width);
  }
  return sum / double(p.count);
}

double Bce(const py::handle& predicted, const py::handle& target) {
  const auto [p, t] = Pair(predicted, target);
  return data::MeanBce(p.values.data(), t.values.data(), p.values.size());
}

}  // namespace

void RegisterImages(py::module_& m) {
  m.def("load_image", &LoadImage, py::arg("path"), py::arg("framing") = "auto",
        R"(Reads an image file (PNG, JPEG, BMP, PGM/PPM) and turns it into a 28x28 MNIST-style
digit exactly as runtime_demo does: luminance, the background's median, inversion when the
paper is light, then the MNIST framing of photos ("auto": when the image needs it; "mnist":
always; "none": pad and resize only). Returns (frame, info): frame is uint8 (28, 28); info
says what was done (framed, inverted, background, why_plain, box, input_size). Raises
dnz.ImageError with runtime_demo's one-line message.)");
  m.def("add_noise", &AddNoise, py::arg("x"), py::arg("factor") = data::kDefaultNoiseFactor,
        py::arg("seed") = data::kTestNoiseSeed,
        R"(clip(x + factor * N(0, 1), 0, 1) with the trainer's generator (host_lib/data/noise.h).
x is uint8 (28, 28) or (N, 28, 28) (any image size works), or float32 in [0, 1]; the result
has x's dtype and shape. Image i draws the stream of (seed, epoch 0, index i): one image gives
the bytes of `runtime_demo --add-noise FACTOR --seed SEED`, and the MNIST test set with
seed=TEST_NOISE_SEED gives the noisy test set every evaluation uses.)");
  m.def("psnr", &Psnr, py::arg("predicted"), py::arg("target"),
        "Mean PSNR in dB over the images (data range 1; an exact image counts as 100 dB). "
        "uint8 pixels are p / 255.");
  m.def("bce", &Bce, py::arg("predicted"), py::arg("target"),
        "Mean binary cross-entropy, predictions clamped to [1e-7, 1 - 1e-7] as Keras does.");
  m.def("ssim", &Ssim, py::arg("predicted"), py::arg("target"),
        "Mean SSIM over the images (skimage's defaults: 7x7 uniform window, data range 1).");
  m.attr("TEST_NOISE_SEED") = data::kTestNoiseSeed;
  m.attr("DEFAULT_NOISE_FACTOR") = data::kDefaultNoiseFactor;
}

}  // namespace dnz::python
