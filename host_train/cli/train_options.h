// Everything a training run is configured by (the CLI fills it; tests set it directly).
#ifndef DNZ_HOST_TRAIN_CLI_TRAIN_OPTIONS_H_
#define DNZ_HOST_TRAIN_CLI_TRAIN_OPTIONS_H_

#include <cstdint>
#include <set>
#include <string>

namespace dnz::train {

struct TrainOptions {
  int epochs = 50;
  int batch = 128;
  float learning_rate = 0.001f;
  float noise = 0.7f;
  std::string noise_mode = "fresh";  // fixed: one draw per image; fresh: a new draw each epoch
  int train_limit = 0;               // 0: all 60,000 training images
  int validation_limit = 0;          // 0: all 10,000 test images (tests use fewer)
  uint64_t seed = 1;
  int threads = 0;  // 0: oneDNN/OpenMP default
  std::string device = "auto";
  std::string precision = "f32";  // f32 | bf16 (bf16 kernels, f32 master weights)
  std::string cuda_graph = "on";  // on | off: replay GPU steps as one CUDA graph each
  std::string out = "runs/latest";
  std::string data = "data/mnist";
  bool resume = false;
  int bench_steps = 0;         // > 0: time this many steps, print img/s, write nothing
  bool bench_profile = false;  // with bench_steps: then time them again stage by stage
  bool pictures = true;
  // Quantization-aware training (loop/weight_fake_quant.h): "" (off), int8, int4 or mixed.
  std::string qat;
  // Start from the float weights kept in this .dnz file instead of a random init ("": random).
  std::string init_model;
  // Names of the options the user gave explicitly (checked against a resumed checkpoint).
  std::set<std::string> given;
};

// Whether the options are in range (the command line's, and a loaded checkpoint's: its
// bytes may have been edited). On failure `error` names the option.
bool ValidateOptions(const TrainOptions& options, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_TRAIN_OPTIONS_H_
