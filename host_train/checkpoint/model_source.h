// host_train --export --from-model FILE: the float32 weights a .dnz file keeps (and its
// provenance), as the network to quantize again, e.g. with int4 weights, without the
// checkpoint that trained it.
#ifndef DNZ_HOST_TRAIN_CHECKPOINT_MODEL_SOURCE_H_
#define DNZ_HOST_TRAIN_CHECKPOINT_MODEL_SOURCE_H_

#include <string>

#include "model/model_builder.h"

namespace dnz::train {

// Reads `path`: a model of the seed architecture with float weights. Fills `net` and
// `provenance` (the file's, its metrics cleared, with "requantized_from" added).
bool NetworkFromModelFile(const std::string& path, dnz::build::FloatNetwork* net,
                          dnz::build::Provenance* provenance, std::string* error);

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CHECKPOINT_MODEL_SOURCE_H_
