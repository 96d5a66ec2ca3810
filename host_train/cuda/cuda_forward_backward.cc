// CudaNetwork's forward and backward passes: per conv, cuDNN's convolution between our own
// kernels (bias and activation, pool, upsample, the polyphase interleave; kernels.h), and
// the fused sigmoid-BCE loss in between. Each stage is marked for --bench-profile.
#include <cstdint>

#include "cuda/cuda_network.h"
#include "cuda/cuda_status.h"
#include "network/step_stages.h"

namespace dnz::train::cuda {

template <typename T>
bool CudaNetwork<T>::ForwardPass(int batch, std::string* error) {
  if (!CudaOk(GatherWeights(params.get(), weight_segments, conv_weights.get(), stream),
              "copy the conv weights", error) ||
      !MarkStage(kSetupStage, error)) {
    return false;
  }
  if (quant.enabled &&
      !CudaOk(FakeQuantizeActivations(noisy.get(), static_cast<int64_t>(batch) * kImagePixels,
                                      quant.input, stream),
              "fake-quantize the input", error)) {
    return false;
  }
  void* ws = workspace.get();
  const size_t ws_bytes = workspace.size();
  for (int i = 0; i < kNumConvs; ++i) {
    Layer<T>& l = layers[static_cast<size_t>(i)];
    const SeedConv& s = l.spec;
    const int out_plane = s.out_side * s.out_side;
    bool ok = true;
    if (l.polyphase) {
      ok = CudaOk(PolyphaseKernels(MasterWeights(i), s.out_channels, s.in_channels, taps,
                                   l.kernels.get(), stream),
                  "polyphase kernels", error) &&
           l.conv.Forward(cudnn, batch, Input(i), l.kernels.get(), l.conv_out.get(), ws, ws_bytes,
                          error) &&
           CudaOk(InterleaveParities(l.conv_out.get(), Bias(i), batch, s.out_channels, l.small_side,
                                     HasRelu(s), l.act.get(), stream),
                  "interleave kernel", error);
    } else {
      const T* x = Input(i);
      if (l.upsample) {
        ok = CudaOk(Upsample(x, batch * s.in_channels, l.small_side, l.small_side,
                             l.upsampled.get(), stream),
                    "upsample kernel", error);
        x = l.upsampled.get();
      }
      ok = ok && l.conv.Forward(cudnn, batch, x, Weights(i), l.act.get(), ws, ws_bytes, error) &&
           CudaOk(BiasActivate(l.act.get(), Bias(i), batch, s.out_channels, out_plane, HasRelu(s),
                               stream),
                  "bias kernel", error);
    }
    if (ok && quant.enabled) {
      ok = CudaOk(FakeQuantizeActivations(l.act.get(), batch * l.ActPerImage(),
                                          quant.outputs[static_cast<size_t>(i)], stream),
                  "fake-quantize kernel", error);
    }
    if (ok && s.fused_maxpool_output) {
      ok = CudaOk(MaxPool(l.act.get(), batch * s.out_channels, s.out_side, s.out_side,
                          l.pooled.get(), l.argmax.get(), stream),
                  "max-pool kernel", error);
    }
    if (!ok || !MarkStage(ForwardStage(i), error)) return false;
  }
  last_batch = batch;
  return true;
}

template <typename T>
bool CudaNetwork<T>::BackwardPass(int batch, double* running_sum, std::string* error) {
  Layer<T>& last = layers.back();
  if (!CudaOk(SigmoidBce(last.act.get(), clean.get(), batch, kImagePixels, LossScale(),
                         last.act_grad.get(), per_image.get(), loss_sum.get(), running_sum, stream),
              "sigmoid-BCE kernel", error) ||
      !MarkStage(kLossStage, error)) {
    return false;
  }
  for (int i = kNumConvs - 1; i >= 0; --i) {
    if (!BackwardConv(i, batch, error) || !MarkStage(BackwardStage(i), error)) return false;
  }
  return true;
}

template <typename T>
bool CudaNetwork<T>::BackwardConv(int i, int batch, std::string* error) {
  Layer<T>& l = layers[static_cast<size_t>(i)];
  const SeedConv& s = l.spec;
  const ParamLayout& layout = SeedParamLayout();
  float* weight_grad = grads.get() + layout.weight_offset[i];
  float* bias_grad = grads.get() + layout.bias_offset[i];
  const int out_plane = s.out_side * s.out_side;
  void* ws = workspace.get();
  const size_t ws_bytes = workspace.size();
  if (quant.enabled &&
      !CudaOk(FakeQuantBackwardActivations(l.act.get(), l.act_grad.get(), batch * l.ActPerImage(),
                                           quant.outputs[static_cast<size_t>(i)], stream),
              "fake-quantize backward kernel", error)) {
    return false;
  }
  if (HasRelu(s) && !CudaOk(ReluBackward(l.act.get(), l.act_grad.get(),
                                         static_cast<int64_t>(batch) * l.ActPerImage(), stream),
                            "ReLU backward kernel", error)) {
    return false;
  }
  if (!CudaOk(BiasGradient(l.act_grad.get(), batch, s.out_channels, out_plane, LossScale(),
                           bias_grad, stream),
              "bias gradient kernel", error)) {
    return false;
  }
  const bool first = i == 0;
  if (l.polyphase) {
    if (!CudaOk(DeinterleaveParities(l.act_grad.get(), batch, s.out_channels, l.small_side,
                                     l.conv_out_grad.get(), stream),
                "deinterleave kernel", error) ||
        !l.conv.BackwardFilter(cudnn, batch, Input(i), l.conv_out_grad.get(), l.kernel_grads.get(),
                               ws, ws_bytes, error) ||
        !CudaOk(FoldPolyphaseGradients(l.kernel_grads.get(), s.out_channels, s.in_channels, taps,
                                       LossScale(), weight_grad, stream),
                "polyphase fold kernel", error) ||
        (!first && !l.conv.BackwardData(cudnn, batch, l.kernels.get(), l.conv_out_grad.get(),
                                        InputGrad(i), ws, ws_bytes, error))) {
      return false;
    }
  } else {
    const T* x = l.upsample ? l.upsampled.get() : Input(i);
    T* x_grad = first ? nullptr : (l.upsample ? l.upsampled_grad.get() : InputGrad(i));
    // The conv writes its weight gradient in T into the aligned copy; from there into the
    // float gradients, with the loss scale divided out.
    T* conv_weight_grad = conv_weight_grads.get() + conv_offset[static_cast<size_t>(i)];
    if (!l.conv.BackwardFilter(cudnn, batch, x, l.act_grad.get(), conv_weight_grad, ws, ws_bytes,
                               error) ||
        !CudaOk(ConvertToFloat(conv_weight_grad, static_cast<int64_t>(layout.weight_count[i]),
                               LossScale(), weight_grad, stream),
                "convert the weight gradients", error) ||
        (!first && !l.conv.BackwardData(cudnn, batch, Weights(i), l.act_grad.get(), x_grad, ws,
                                        ws_bytes, error))) {
      return false;
    }
    if (!first && l.upsample &&
        !CudaOk(UpsampleBackward(l.upsampled_grad.get(), batch * s.in_channels, l.small_side,
                                 l.small_side, InputGrad(i), stream),
                "upsample backward kernel", error)) {
      return false;
    }
  }
  if (first) return true;
  Layer<T>& prev = layers[static_cast<size_t>(i - 1)];
  if (!prev.spec.fused_maxpool_output) return true;
  return CudaOk(
      MaxPoolBackward(prev.pooled_grad.get(), prev.argmax.get(), batch * prev.spec.out_channels,
                      prev.spec.out_side, prev.spec.out_side, prev.act_grad.get(), stream),
      "max-pool backward kernel", error);
}

#define DNZ_INSTANTIATE(T)                                                \
  template bool CudaNetwork<T>::ForwardPass(int, std::string*);           \
  template bool CudaNetwork<T>::BackwardPass(int, double*, std::string*); \
  template bool CudaNetwork<T>::BackwardConv(int, int, std::string*);
DNZ_CUDA_STORAGE_TYPES(DNZ_INSTANTIATE)
#undef DNZ_INSTANTIATE

}  // namespace dnz::train::cuda
