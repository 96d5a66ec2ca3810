// Training checkpoints: everything needed to continue a run bit for bit.
// File layout (little-endian):
//   "DNZCKPT1"  u64 json_bytes  json  u64 param_count  f32 params[]  f32 adam_m[]  f32 adam_v[]
//   u64 fnv1a64(all bytes before it)
// The JSON holds the options, seeds and position; parameters and Adam moments are in the
// flat OIHW layout of SeedParamLayout(), so a checkpoint does not depend on the backend.
// Written atomically (temp file in the same folder, fsync, rename).
#ifndef DNZ_HOST_TRAIN_CHECKPOINT_CHECKPOINT_H_
#define DNZ_HOST_TRAIN_CHECKPOINT_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "cli/train_options.h"
#include "model/model_builder.h"
#include "network/backend.h"

namespace dnz::train {

struct Checkpoint {
  TrainOptions options;    // as the run was started (epochs may be raised on resume)
  uint64_t init_seed = 0;  // the seed the weights were drawn from (after any re-draw)
  uint64_t shuffle_seed = 0;
  uint64_t noise_seed = 0;
  int reinits = 0;              // dead-ReLU re-draws done
  int epoch = 0;                // current epoch (0-based); == options.epochs when finished
  int step_in_epoch = 0;        // steps of `epoch` already done
  double epoch_loss_sum = 0.0;  // sum over those steps of loss * images
  int64_t epoch_images = 0;
  double epoch_seconds = 0.0;
  std::vector<float> params;
  AdamState adam;
  // What trained the last step, e.g. "cudnn-f32" on "cuda NVIDIA H100 ..." (for provenance;
  // a resumed run may use another backend).
  std::string backend;
  std::string device;
  // --qat: the activation ranges the current epoch trains with (loop/activation_fake_quant.h);
  // empty otherwise, and in checkpoints from before activations were fake-quantized.
  dnz::build::ActivationRanges activation_ranges;

  // The start of an epoch: no steps done yet.
  void ResetEpochProgress() {
    step_in_epoch = 0;
    epoch_loss_sum = 0.0;
    epoch_images = 0;
    epoch_seconds = 0.0;
  }
};

constexpr const char* kCheckpointName = "checkpoint.dnzckpt";

bool SaveCheckpoint(const std::string& path, const Checkpoint& checkpoint, std::string* error);
bool LoadCheckpoint(const std::string& path, Checkpoint* checkpoint, std::string* error);
// The bytes of a checkpoint file (`path` only names it in errors): every field checked,
// the options and progress too, since the bytes may have been edited.
bool ParseCheckpoint(const std::string& bytes, const std::string& path, Checkpoint* checkpoint,
                     std::string* error);
// Its JSON metadata alone (what ParseCheckpoint does once the framing is checked).
bool ParseCheckpointMetadata(const std::string& json, const std::string& path,
                             Checkpoint* checkpoint, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CHECKPOINT_CHECKPOINT_H_
