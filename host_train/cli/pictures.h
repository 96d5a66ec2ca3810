// Pictures of a run: the loss curve (gnuplot, when installed) and a grid of test digits
// (rows: noisy / denoised / clean) written with stb_image_write.
#ifndef DNZ_HOST_TRAIN_CLI_PICTURES_H_
#define DNZ_HOST_TRAIN_CLI_PICTURES_H_

#include <string>

namespace dnz::train {

// Plots train/validation BCE from OUT/train_log.jsonl to OUT/loss_curve.png. Returns a
// one-line note of what happened (written, or why not).
std::string PlotLossCurve(const std::string& out_dir);

// `count` 28x28 images per row, values in [0, 1]. Written atomically.
bool WriteDigitGrid(const std::string& path, const float* noisy, const float* denoised,
                    const float* clean, int count, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_PICTURES_H_
