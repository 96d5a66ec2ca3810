#include "cli/train_options.h"

#include <cmath>

namespace dnz::train {

bool ValidateOptions(const TrainOptions& o, std::string* error) {
  const char* problem = nullptr;
  if (o.epochs < 1)
    problem = "--epochs must be at least 1";
  else if (o.batch < 1 || o.batch > 4096)
    problem = "--batch must be in 1..4096";
  else if (!(o.learning_rate > 0.0f) || !std::isfinite(o.learning_rate))
    problem = "--lr must be positive and finite";
  else if (!(o.noise >= 0.0f) || !std::isfinite(o.noise))
    problem = "--noise must be >= 0 and finite";
  else if (o.noise_mode != "fixed" && o.noise_mode != "fresh")
    problem = "--noise-mode must be fixed or fresh";
  else if (o.train_limit < 0)
    problem = "--train-limit must be >= 0";
  else if (o.validation_limit < 0)
    problem = "--val-limit must be >= 0";
  else if (o.threads < 0)
    problem = "--threads must be >= 0";
  else if (o.precision != "f32" && o.precision != "bf16" && o.precision != "f16" &&
           o.precision != "auto")
    problem = "--precision must be f32, bf16, f16 (GPU) or auto";
  else if (!o.qat.empty() && o.qat != "int8" && o.qat != "int4" && o.qat != "mixed")
    problem = "--qat must be int8, int4 or mixed";
  if (problem != nullptr) *error = problem;
  return problem == nullptr;
}

}  // namespace dnz::train
