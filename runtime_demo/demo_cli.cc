#include "demo_cli.h"

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "data/noise.h"
#include "dnz/dnz.h"

namespace dnz::demo {
namespace {

constexpr const char* kDescription =
    "runtime_demo: remove noise from images of handwritten digits with the dnz int8 runtime.\n"
    "Writes NAME.denoised.png (28x28 gray) next to each input, or where -o says, and prints\n"
    "per file the inference time (measured around the runtime's run call) and the backend.";

constexpr const char* kFooter =
    R"(Input conversion (any PNG, JPEG, BMP or PGM/PPM; colour or gray; any size up to
8192x8192 and 64 MPixel, checked from the header before decoding):
  luminance 0.299 R + 0.587 G + 0.114 B; transparent pixels are composited on white;
  inverted (v -> 1 - v) if more than half of the border pixels have luminance >= 0.5:
  dark digits on white paper become MNIST's light digits on black. Then one of:
  mnist framing (photos, scans): the paper's lighting gradient is fitted and removed,
     the ink found (threshold from the smoothed histogram; specks and page edges
     ignored), its box scaled to fit 20x20 by area averaging, placed in 28x28 by its
     centre of mass, contrast stretched so ink is 1 and paper 0;
  plain (28x28 inputs, noisy inputs without a clear ink region, enlarged MNIST
     frames): padded to a square with the border's median, resized to 28x28 by area
     averaging (stb_image_resize, box filter).
  --framing auto picks per file and the output line says which path was taken.

Outputs (each written atomically: a temporary file, then a rename; never partly):
  NAME.denoised.png  the model's output, 28x28 gray (or the -o path)
  NAME.compare.png   with --compare: input | output side by side, 8x, nearest
                     (with --add-noise: clean | noisy | output); when framed, the
                     input under the 28x28 frame comes first
  NAME.fullsize.png  with --full-size: the output at the input's size, put back where
                     the digit was, on clean paper of the input's polarity
  NAME.noisy.png     with --add-noise: the noisy 28x28 input the model saw
NAME is the input's file name without its extension. With -o FILE (one input) the
extra files go into FILE's directory.

Exit codes:
  0  every file was denoised
  1  an input, output or model problem (one line on stderr per problem, naming the
     file); the other inputs are still processed
  2  bad command line

Example:
  runtime_demo examples/digit_0_noisy.png --compare
  runtime_demo photo.jpg -o clean.png --compare --full-size)";

}  // namespace

int ParseCommandLine(int argc, char** argv, DemoOptions* options) {
  CLI::App app(kDescription, "runtime_demo");
  app.footer(kFooter);
  app.get_formatter()->column_width(28);
  app.add_option("inputs", options->inputs, "Image files to denoise")->type_name("IMAGE");
  app.add_option("-o,--output", options->output,
                 "Output file (one input) or existing directory (several)")
      ->type_name("PATH");
  app.add_option("--model", options->model_path, "A .dnz model instead of the built-in one")
      ->type_name("FILE");
  std::vector<std::string> backend_names = {"auto"};  // and every row of the backend table
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    backend_names.push_back(dnz_backend_info_at(i)->name);
  }
  app.add_option("--backend", options->backend,
                 "auto = onednn if built in, else ref; mcu = ref's bytes, the\n"
                 "microcontroller kernels; float needs float weights")
      ->check(CLI::IsMember(backend_names))
      ->capture_default_str();
  app.add_option("--framing", options->framing,
                 "auto = MNIST framing unless the input is already MNIST-like;\n"
                 "mnist = always frame the ink; none = pad and resize only")
      ->check(CLI::IsMember({"auto", "mnist", "none"}))
      ->capture_default_str();
  app.add_flag("--compare", options->compare, "Also write NAME.compare.png");
  app.add_flag("--full-size", options->full_size,
               "Also write NAME.fullsize.png: the output at the input's size");
  options->noise_factor = data::kDefaultNoiseFactor;
  options->seed = data::kTestNoiseSeed;
  CLI::Option* add_noise =
      app.add_option("--add-noise", options->noise_factor,
                     "Add noise to clean digits first: clip(x + FACTOR * N(0,1)),\n"
                     "MNIST's FACTOR is 0.7; also writes NAME.noisy.png")
          ->check(CLI::Range(0.0, 10.0))
          ->type_name("FACTOR");
  app.add_option("--seed", options->seed, "Noise seed for --add-noise")
      ->needs(add_noise)
      ->capture_default_str()
      ->type_name("N");
  app.add_option("--arena-budget", options->arena_budget,
                 "Run in at most BYTES of arena: the fastest plan that fits, streaming\n"
                 "rows where needed (ref, mcu, float); prints the plan. 0: no budget")
      ->check(CLI::NonNegativeNumber)  // else "-5" would wrap to a huge size_t
      ->type_name("BYTES");
  app.add_flag("--version", options->version,
               "Print the version, the backends built in, the model's smallest and fastest\n"
               "arena per backend and its provenance, and\n"
               "exit (alone, or with --model; with input files it is a usage error)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "runtime_demo: %s (see --help)\n", e.what());
    return kExitBadCommandLine;
  }
  options->add_noise = add_noise->count() > 0;
  if (options->inputs.empty() && !options->version) {
    std::fprintf(stderr, "runtime_demo: no input files (see --help)\n");
    return kExitBadCommandLine;
  }
  // --version only reports: silently ignoring files the user asked to denoise would
  // look like success.
  if (options->version && !options->inputs.empty()) {
    std::fprintf(stderr, "runtime_demo: --version takes no input files (see --help)\n");
    return kExitBadCommandLine;
  }
  return -1;
}

}  // namespace dnz::demo
