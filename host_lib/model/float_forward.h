// Internal to the model builder: conv geometry and the float forward pass that
// also returns the sigmoid layer's logits (for calibrating its pre-activation).
#ifndef DNZ_HOST_LIB_MODEL_FLOAT_FORWARD_H_
#define DNZ_HOST_LIB_MODEL_FLOAT_FORWARD_H_

#include <vector>

#include "dnz/dnz.h"
#include "model/model_builder.h"

namespace dnz::build {

struct ConvGeometry {
  int pad_before = 0, pad_after = 0;  // same on both axes (square kernels)
  int conv_h = 0, conv_w = 0;         // before a fused pool
  int out_h = 0, out_w = 0;           // the op's output tensor
};

ConvGeometry GeometryOf(const FloatConv& conv, int in_h, int in_w);

// As ForwardAll(net, input); when `sigmoid_logits` is given, also the pre-activation
// of the (last) sigmoid conv.
std::vector<std::vector<float>> ForwardAll(const FloatNetwork& net, const std::vector<float>& input,
                                           std::vector<float>* sigmoid_logits);

}  // namespace dnz::build

#endif  // DNZ_HOST_LIB_MODEL_FLOAT_FORWARD_H_
