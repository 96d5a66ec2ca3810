// host_train --export MODEL: the checkpoint in OUT becomes a quantized dnz model file.
// Steps: OIHW weights -> dnz::build::FloatNetwork (OHWI, fused seed architecture);
// calibrate on 2000 noisy training images; build; evaluate float and int8 on the 10,000
// noisy test digits (kTestNoiseSeed) through the runtime's C API; rebuild with those
// metrics in the provenance; write atomically.
#ifndef DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_
#define DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_

#include <string>
#include <vector>

#include "cli/train_options.h"
#include "model/model_builder.h"

namespace dnz::train {

constexpr int kCalibrationImages = 2000;

// Flat OIHW parameters (SeedParamLayout) -> the builder's fused network (OHWI).
bool ToFloatNetwork(const std::vector<float>& params, dnz::build::FloatNetwork* net,
                    std::string* error);

// Returns the process exit code; prints the metrics or one error line.
int ExportModel(const TrainOptions& options, const std::string& model_path);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CHECKPOINT_EXPORT_MODEL_H_
