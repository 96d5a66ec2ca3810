#include "network/step_stages.h"

namespace dnz::train {

std::string StageName(int stage) {
  if (stage == kSetupStage) return "setup";
  if (stage == kLossStage) return "loss";
  if (stage == kAdamStage) return "adam";
  const bool forward = stage < kLossStage;
  const int conv = forward ? stage - ForwardStage(0) : stage - BackwardStage(0);
  if (conv < 0 || conv >= kNumConvs) return "stage " + std::to_string(stage);
  return "layer " + std::to_string(kSeedConvs[static_cast<size_t>(conv)].layer) +
         (forward ? " forward" : " backward");
}

}  // namespace dnz::train
