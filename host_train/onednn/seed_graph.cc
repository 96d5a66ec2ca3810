#include "onednn/seed_graph.h"

#include <cstring>

#include "onednn/fake_quant_loops.h"
#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

SeedGraph::SeedGraph(const dnnl::engine& engine, int batch,
                     std::array<ConvParams, kNumConvs>* params, bool training, dt data_type,
                     bool polyphase)
    : batch_(batch), training_(training) {
  const memory::desc image_plain({batch, 1, kImageSide, kImageSide}, dt::f32, tag::nchw);
  input_plain_ = ZeroedMemory(image_plain, engine);

  const memory* previous = nullptr;
  for (int i = 0; i < kNumConvs; ++i) {
    const SeedConv& spec = kSeedConvs[static_cast<size_t>(i)];
    const ConvShape upsampled_shape{batch,         spec.in_channels, spec.out_channels,
                                    spec.in_side,  spec.out_side,    spec.kernel,
                                    Padding(spec), HasRelu(spec),    data_type};
    if (spec.fused_upsample_input && polyphase && previous != nullptr &&
        UpsampleConvLayer::Supports(upsampled_shape) &&
        previous->get_desc().data_type() == data_type) {
      convs_[i] =
          std::make_unique<UpsampleConvLayer>(engine, upsampled_shape, previous->get_desc(),
                                              &(*params)[i], training, /*need_diff_src=*/true);
      previous = &convs_[i]->dst();
      if (spec.fused_maxpool_output) {
        pools_[i] = std::make_unique<MaxPoolLayer>(engine, batch, spec.out_channels, spec.out_side,
                                                   previous->get_desc(), training);
        previous = &pools_[i]->dst();
      }
      continue;
    }
    if (spec.fused_upsample_input) {
      upsamples_[i] = std::make_unique<UpsampleLayer>(
          engine, batch, spec.in_channels, spec.in_side / 2, previous->get_desc(), training);
      previous = &upsamples_[i]->dst();
    }
    // oneDNN has no bf16 kernel for a 1-channel input: the first conv stays f32 (it is
    // 0.5% of the work).
    const dt conv_type = spec.in_channels == 1 ? dt::f32 : data_type;
    // The first conv, the one-output-channel convs and a change of data type choose their
    // input layout and type (see adapt_).
    const bool choose_layout = previous == nullptr || spec.out_channels == 1 ||
                               previous->get_desc().data_type() != conv_type;
    const memory::desc src_desc =
        choose_layout ? memory::desc({batch, spec.in_channels, spec.in_side, spec.in_side},
                                     conv_type, tag::any)
                      : previous->get_desc();
    const ConvShape shape{batch,         spec.in_channels, spec.out_channels,
                          spec.in_side,  spec.out_side,    spec.kernel,
                          Padding(spec), HasRelu(spec),    conv_type};
    convs_[i] = std::make_unique<ConvLayer>(engine, shape, src_desc, &(*params)[i], training,
                                            /*need_diff_src=*/i > 0);
    if (previous != nullptr && convs_[i]->src_desc() != previous->get_desc()) {
      adapt_[i] = true;
      adapted_src_[i] = ZeroedMemory(convs_[i]->src_desc(), engine);
      src_reorder_[i] = dnnl::reorder(*previous, adapted_src_[i]);
      if (training) {
        adapted_diff_[i] = ZeroedMemory(previous->get_desc(), engine);
        diff_reorder_[i] = dnnl::reorder(adapted_src_[i], adapted_diff_[i]);
      }
    }
    previous = &convs_[i]->dst();
    if (spec.fused_maxpool_output) {
      pools_[i] = std::make_unique<MaxPoolLayer>(engine, batch, spec.out_channels, spec.out_side,
                                                 previous->get_desc(), training);
      previous = &pools_[i]->dst();
    }
  }

  if (convs_[0]->src_desc() != image_plain) {
    reorder_input_ = true;
    input_ = ZeroedMemory(convs_[0]->src_desc(), engine);
    input_reorder_ = dnnl::reorder(input_plain_, input_);
  } else {
    input_ = input_plain_;
  }
  const memory& logits = convs_[kNumConvs - 1]->dst();
  if (logits.get_desc() != image_plain) {
    reorder_logits_ = true;
    logits_plain_ = ZeroedMemory(image_plain, engine);
    logits_reorder_ = dnnl::reorder(logits, logits_plain_);
    diff_logits_plain_ = ZeroedMemory(image_plain, engine);
    diff_logits_ = ZeroedMemory(logits.get_desc(), engine);
    diff_logits_reorder_ = dnnl::reorder(diff_logits_plain_, diff_logits_);
  } else {
    logits_plain_ = logits;
    diff_logits_plain_ = ZeroedMemory(image_plain, engine);
    diff_logits_ = diff_logits_plain_;
  }
  bottleneck_plain_ = ZeroedMemory(image_plain, engine);
  bottleneck_reorder_ = dnnl::reorder(convs_[kBottleneckConv]->dst(), bottleneck_plain_);
}

const memory& SeedGraph::ConvInput(int i) const {
  if (i == 0) return input_;
  if (adapt_[i]) return adapted_src_[i];
  return PreviousOutput(i);
}

const memory& SeedGraph::PreviousOutput(int i) const {
  if (upsamples_[i]) return upsamples_[i]->dst();
  if (pools_[i - 1]) return pools_[i - 1]->dst();
  return convs_[i - 1]->dst();
}

namespace {

// Reports a stage done once the stream has finished it (CPU primitives run as they are
// executed; the wait makes that explicit).
void Done(dnnl::stream& stream, const SeedGraph::StageDone& done, int stage) {
  if (!done) return;
  stream.wait();
  done(stage);
}

}  // namespace

void SeedGraph::Forward(dnnl::stream& stream, const float* noisy, const ActivationQuant& quant,
                        const StageDone& done) {
  const size_t input_values = static_cast<size_t>(batch_) * kImagePixels;
  std::memcpy(input_plain_.get_data_handle(), noisy, sizeof(float) * input_values);
  if (quant.enabled) {
    FakeQuantizeValues(static_cast<float*>(input_plain_.get_data_handle()), input_values,
                       quant.input);
  }
  if (reorder_input_) input_reorder_.execute(stream, input_plain_, input_);
  Done(stream, done, kSetupStage);
  for (int i = 0; i < kNumConvs; ++i) {
    if (upsamples_[i]) {
      const memory& up_src = (i > 0 && pools_[i - 1]) ? pools_[i - 1]->dst() : convs_[i - 1]->dst();
      upsamples_[i]->Forward(stream, up_src);
    }
    if (adapt_[i]) {
      src_reorder_[i].execute(stream,
                              {{DNNL_ARG_FROM, PreviousOutput(i)}, {DNNL_ARG_TO, adapted_src_[i]}});
    }
    convs_[i]->Forward(stream, ConvInput(i));
    if (quant.enabled) {
      stream.wait();
      FakeQuantizeMemory(convs_[i]->dst(), quant.outputs[static_cast<size_t>(i)]);
    }
    if (pools_[i]) pools_[i]->Forward(stream, convs_[i]->dst());
    if (i < kNumConvs - 1) Done(stream, done, ForwardStage(i));
  }
  if (reorder_logits_) {
    logits_reorder_.execute(
        stream, {{DNNL_ARG_FROM, convs_[kNumConvs - 1]->dst()}, {DNNL_ARG_TO, logits_plain_}});
  }
  stream.wait();
  Done(stream, done, ForwardStage(kNumConvs - 1));
}

void SeedGraph::Backward(dnnl::stream& stream, const ActivationQuant& quant,
                         const StageDone& done) {
  if (reorder_logits_) diff_logits_reorder_.execute(stream, diff_logits_plain_, diff_logits_);
  Done(stream, done, kLossStage);
  const memory* grad = &diff_logits_;
  for (int i = kNumConvs - 1; i >= 0; --i) {
    if (quant.enabled) {
      stream.wait();
      FakeQuantBackwardMemory(convs_[i]->dst(), *grad, quant.outputs[static_cast<size_t>(i)]);
    }
    convs_[i]->Backward(stream, ConvInput(i), *grad);
    if (i == 0) {
      Done(stream, done, BackwardStage(0));
      break;
    }
    grad = &convs_[i]->diff_src();
    if (adapt_[i]) {
      diff_reorder_[i].execute(stream, {{DNNL_ARG_FROM, *grad}, {DNNL_ARG_TO, adapted_diff_[i]}});
      grad = &adapted_diff_[i];
    }
    if (upsamples_[i]) {
      upsamples_[i]->Backward(stream, *grad);
      grad = &upsamples_[i]->diff_src();
    }
    if (pools_[i - 1]) {
      pools_[i - 1]->Backward(stream, *grad);
      grad = &pools_[i - 1]->diff_src();
    }
    Done(stream, done, BackwardStage(i));
  }
  stream.wait();
}

double SeedGraph::BottleneckPositiveFraction(dnnl::stream& stream) {
  bottleneck_reorder_.execute(
      stream, {{DNNL_ARG_FROM, convs_[kBottleneckConv]->dst()}, {DNNL_ARG_TO, bottleneck_plain_}});
  stream.wait();
  const float* values = static_cast<const float*>(bottleneck_plain_.get_data_handle());
  const size_t count = static_cast<size_t>(batch_) * kImagePixels;
  size_t positive = 0;
  for (size_t i = 0; i < count; ++i) positive += values[i] > 0.0f ? 1 : 0;
  return static_cast<double>(positive) / static_cast<double>(count);
}

}  // namespace dnz::train::onednn
