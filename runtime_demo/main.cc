// runtime_demo: denoise images of handwritten digits with the dnz runtime.
//
//   runtime_demo image.png                 -> image.denoised.png (built-in model)
//   runtime_demo a.png b.jpg -o out/ --compare --backend ref
//
// Every problem is one line on stderr naming the file; see demo_cli.cc for the exit
// codes and docs/runtime_demo.md for the whole story.
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "demo_cli.h"
#include "denoise_file.h"
#include "digit_conversion.h"
#include "dnz/dnz.hpp"
#include "embedded_model.h"
#include "files/atomic_write.h"
#include "image_decode.h"
#include "model_info.h"
#include "output_paths.h"

namespace dnz::demo {
namespace {

constexpr size_t kMaxModelFileBytes = size_t(256) << 20;

void PrintError(const std::string& line) {
  std::fprintf(stderr, "runtime_demo: %s\n", line.c_str());
}

bool IsDigitShaped(const dnz_tensor_info& t) {
  return t.height == kDigitSide && t.width == kDigitSide && t.channels == 1;
}

std::string ShapeText(const dnz_tensor_info& t) {
  return std::to_string(t.height) + "x" + std::to_string(t.width) + "x" +
         std::to_string(t.channels);
}

Framing ParseFraming(const std::string& name) {  // CLI11 checked the name
  Framing framing = Framing::kAuto;
  FramingFromName(name, &framing);
  return framing;
}

// Which conversion path a file took, for its output line.
std::string FramingNote(const DigitConversion& conversion) {
  if (!conversion.framed) return "(framing: none, " + conversion.why_plain + ")";
  return "(framing: mnist, ink box " + std::to_string(conversion.box_width) + "x" +
         std::to_string(conversion.box_height) + " at " + std::to_string(conversion.box_x) + "," +
         std::to_string(conversion.box_y) + ")";
}

// Loads --model FILE or the built-in model, and checks it maps 28x28x1 to 28x28x1.
bool LoadModel(const DemoOptions& options, Model* model, std::string* name) {
  std::vector<uint8_t> file;
  const uint8_t* bytes = kEmbeddedModel;
  size_t size = kEmbeddedModelSize;
  *name = "built-in";
  if (!options.model_path.empty()) {
    std::string error;
    if (!ReadRegularFile(options.model_path, kMaxModelFileBytes, &file, &error)) {
      PrintError("model file " + error);
      return false;
    }
    bytes = file.data();
    size = file.size();
    *name = options.model_path;
  }
  const dnz_status status = model->Load(bytes, size);
  if (status != DNZ_OK) {
    PrintError("model file " + *name + ": not a valid dnz model (" + dnz_status_string(status) +
               ": " + model->error() + ")");
    return false;
  }
  if (!IsDigitShaped(model->input()) || !IsDigitShaped(model->output())) {
    PrintError("model file " + *name + ": maps " + ShapeText(model->input()) + " to " +
               ShapeText(model->output()) + "; runtime_demo needs 28x28x1 to 28x28x1");
    return false;
  }
  return true;
}

bool InitSession(const DemoOptions& options, const Model& model, Session* session) {
  dnz_backend backend = DNZ_BACKEND_AUTO;
  dnz_backend_from_name(options.backend.c_str(), &backend);  // CLI11 checked the name
  const dnz_status status = session->Init(model, backend, 1, 0, options.arena_budget);
  if (status != DNZ_OK) {
    PrintError("backend " + options.backend + ": " + dnz_status_string(status) + " (" +
               session->error() + ")");
    return false;
  }
  if (options.arena_budget > 0) {
    char plan[256];
    std::printf("plan: %s\n", dnz_session_plan_text(&session->raw(), plan, sizeof plan));
  }
  // One untimed run on a blank digit: the first run pays for page faults in the arena and
  // oneDNN's lazy set-up, which is start-up cost, not the per-image time we report.
  std::vector<uint8_t> blank(kDigitPixels, 0);
  std::vector<uint8_t> ignored(kDigitPixels, 0);
  session->Run(blank.data(), ignored.data(), 1);
  return true;
}

// With several inputs, -o must name an existing directory.
bool CheckOutputOption(const DemoOptions& options, bool* output_is_directory) {
  *output_is_directory = !options.output.empty() && IsDirectory(options.output);
  if (options.inputs.size() > 1 && !options.output.empty() && !*output_is_directory) {
    PrintError(options.output +
               ": not a directory (with several inputs, -o names an existing "
               "directory)");
    return false;
  }
  return true;
}

int Run(int argc, char** argv) {
  // Stopped while writing (Ctrl-C, kill): no temporary file is left behind.
  files::RemoveTemporariesOnSignals();
  DemoOptions options;
  const int parse_exit = ParseCommandLine(argc, argv, &options);
  if (parse_exit >= 0) return parse_exit;

  Model model;
  std::string model_name;
  if (!LoadModel(options, &model, &model_name)) return kExitFailure;
  if (options.version) {
    PrintVersion(stdout, model_name, model.bytes(), model.size());
    return kExitOk;
  }
  Session session;
  bool output_is_directory = false;
  if (!InitSession(options, model, &session) || !CheckOutputOption(options, &output_is_directory)) {
    return kExitFailure;
  }
  DenoiseSettings settings;
  settings.framing = ParseFraming(options.framing);
  settings.compare = options.compare;
  settings.full_size = options.full_size;
  settings.add_noise = options.add_noise;
  settings.noise_factor = options.noise_factor;
  settings.noise_seed = options.seed;
  const char* backend_name = dnz_backend_name(session.backend());
  // Said on every line, not on stderr: stderr is for problems with a file.
  const char* placeholder_note =
      IsPlaceholderModel(model.bytes()) ? ", UNTRAINED placeholder model" : "";
  std::vector<OutputPaths> plans;
  std::vector<std::vector<std::string>> written;
  for (const std::string& input : options.inputs) {
    plans.push_back(PlanOutputPaths(input, options.output, output_is_directory));
    written.push_back(
        FilesWritten(plans.back(), settings.compare, settings.add_noise, settings.full_size));
  }
  std::string unsafe;
  if (!CheckOutputsAreSafe(options.inputs, written, &unsafe)) {
    PrintError(unsafe);
    return kExitFailure;
  }
  int failures = 0;
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    const std::string& input = options.inputs[i];
    const OutputPaths& outputs = plans[i];
    DenoiseReport report;
    std::string error;
    if (!DenoiseFile(&session, input, outputs, settings, &report, &error)) {
      PrintError(error);
      ++failures;
      continue;
    }
    std::printf("%s -> %s: %.3f ms inference, backend %s%s %s%s\n", input.c_str(),
                outputs.denoised.c_str(), report.inference_ms, backend_name, placeholder_note,
                FramingNote(report.conversion).c_str(),
                report.conversion.inverted ? " (light background: inverted)" : "");
  }
  return failures > 0 ? kExitFailure : kExitOk;
}

}  // namespace
}  // namespace dnz::demo

int main(int argc, char** argv) {
  // Nothing may escape: CLI11 and the standard library can throw (bad_alloc, filesystem).
  try {
    return dnz::demo::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "runtime_demo: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "runtime_demo: internal error\n");
  }
  return dnz::demo::kExitFailure;
}
