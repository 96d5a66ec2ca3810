// The WebAssembly module's exports: what the page (web/page/) and the Node tests call through
// web/page/dnz_wasm.js. It is glue only: the model runs in the same runtime as on firmware
// (ref or mcu, built from runtime/), an image becomes a 28x28 digit through runtime_demo's
// conversion (dnz_demo_core), and noise comes from host_lib's generator, so every byte equals
// what runtime_demo writes for the same input, noise factor and seed.
//
// Memory: JavaScript asks for buffers with dnz_web_alloc and fills them; the conversion
// allocates as it does on the host; a run (dnz_web_run) allocates nothing, like the runtime.
// Errors: a non-zero return, and one line in dnz_web_text(), which also holds the report of
// the last successful conversion ("framing: mnist, ink box ...").
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "data/noise.h"
#include "digit_conversion.h"
#include "dnz/dnz.h"
#include "dnz/dnz.hpp"
#include "image_decode.h"
#include "model_info.h"
#include "provenance_text.h"

#define DNZ_WEB_EXPORT(name) extern "C" __attribute__((export_name(#name)))

namespace {

dnz::Model g_model;
dnz::Session g_session;
bool g_model_loaded = false;
bool g_session_ready = false;
std::vector<float> g_digit(dnz::demo::kDigitPixels, 0.0f);  // [28][28] in [0, 1], last converted
std::string g_text;                                         // the last error or report

int Fail(const std::string& text) {
  g_text = text;
  return 1;
}

// What runtime_demo's output line says about the conversion (docs/runtime_demo.md).
std::string ConversionReport(const dnz::demo::DigitConversion& conversion) {
  std::string text;
  if (conversion.framed) {
    text = "framing: mnist, ink box " + std::to_string(conversion.box_width) + "x" +
           std::to_string(conversion.box_height) + " at " + std::to_string(conversion.box_x) + "," +
           std::to_string(conversion.box_y);
  } else {
    text = "framing: none, " + conversion.why_plain;
  }
  if (conversion.inverted) text += " (light background: inverted)";
  return text;
}

dnz::demo::Framing FramingFromIndex(int32_t framing) {
  if (framing == 1) return dnz::demo::Framing::kMnist;
  if (framing == 2) return dnz::demo::Framing::kNone;
  return dnz::demo::Framing::kAuto;
}

// The conversion's result becomes the current digit and its pixels.
int KeepDigit(const dnz::demo::LumaImage& image, int32_t framing, uint8_t* frame) {
  dnz::demo::DigitConversion conversion;
  std::vector<float> digit = dnz::demo::ToMnistDigit(image, FramingFromIndex(framing), &conversion);
  if (digit.size() != size_t(dnz::demo::kDigitPixels)) return Fail("resizing to 28x28 failed");
  g_digit = std::move(digit);
  const std::vector<uint8_t> pixels = dnz::demo::ToPixels(g_digit);
  std::copy(pixels.begin(), pixels.end(), frame);
  g_text = ConversionReport(conversion);
  return 0;
}

}  // namespace

DNZ_WEB_EXPORT(dnz_web_alloc) void* dnz_web_alloc(size_t bytes) { return std::malloc(bytes); }
DNZ_WEB_EXPORT(dnz_web_free) void dnz_web_free(void* pointer) { std::free(pointer); }

DNZ_WEB_EXPORT(dnz_web_text) const char* dnz_web_text() { return g_text.c_str(); }

// Verifies and keeps a copy of the model file; the session must be made again (use_backend).
DNZ_WEB_EXPORT(dnz_web_load_model) int32_t dnz_web_load_model(const uint8_t* bytes, size_t size) {
  g_session_ready = false;
  g_model_loaded = false;
  const dnz_status status = g_model.Load(bytes, size);
  if (status != DNZ_OK) return Fail(std::string("model: ") + g_model.error());
  const dnz_tensor_info& in = g_model.input();
  const dnz_tensor_info& out = g_model.output();
  if (in.height != 28 || in.width != 28 || in.channels != 1 || out.height != 28 ||
      out.width != 28 || out.channels != 1) {
    return Fail("model: not 28x28x1 in and out");
  }
  g_model_loaded = true;
  return 0;
}

// "ref" or "mcu" (any built-in backend's name): a session with its arena, made once here so
// that a run allocates nothing.
DNZ_WEB_EXPORT(dnz_web_use_backend) int32_t dnz_web_use_backend(const char* name) {
  g_session_ready = false;
  if (!g_model_loaded) return Fail("no model loaded");
  dnz_backend backend = DNZ_BACKEND_AUTO;
  if (dnz_backend_from_name(name, &backend) != DNZ_OK) {
    return Fail(std::string("unknown backend ") + name);
  }
  const dnz_status status = g_session.Init(g_model, backend);
  if (status != DNZ_OK) {
    return Fail(std::string("backend ") + name + ": " + dnz_status_string(status) + ": " +
                g_session.error());
  }
  g_session_ready = true;
  return 0;
}

// The name of the session's backend ("ref"), or "" before one is made.
DNZ_WEB_EXPORT(dnz_web_backend_name) const char* dnz_web_backend_name() {
  return g_session_ready ? dnz_backend_name(g_session.backend()) : "";
}

// `count` digits [count][28][28] 0..255 in, as many out. Allocates nothing.
DNZ_WEB_EXPORT(dnz_web_run)
int32_t dnz_web_run(const uint8_t* input, uint8_t* output, uint32_t count) {
  if (!g_session_ready) return Fail("no backend chosen");
  const dnz_status status = g_session.Run(input, output, count);
  if (status != DNZ_OK) {
    return Fail(std::string("inference failed: ") + dnz_status_string(status) + ": " +
                g_session.error());
  }
  return 0;
}

// A canvas's pixels, [height][width] RGBA, to the 28x28 frame (framing 0 auto, 1 mnist,
// 2 none), written to `frame`; the digit is kept for dnz_web_add_noise.
DNZ_WEB_EXPORT(dnz_web_convert_rgba)
int32_t dnz_web_convert_rgba(const uint8_t* rgba, int32_t width, int32_t height, int32_t framing,
                             uint8_t* frame) {
  if (width <= 0 || height <= 0 || width > dnz::demo::kMaxImageSide ||
      height > dnz::demo::kMaxImageSide) {
    return Fail("canvas size out of range");
  }
  dnz::demo::LumaImage image;
  dnz::demo::LumaFromPixels(rgba, width, height, 4, &image);
  return KeepDigit(image, framing, frame);
}

// An image file's bytes (PNG, JPEG, BMP, PGM/PPM) to the 28x28 frame, with runtime_demo's
// checks and limits (8192 per side, 64 MPixel): a bad file is a non-zero return and one line.
DNZ_WEB_EXPORT(dnz_web_convert_file)
int32_t dnz_web_convert_file(const uint8_t* bytes, size_t size, int32_t framing, uint8_t* frame) {
  const std::vector<uint8_t> file(bytes, bytes + size);
  dnz::demo::LumaImage image;
  std::string error;
  if (!dnz::demo::DecodeLumaImage(file, "the file", &image, &error)) return Fail(error);
  return KeepDigit(image, framing, frame);
}

// Makes the 28x28 pixels the current digit, as a 28x28 input file would be (the Node tests
// give MNIST's test digits this way).
DNZ_WEB_EXPORT(dnz_web_set_digit) void dnz_web_set_digit(const uint8_t* frame) {
  for (int i = 0; i < dnz::demo::kDigitPixels; ++i) g_digit[size_t(i)] = float(frame[i]) / 255.0f;
}

// The current digit with noise, clip(x + factor * N(0, 1), 0, 1), drawn from the stream
// ImageNoiseSeed(seed, 0, image_index) (runtime_demo --add-noise: index 0), as pixels.
DNZ_WEB_EXPORT(dnz_web_add_noise)
void dnz_web_add_noise(double factor, uint32_t seed_low, uint32_t seed_high, uint32_t image_index,
                       uint8_t* noisy) {
  const uint64_t seed = uint64_t(seed_high) << 32 | seed_low;
  std::vector<float> values(g_digit.size());
  dnz::data::AddNoiseToImage(g_digit.data(), g_digit.size(), factor,
                             dnz::data::ImageNoiseSeed(seed, 0, image_index), values.data());
  const std::vector<uint8_t> pixels = dnz::demo::ToPixels(values);
  std::copy(pixels.begin(), pixels.end(), noisy);
}

// The model file's size and provenance, "key: value" lines (the facts runtime_demo --version
// prints); an untrained placeholder says so first.
DNZ_WEB_EXPORT(dnz_web_model_info) const char* dnz_web_model_info() {
  if (!g_model_loaded) return "no model loaded";
  g_text = "model: " + std::to_string(g_model.size()) + " bytes, format version " +
           std::to_string(DNZ_FORMAT_VERSION) + "\n";
  if (dnz::demo::IsPlaceholderModel(g_model.bytes())) {
    g_text += "WARNING: an untrained placeholder model: its outputs are not denoised digits\n";
  }
  g_text += dnz::web::ProvenanceText(g_model.bytes());
  return g_text.c_str();
}
