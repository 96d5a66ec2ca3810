#include "onednn/conv_layer.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "onednn/single_output_conv.h"
#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// The single-output-channel kernels take inputs that are plain (1 channel) or nChw16c.
bool UseSingleOutputLoops(const ConvShape& shape, const memory::desc& src_desc) {
  if (shape.out_channels != 1) return false;
  if (shape.in_channels == 1) return true;
  if (shape.in_channels % 16 != 0) return false;
  const memory::desc blocked({shape.batch, shape.in_channels, shape.in_side, shape.in_side},
                             dt::f32, tag::nChw16c);
  return src_desc == blocked || src_desc.data.format_kind == dnnl_format_kind_any;
}

}  // namespace

ConvLayer::ConvLayer(const dnnl::engine& engine, const ConvShape& shape,
                     const memory::desc& src_desc, ConvParams* params, bool training,
                     bool need_diff_src)
    : shape_(shape), params_(params), need_diff_src_(need_diff_src) {
  if (UseSingleOutputLoops(shape, src_desc)) {
    InitPlainLoops(engine, training);
    return;
  }
  const memory::dims weights_dims = {shape.out_channels, shape.in_channels, shape.kernel,
                                     shape.kernel};
  const memory::desc weights_any(weights_dims, shape.data_type, tag::any);
  const memory::desc bias_desc({shape.out_channels}, dt::f32, tag::x);
  const memory::desc dst_any({shape.batch, shape.out_channels, shape.out_side, shape.out_side},
                             shape.data_type, tag::any);
  const memory::dims strides = {1, 1};
  const memory::dims padding = {shape.padding, shape.padding};
  const auto prop =
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;

  dnnl::primitive_attr attr;
  if (shape.relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  const dnnl::convolution_forward::desc fwd_desc(
      prop, dnnl::algorithm::convolution_direct, src_desc,
      params->initialized() ? params->kernel_weights().get_desc() : weights_any, bias_desc, dst_any,
      strides, padding, padding);
  const dnnl::convolution_forward::primitive_desc fwd_pd(fwd_desc, attr, engine);
  forward_ = dnnl::convolution_forward(fwd_pd);
  src_desc_ = fwd_pd.src_desc();
  dst_ = ZeroedMemory(fwd_pd.dst_desc(), engine);

  if (!params->initialized()) {
    const memory::desc kernel_desc = fwd_pd.weights_desc();
    params->weights_desc = kernel_desc;
    if (kernel_desc.data.data_type != dnnl_f32) {
      // bf16: the f32 master takes the layout of the f32 weight gradients the bf16
      // backward-weights kernel writes (it has no fast kernel for the forward's layout).
      const dnnl::convolution_backward_weights::primitive_desc probe(
          {dnnl::algorithm::convolution_direct, fwd_pd.src_desc(),
           memory::desc(weights_dims, dt::f32, tag::any), bias_desc, fwd_pd.dst_desc(), strides,
           padding, padding},
          engine, fwd_pd);
      params->weights_desc = probe.diff_weights_desc();
    }
    params->weights = ZeroedMemory(params->weights_desc, engine);
    if (kernel_desc.data.data_type != dnnl_f32) {
      params->separate_kernel_weights = true;
      params->kernel_weights_copy = ZeroedMemory(kernel_desc, engine);
      params->master_to_kernel = dnnl::reorder(params->weights, params->kernel_weights_copy);
    }
    params->bias = ZeroedMemory(bias_desc, engine);
    params->diff_weights = ZeroedMemory(params->weights_desc, engine);
    params->diff_bias = ZeroedMemory(bias_desc, engine);
    params->m_weights = ZeroedMemory(params->weights_desc, engine);
    params->v_weights = ZeroedMemory(params->weights_desc, engine);
    params->m_bias = ZeroedMemory(bias_desc, engine);
    params->v_bias = ZeroedMemory(bias_desc, engine);
  }
  if (!training) return;

  const memory::desc dst_desc = fwd_pd.dst_desc();
  diff_pre_ = ZeroedMemory(dst_desc, engine);
  if (shape.relu) {
    const dnnl::eltwise_forward::primitive_desc relu_hint(
        {dnnl::prop_kind::forward_training, dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_desc,
         0.0f, 0.0f},
        engine);
    const dnnl::eltwise_backward::primitive_desc relu_pd(
        {dnnl::algorithm::eltwise_relu_use_dst_for_bwd, dst_desc, dst_desc, 0.0f, 0.0f}, engine,
        relu_hint);
    relu_backward_ = dnnl::eltwise_backward(relu_pd);
  }
  if (need_diff_src) {
    const dnnl::convolution_backward_data::primitive_desc data_pd(
        {dnnl::algorithm::convolution_direct, src_desc_, weights_any, dst_desc, strides, padding,
         padding},
        engine, fwd_pd);
    backward_data_ = dnnl::convolution_backward_data(data_pd);
    diff_src_ = ZeroedMemory(src_desc_, engine);
    if (data_pd.weights_desc() != params->kernel_weights().get_desc()) {
      reorder_weights_ = true;
      bwd_weights_ = ZeroedMemory(data_pd.weights_desc(), engine);
      weights_to_bwd_ = dnnl::reorder(params->kernel_weights(), bwd_weights_);
    }
  }
  const dnnl::convolution_backward_weights::primitive_desc weights_pd(
      {dnnl::algorithm::convolution_direct, src_desc_, params->weights_desc, bias_desc, dst_desc,
       strides, padding, padding},
      engine, fwd_pd);
  backward_weights_ = dnnl::convolution_backward_weights(weights_pd);
}

void ConvLayer::InitPlainLoops(const dnnl::engine& engine, bool training) {
  plain_loops_ = true;
  const ConvShape& s = shape_;
  const bool blocked = s.in_channels > 1;
  loops_shape_ = SingleOutputConvShape{s.batch,          blocked ? s.in_channels / 16 : 1,
                                       blocked ? 16 : 1, s.in_side,
                                       s.out_side,       s.kernel,
                                       s.padding,        s.relu};
  src_desc_ = memory::desc({s.batch, s.in_channels, s.in_side, s.in_side}, dt::f32,
                           blocked ? tag::nChw16c : tag::nchw);
  const memory::desc dst_desc({s.batch, 1, s.out_side, s.out_side}, dt::f32, tag::nchw);
  dst_ = ZeroedMemory(dst_desc, engine);
  if (!params_->initialized()) {
    const memory::desc bias_desc({1}, dt::f32, tag::x);
    params_->weights_desc = memory::desc({1, s.in_channels, s.kernel, s.kernel}, dt::f32,
                                         blocked ? tag::aBcd16b : tag::oihw);
    for (memory* m :
         {&params_->weights, &params_->diff_weights, &params_->m_weights, &params_->v_weights}) {
      *m = ZeroedMemory(params_->weights_desc, engine);
    }
    for (memory* m : {&params_->bias, &params_->diff_bias, &params_->m_bias, &params_->v_bias}) {
      *m = ZeroedMemory(bias_desc, engine);
    }
  }
  if (!training) return;
  diff_pre_ = ZeroedMemory(dst_desc, engine);
  if (need_diff_src_) diff_src_ = ZeroedMemory(src_desc_, engine);
  const size_t weight_count = params_->weights_desc.get_size() / sizeof(float);
  loops_scratch_.assign(static_cast<size_t>(s.batch) * (weight_count + 1), 0.0f);
}

void ConvLayer::Forward(dnnl::stream& stream, const memory& src) {
  if (plain_loops_) {
    stream.wait();
    SingleOutputConvForward(loops_shape_, static_cast<const float*>(src.get_data_handle()),
                            FloatData(params_->weights), *FloatData(params_->bias),
                            FloatData(dst_));
    return;
  }
  forward_.execute(stream, {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, params_->kernel_weights()},
                            {DNNL_ARG_BIAS, params_->bias},
                            {DNNL_ARG_DST, dst_}});
}

void ConvLayer::Backward(dnnl::stream& stream, const memory& src, const memory& diff_dst) {
  if (plain_loops_) {
    stream.wait();
    SingleOutputConvBackward(
        loops_shape_, static_cast<const float*>(src.get_data_handle()), FloatData(params_->weights),
        FloatData(dst_), static_cast<const float*>(diff_dst.get_data_handle()),
        FloatData(diff_pre_), FloatData(params_->diff_weights), FloatData(params_->diff_bias),
        need_diff_src_ ? FloatData(diff_src_) : nullptr, loops_scratch_.data());
    return;
  }
  const memory* diff_pre = &diff_dst;
  if (shape_.relu) {
    relu_backward_.execute(
        stream,
        {{DNNL_ARG_DST, dst_}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_pre_}});
    diff_pre = &diff_pre_;
  }
  backward_weights_.execute(stream, {{DNNL_ARG_SRC, src},
                                     {DNNL_ARG_DIFF_DST, *diff_pre},
                                     {DNNL_ARG_DIFF_WEIGHTS, params_->diff_weights},
                                     {DNNL_ARG_DIFF_BIAS, params_->diff_bias}});
  if (!need_diff_src_) return;
  if (reorder_weights_) {
    weights_to_bwd_.execute(
        stream, {{DNNL_ARG_FROM, params_->kernel_weights()}, {DNNL_ARG_TO, bwd_weights_}});
  }
  backward_data_.execute(
      stream, {{DNNL_ARG_DIFF_DST, *diff_pre},
               {DNNL_ARG_WEIGHTS, reorder_weights_ ? bwd_weights_ : params_->kernel_weights()},
               {DNNL_ARG_DIFF_SRC, diff_src_}});
}

}  // namespace dnz::train::onednn
