// host_train --export MODEL: the checkpoint in OUT (or, --from-model, the float weights of a
// .dnz file) becomes a quantized dnz model file, int8, int4 or mixed (--weights).
// Steps: OIHW weights -> dnz::build::FloatNetwork (OHWI, fused seed architecture);
// calibrate on 2000 noisy training images (or take a QAT run's ranges); build; evaluate float and
// int8 on the 10,000 noisy test digits (kTestNoiseSeed) through the runtime's C API; rebuild with
// those metrics in the provenance; write atomically.
#ifndef DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_
#define DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/train_options.h"
#include "model/model_builder.h"

namespace dnz::train {

constexpr int kCalibrationImages = 2000;

// Flat OIHW parameters (SeedParamLayout) -> the builder's fused network (OHWI).
bool ToFloatNetwork(const std::vector<float>& params, dnz::build::FloatNetwork* net,
                    std::string* error);
// And back: the network's weights (OHWI) and biases as flat OIHW parameters.
void FromFloatNetwork(const dnz::build::FloatNetwork& net, std::vector<float>* params);

// The export's calibration images: the first `count` of `images` (clean, [28*28] each) with
// the training noise of epoch 0 (factor `noise`, the run's noise seed).
std::vector<std::vector<float>> CalibrationImages(const float* images, int count, float noise,
                                                  uint64_t noise_seed);

struct ExportOptions {
  std::string weights = "int8";  // int8 | int4 | mixed (dnz::build::WeightFormatsFor)
  std::string from_model;        // a .dnz with float weights instead of OUT's checkpoint
  bool float_weights = true;     // keep the float32 copy (the `float` backend needs it)
  bool weights_given = false;    // --weights on the command line; else a QAT run's format
};

// Returns the process exit code; prints the metrics or one error line.
int ExportModel(const TrainOptions& options, const ExportOptions& export_options,
                const std::string& model_path);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_
