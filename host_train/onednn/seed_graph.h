// The whole seed network on oneDNN for one batch size: layers wired in the layouts oneDNN
// chose, the plain [batch][1][28][28] input and logits at the two ends. Built once per batch
// size; parameters live in the shared ConvParams.
#ifndef DNZ_HOST_TRAIN_ONEDNN_SEED_GRAPH_H_
#define DNZ_HOST_TRAIN_ONEDNN_SEED_GRAPH_H_

#include <array>
#include <functional>
#include <memory>
#include <oneapi/dnnl/dnnl.hpp>

#include "network/backend.h"
#include "network/seed_network.h"
#include "network/step_stages.h"
#include "onednn/conv_layer.h"
#include "onednn/pool_layer.h"
#include "onednn/upsample_conv_layer.h"
#include "onednn/upsample_layer.h"

namespace dnz::train::onednn {

class SeedGraph {
 public:
  // `data_type`: of activations and conv kernels (f32, or bf16 with f32 master weights).
  // `polyphase`: run each upsample + conv as four 2x2 polyphase convs (UpsampleConvLayer)
  // rather than an upsample layer and a 3x3 conv; the same function, 4/9 of the work.
  SeedGraph(const dnnl::engine& engine, int batch, std::array<ConvParams, kNumConvs>* params,
            bool training, dnnl::memory::data_type data_type = dnnl::memory::data_type::f32,
            bool polyphase = true);

  int batch() const { return batch_; }
  bool training() const { return training_; }

  // Called with a stage of network/step_stages.h when its work is done (host_train
  // --bench-profile); null: no calls.
  using StageDone = std::function<void(int stage)>;

  // `noisy`: [batch][28][28]. Leaves the logits in logits(). With `quant` enabled, the input
  // and each conv's output are fake-quantized in place (onednn/fake_quant_loops.h).
  void Forward(dnnl::stream& stream, const float* noisy, const ActivationQuant& quant,
               const StageDone& done = nullptr);
  const float* logits() const { return static_cast<const float*>(logits_plain_.get_data_handle()); }
  // Fill with dloss/dlogits ([batch][28][28]) before Backward.
  float* diff_logits() { return static_cast<float*>(diff_logits_plain_.get_data_handle()); }
  // `quant` as given to the Forward before it.
  void Backward(dnnl::stream& stream, const ActivationQuant& quant,
                const StageDone& done = nullptr);

  // Fraction of positive bottleneck-conv outputs in the last forward pass.
  double BottleneckPositiveFraction(dnnl::stream& stream);

 private:
  const dnnl::memory& ConvInput(int i) const;       // what conv i reads
  const dnnl::memory& PreviousOutput(int i) const;  // what the layer before conv i wrote

  int batch_;
  bool training_;
  dnnl::memory input_plain_, input_;
  dnnl::reorder input_reorder_;
  bool reorder_input_ = false;
  std::array<std::unique_ptr<Layer>, kNumConvs> convs_;
  std::array<std::unique_ptr<MaxPoolLayer>, kNumConvs> pools_;       // after conv i
  std::array<std::unique_ptr<UpsampleLayer>, kNumConvs> upsamples_;  // before conv i
  // Where a conv wants its input in another layout than the previous layer gives (the
  // 1-channel last conv: oneDNN has no fast blocked kernel for it), a reorder each way.
  std::array<bool, kNumConvs> adapt_ = {};
  std::array<dnnl::memory, kNumConvs> adapted_src_, adapted_diff_;
  std::array<dnnl::reorder, kNumConvs> src_reorder_, diff_reorder_;
  dnnl::memory logits_plain_, diff_logits_plain_, diff_logits_;
  dnnl::reorder logits_reorder_, diff_logits_reorder_;
  bool reorder_logits_ = false;
  dnnl::memory bottleneck_plain_;
  dnnl::reorder bottleneck_reorder_;
};

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_SEED_GRAPH_H_
