// The seed architecture and a float forward pass for calibration, computed with
// the runtime's own float kernels (runtime/src/ref) so there is one float conv.
#include "model/float_forward.h"

#include "dnz_internal/ref_kernels.h"
#include "model/model_builder.h"
#include "model/seed_architecture.h"

namespace dnz::build {

FloatConv ZeroConv(int kernel, int in_channels, int out_channels, bool same_padding,
                   Activation activation, bool fused_upsample_input, bool fused_maxpool_output) {
  FloatConv conv;
  conv.kernel = kernel;
  conv.in_channels = in_channels;
  conv.out_channels = out_channels;
  conv.same_padding = same_padding;
  conv.activation = activation;
  conv.fused_upsample_input = fused_upsample_input;
  conv.fused_maxpool_output = fused_maxpool_output;
  conv.weights.assign(size_t(kernel) * size_t(kernel) * size_t(in_channels) * size_t(out_channels),
                      0.0f);
  conv.bias.assign(size_t(out_channels), 0.0f);
  return conv;
}

FloatNetwork SeedArchitecture() {
  FloatNetwork net;
  for (const seed::SeedConv& c : seed::kSeedConvs) {
    net.convs.push_back(ZeroConv(c.kernel, c.in_channels, c.out_channels, c.same_padding,
                                 c.sigmoid ? Activation::kSigmoid : Activation::kRelu,
                                 c.fused_upsample_input, c.fused_maxpool_output));
  }
  return net;
}

ConvGeometry GeometryOf(const FloatConv& conv, int in_h, int in_w) {
  ConvGeometry g;
  g.pad_before = conv.same_padding ? (conv.kernel - 1) / 2 : 0;
  g.pad_after = conv.same_padding ? conv.kernel - 1 - g.pad_before : 0;
  const int scale = conv.fused_upsample_input ? 2 : 1;
  g.conv_h = seed::ConvOutputSide(in_h * scale, conv.kernel, g.pad_before, g.pad_after);
  g.conv_w = seed::ConvOutputSide(in_w * scale, conv.kernel, g.pad_before, g.pad_after);
  g.out_h = conv.fused_maxpool_output ? seed::PooledSide(g.conv_h) : g.conv_h;
  g.out_w = conv.fused_maxpool_output ? seed::PooledSide(g.conv_w) : g.conv_w;
  return g;
}

dnz_op FloatOpOf(const FloatConv& conv, const ConvGeometry& g, Activation activation) {
  dnz_op op{};
  op.kind = DNZ_OP_CONV;
  op.activation = activation == Activation::kRelu      ? DNZ_ACT_RELU
                  : activation == Activation::kSigmoid ? DNZ_ACT_SIGMOID
                                                       : DNZ_ACT_NONE;
  op.kernel_h = op.kernel_w = conv.kernel;
  op.pad_top = op.pad_left = g.pad_before;
  op.pad_bottom = op.pad_right = g.pad_after;
  op.fused_upsample_input = conv.fused_upsample_input;
  op.fused_maxpool_output = conv.fused_maxpool_output;
  op.float_weights = conv.weights.data();
  op.float_bias = conv.bias.data();
  op.conv_out_h = g.conv_h;
  op.conv_out_w = g.conv_w;
  return op;
}

std::vector<std::vector<float>> ForwardAll(const FloatNetwork& net, const std::vector<float>& input,
                                           std::vector<float>* sigmoid_logits) {
  std::vector<std::vector<float>> tensors{input};
  dnz_tensor_info in{net.input_height, net.input_width, net.input_channels, 1.0f, 0};
  for (const FloatConv& conv : net.convs) {
    const ConvGeometry g = GeometryOf(conv, in.height, in.width);
    const dnz_tensor_info out{g.out_h, g.out_w, conv.out_channels, 1.0f, 0};
    std::vector<float> output(size_t(g.out_h) * g.out_w * conv.out_channels);
    const dnz_op op = FloatOpOf(conv, g, conv.activation);
    ref::ConvF32(op, in, tensors.back().data(), out, output.data());
    if (conv.activation == Activation::kSigmoid && sigmoid_logits != nullptr) {
      sigmoid_logits->resize(output.size());
      const dnz_op linear = FloatOpOf(conv, g, Activation::kNone);
      ref::ConvF32(linear, in, tensors.back().data(), out, sigmoid_logits->data());
    }
    tensors.push_back(std::move(output));
    in = out;
  }
  return tensors;
}

std::vector<std::vector<float>> ForwardAll(const FloatNetwork& net,
                                           const std::vector<float>& input) {
  return ForwardAll(net, input, nullptr);
}

}  // namespace dnz::build
