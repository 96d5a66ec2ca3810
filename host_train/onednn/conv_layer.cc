#include "onednn/conv_layer.h"

#include <cstring>

#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

}  // namespace

ConvLayer::ConvLayer(const dnnl::engine& engine, const ConvShape& shape,
                     const memory::desc& src_desc, ConvParams* params, bool training,
                     bool need_diff_src)
    : shape_(shape), params_(params), need_diff_src_(need_diff_src) {
  const memory::dims weights_dims = {shape.out_channels, shape.in_channels, shape.kernel,
                                     shape.kernel};
  const memory::desc weights_any(weights_dims, dt::f32, tag::any);
  const memory::desc bias_desc({shape.out_channels}, dt::f32, tag::x);
  const memory::desc dst_any({shape.batch, shape.out_channels, shape.out_side, shape.out_side},
                             dt::f32, tag::any);
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
      params->initialized() ? params->weights_desc : weights_any, bias_desc, dst_any, strides,
      padding, padding);
  const dnnl::convolution_forward::primitive_desc fwd_pd(fwd_desc, attr, engine);
  forward_ = dnnl::convolution_forward(fwd_pd);
  src_desc_ = fwd_pd.src_desc();
  dst_ = ZeroedMemory(fwd_pd.dst_desc(), engine);

  if (!params->initialized()) {
    params->weights_desc = fwd_pd.weights_desc();
    params->weights = ZeroedMemory(params->weights_desc, engine);
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
    if (data_pd.weights_desc() != params->weights_desc) {
      reorder_weights_ = true;
      bwd_weights_ = ZeroedMemory(data_pd.weights_desc(), engine);
      weights_to_bwd_ = dnnl::reorder(params->weights, bwd_weights_);
    }
  }
  const dnnl::convolution_backward_weights::primitive_desc weights_pd(
      {dnnl::algorithm::convolution_direct, src_desc_, params->weights_desc, bias_desc, dst_desc,
       strides, padding, padding},
      engine, fwd_pd);
  backward_weights_ = dnnl::convolution_backward_weights(weights_pd);
}

void ConvLayer::Forward(dnnl::stream& stream, const memory& src) {
  forward_.execute(stream, {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, params_->weights},
                            {DNNL_ARG_BIAS, params_->bias},
                            {DNNL_ARG_DST, dst_}});
}

void ConvLayer::Backward(dnnl::stream& stream, const memory& src, const memory& diff_dst) {
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
  if (reorder_weights_) weights_to_bwd_.execute(stream, params_->weights, bwd_weights_);
  backward_data_.execute(stream,
                         {{DNNL_ARG_DIFF_DST, *diff_pre},
                          {DNNL_ARG_WEIGHTS, reorder_weights_ ? bwd_weights_ : params_->weights},
                          {DNNL_ARG_DIFF_SRC, diff_src_}});
}

}  // namespace dnz::train::onednn
