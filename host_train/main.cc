// host_train: trains the seed denoising autoencoder on MNIST and exports it as a dnz model.
//   host_train --out runs/a                    train 50 epochs (see --help)
//   host_train --out runs/a --resume           continue from runs/a/checkpoint.dnzckpt
//   host_train --out runs/a --export m.dnz     quantize the checkpoint into a model file
//   host_train --bench-steps 20 --threads 2    training throughput, nothing written
//   host_train --bench-steps 20 --bench-profile  the same, then time per layer and stage
#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <string>

#include "checkpoint/export_model.h"
#include "cli/busy_cores.h"
#include "cli/train_options.h"
#include "dnz/dnz.h"
#include "files/atomic_write.h"
#include "loop/trainer.h"

namespace {

// --version: the project's version and the devices this build can train on.
std::string VersionText() {
  std::string devices;
#if defined(DNZ_TRAIN_WITH_ONEDNN)
  devices += " cpu (oneDNN)";
#endif
#if defined(DNZ_TRAIN_WITH_CUDA)
  devices += " cuda (cuDNN 9, loaded when training starts)";
#endif
  return std::string("host_train ") + dnz_version() + " (dnz trainer)\ndevices built in:" + devices;
}

}  // namespace

int main(int argc, char** argv) {
  // OpenMP threads that wait spin briefly, then sleep (cli/busy_cores.h), so that a
  // busy core elsewhere on the machine does not stall every parallel region. Starts this
  // program again once, with GOMP_SPINCOUNT=10000, unless the user chose the waits.
  dnz::train::PreferShortOpenMpSpins(argv);
  // Killed while writing a checkpoint, a picture or an exported model: no temporary is
  // left behind. Training replaces the SIGINT handler with its own (save, exit 130).
  dnz::files::RemoveTemporariesOnSignals();
  dnz::train::TrainOptions options;
  std::string export_path;
  CLI::App app{
      "host_train: trains the MNIST denoising autoencoder (oneDNN on the CPU, cuDNN on the GPU)"};
  app.add_option("--epochs", options.epochs, "epochs to train")->capture_default_str();
  app.add_option("--batch", options.batch, "images per step")->capture_default_str();
  app.add_option("--lr", options.learning_rate, "Adam learning rate")->capture_default_str();
  app.add_option("--noise", options.noise, "noise factor: clip(x + f * N(0,1), 0, 1)")
      ->capture_default_str();
  app.add_option("--noise-mode", options.noise_mode,
                 "fixed: one noise draw per image (the reference); fresh: new noise every epoch")
      ->check(CLI::IsMember({"fixed", "fresh"}))
      ->capture_default_str();
  app.add_option("--train-limit", options.train_limit, "use only the first N training images")
      ->capture_default_str();
  app.add_option("--val-limit", options.validation_limit,
                 "validate (and --export evaluates) on the first N test images only (0: all)")
      ->capture_default_str();
  app.add_option("--seed", options.seed, "seed of init, shuffling and noise")
      ->capture_default_str();
  app.set_version_flag("--version", VersionText());
  app.add_option("--threads", options.threads, "CPU threads (0: all)")->capture_default_str();
  app.add_option("--device", options.device, "auto, cpu or cuda")
      ->check(CLI::IsMember({"auto", "cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--precision", options.precision,
                 "f32; bf16: bf16 activations and conv kernels (CPU: AVX-512 BF16; GPU: "
                 "compute capability 8.0+); f16 (GPU): f16 with loss scaling; auto: f32 on the "
                 "CPU, bf16 or f16 on the GPU. Master weights, Adam and loss stay f32")
      ->check(CLI::IsMember({"f32", "bf16", "f16", "auto"}))
      ->capture_default_str();
  app.add_option("--cuda-graph", options.cuda_graph,
                 "GPU: replay each training step as one CUDA graph (on) or launch its kernels "
                 "one by one (off); the results are the same")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  app.add_option("--out", options.out, "run folder: checkpoint, log, pictures")
      ->capture_default_str();
  app.add_option("--data", options.data, "folder with the MNIST IDX files")->capture_default_str();
  app.add_flag("--resume", options.resume, "continue from OUT/checkpoint.dnzckpt");
  CLI::Option* export_option = app.add_option(
      "--export", export_path,
      "write a quantized dnz model from OUT/checkpoint.dnzckpt to this path, then exit");
  dnz::train::ExportOptions export_options;
  app.add_option("--weights", export_options.weights,
                 "with --export: int8; int4 (packed 4-bit weights, half the bytes); mixed: int4 "
                 "except the convs with one input or output channel (docs/quantization.md)")
      ->check(CLI::IsMember({"int8", "int4", "mixed"}))
      ->capture_default_str()
      ->needs(export_option);
  std::string from_model;
  app.add_option("--from-model", from_model,
                 "a .dnz file that keeps float weights: with --export, quantize those instead of "
                 "OUT's checkpoint; when training, start from them instead of a random init")
      ->check(CLI::ExistingFile);
  app.add_option("--qat", options.qat,
                 "quantization-aware training: train the network as --export will store it, the "
                 "weights in that format (int8, int4 or mixed), the biases and activations on "
                 "their grids (f32 on the CPU; fine-tune a trained model: --from-model, a few "
                 "epochs, a lower --lr); the export then defaults to that format and its ranges")
      ->check(CLI::IsMember({"int8", "int4", "mixed"}))
      ->excludes(export_option);
  bool no_float_weights = false;
  app.add_flag("--no-float-weights", no_float_weights,
               "with --export: leave the float32 copy out of the file (about half an int8 "
               "file's bytes; the float backend then cannot run it)")
      ->needs(export_option);
  CLI::Option* bench_steps = app.add_option(
      "--bench-steps", options.bench_steps,
      "time this many training steps after 3 warm-up steps, print img/s, write nothing");
  app.add_flag("--bench-profile", options.bench_profile,
               "with --bench-steps: then time the same steps again stage by stage (each layer's "
               "forward and backward, the loss, Adam) and print a PROFILE line per stage")
      ->needs(bench_steps);
  bool no_pictures = false;
  app.add_flag("--no-pictures", no_pictures, "skip the loss curve and the digit grid");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  options.pictures = !no_pictures;
  for (const char* name : {"epochs", "batch", "lr", "noise", "noise-mode", "train-limit", "seed",
                           "threads", "data", "val-limit", "precision", "qat"}) {
    if (app.count(std::string("--") + name) > 0) options.given.insert(name);
  }
  export_options.float_weights = !no_float_weights;
  export_options.weights_given = app.count("--weights") > 0;
  (export_path.empty() ? options.init_model : export_options.from_model) = from_model;
  if (!export_path.empty()) return dnz::train::ExportModel(options, export_options, export_path);
  return dnz::train::RunTraining(options);
}
