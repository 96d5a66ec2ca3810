#include "reference/reference_network.h"

#include <array>

#include "network/seed_network.h"
#include "reference/reference_layers.h"

namespace dnz::train::reference {

double NetworkLossAndGradients(const std::vector<double>& params, const float* noisy,
                               const float* clean, int batch, std::vector<double>* grads,
                               double* bottleneck_positive, std::vector<double>* logits,
                               const ActivationQuant& quant) {
  const ParamLayout& layout = SeedParamLayout();
  std::array<std::vector<double>, kNumConvs> weights, biases;
  for (int i = 0; i < kNumConvs; ++i) {
    const auto w0 = params.begin() + static_cast<long>(layout.weight_offset[i]);
    weights[i].assign(w0, w0 + static_cast<long>(layout.weight_count[i]));
    const auto b0 = params.begin() + static_cast<long>(layout.bias_offset[i]);
    biases[i].assign(b0, b0 + kSeedConvs[static_cast<size_t>(i)].out_channels);
  }
  Tensor input(batch, 1, kImageSide, kImageSide), target(batch, 1, kImageSide, kImageSide);
  for (size_t i = 0; i < input.data.size(); ++i) {
    input.data[i] = noisy[i];
    target.data[i] = clean[i];
  }
  if (quant.enabled) FakeQuantForward(quant.input.scale, quant.input.zero_point, &input);
  // Forward, keeping each conv's input and output and each pool's argmax.
  std::array<Tensor, kNumConvs> conv_in, conv_out, pool_in;
  std::array<std::vector<size_t>, kNumConvs> argmax;
  Tensor x = input;
  for (int i = 0; i < kNumConvs; ++i) {
    const SeedConv& s = kSeedConvs[static_cast<size_t>(i)];
    if (s.fused_upsample_input) {
      Tensor up;
      UpsampleForward(x, &up);
      x = up;
    }
    conv_in[i] = x;
    ConvForward(x, weights[i], biases[i], s.out_channels, s.kernel, Padding(s), &conv_out[i]);
    if (HasRelu(s)) ReluForward(&conv_out[i]);
    const FakeQuantGrid& grid = quant.outputs[static_cast<size_t>(i)];
    if (quant.enabled) FakeQuantForward(grid.scale, grid.zero_point, &conv_out[i]);
    x = conv_out[i];
    if (s.fused_maxpool_output) {
      pool_in[i] = x;
      MaxPoolForward(pool_in[i], &x, &argmax[i]);
    }
  }
  if (bottleneck_positive != nullptr) {
    const Tensor& b = conv_out[kBottleneckConv];
    size_t positive = 0;
    for (double v : b.data) positive += v > 0.0 ? 1 : 0;
    *bottleneck_positive = static_cast<double>(positive) / static_cast<double>(b.data.size());
  }
  if (logits != nullptr) *logits = x.data;  // one channel: [batch][28][28]
  Tensor diff;
  const double loss = SigmoidBce(x, target, grads != nullptr ? &diff : nullptr);
  if (grads == nullptr) return loss;

  grads->assign(layout.total, 0.0);
  for (int i = kNumConvs - 1; i >= 0; --i) {
    const SeedConv& s = kSeedConvs[static_cast<size_t>(i)];
    if (s.fused_maxpool_output) {
      Tensor d;
      MaxPoolBackward(pool_in[i], argmax[i], diff, &d);
      diff = d;
    }
    const FakeQuantGrid& grid = quant.outputs[static_cast<size_t>(i)];
    if (quant.enabled) FakeQuantBackward(grid.scale, grid.zero_point, conv_out[i], &diff);
    if (HasRelu(s)) ReluBackward(conv_out[i], &diff);
    Tensor diff_in;
    std::vector<double> dw, db;
    ConvBackward(conv_in[i], weights[i], diff, s.kernel, Padding(s), i > 0 ? &diff_in : nullptr,
                 &dw, &db);
    std::copy(dw.begin(), dw.end(), grads->begin() + static_cast<long>(layout.weight_offset[i]));
    std::copy(db.begin(), db.end(), grads->begin() + static_cast<long>(layout.bias_offset[i]));
    if (i == 0) break;
    diff = diff_in;
    if (s.fused_upsample_input) {
      Tensor d;
      UpsampleBackward(diff, &d);
      diff = d;
    }
  }
  return loss;
}

}  // namespace dnz::train::reference
