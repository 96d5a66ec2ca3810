#include "onednn/upsample_conv_layer.h"

#include <cstring>
#include <unordered_map>

#include "onednn/polyphase_weights.h"
#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

}  // namespace

bool UpsampleConvLayer::Supports(const ConvShape& shape) {
  return shape.kernel == 3 && shape.padding == 1 && shape.in_side == shape.out_side &&
         shape.in_side % 2 == 0 && shape.out_channels % 16 == 0 && shape.in_channels > 1;
}

UpsampleConvLayer::UpsampleConvLayer(const dnnl::engine& engine, const ConvShape& shape,
                                     const memory::desc& src_desc, ConvParams* params,
                                     bool training, bool need_diff_src)
    : shape_(shape),
      params_(params),
      need_diff_src_(need_diff_src),
      side_(shape.in_side / 2),
      src_desc_(src_desc) {
  const memory::dim n = shape.batch, oc = shape.out_channels, ic = shape.in_channels, h = side_;
  const dt type = shape.data_type;
  const memory::desc bias_desc({oc}, dt::f32, tag::x);
  if (!params->initialized()) {
    params->weights_desc = memory::desc({oc, ic, 3, 3}, dt::f32, tag::oihw);
    for (memory* m :
         {&params->weights, &params->diff_weights, &params->m_weights, &params->v_weights}) {
      *m = ZeroedMemory(params->weights_desc, engine);
    }
    for (memory* m : {&params->bias, &params->diff_bias, &params->m_bias, &params->v_bias}) {
      *m = ZeroedMemory(bias_desc, engine);
    }
  }
  const size_t kernel_floats = size_t(oc) * size_t(ic) * 4;
  kernels_.assign(4 * kernel_floats, 0.0f);
  diff_kernels_.assign(4 * kernel_floats, 0.0f);
  const memory::desc kernel_plain_desc({oc, ic, 2, 2}, dt::f32, tag::oihw);
  const memory::desc dst_desc({n, oc, h, h}, type, tag::nChw16c);
  dnnl::primitive_attr attr;
  if (shape.relu) {
    dnnl::post_ops ops;
    ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
    attr.set_post_ops(ops);
  }
  const auto prop =
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  std::vector<memory::desc> diff_src_descs;
  for (int p = 0; p < 4; ++p) {
    Parity& part = parities_[size_t(p)];
    const memory::dim py = p >> 1, px = p & 1;
    const memory::dims pad_before = {1 - py, 1 - px}, pad_after = {py, px}, strides = {1, 1};
    const memory::desc kernel_any({oc, ic, 2, 2}, type, tag::any);
    const dnnl::convolution_forward::primitive_desc fwd_pd(
        {prop, dnnl::algorithm::convolution_direct, src_desc, kernel_any, bias_desc, dst_desc,
         strides, pad_before, pad_after},
        attr, engine);
    part.forward = dnnl::convolution_forward(fwd_pd);
    part.kernel_plain = memory(kernel_plain_desc, engine, kernels_.data() + p * kernel_floats);
    part.kernel = ZeroedMemory(fwd_pd.weights_desc(), engine);
    part.to_kernel = dnnl::reorder(part.kernel_plain, part.kernel);
    part.dst = ZeroedMemory(fwd_pd.dst_desc(), engine);
    if (!training) continue;
    part.diff_dst = ZeroedMemory(fwd_pd.dst_desc(), engine);
    part.diff_pre = ZeroedMemory(fwd_pd.dst_desc(), engine);
    if (shape.relu) {
      const dnnl::eltwise_forward::primitive_desc relu_hint(
          {dnnl::prop_kind::forward_training, dnnl::algorithm::eltwise_relu_use_dst_for_bwd,
           fwd_pd.dst_desc(), 0.0f, 0.0f},
          engine);
      part.relu_backward = dnnl::eltwise_backward(
          dnnl::eltwise_backward::primitive_desc({dnnl::algorithm::eltwise_relu_use_dst_for_bwd,
                                                  fwd_pd.dst_desc(), fwd_pd.dst_desc(), 0.0f, 0.0f},
                                                 engine, relu_hint));
    }
    const dnnl::convolution_backward_weights::primitive_desc weights_pd(
        {dnnl::algorithm::convolution_direct, src_desc,
         memory::desc({oc, ic, 2, 2}, dt::f32, tag::any), bias_desc, fwd_pd.dst_desc(), strides,
         pad_before, pad_after},
        engine, fwd_pd);
    part.backward_weights = dnnl::convolution_backward_weights(weights_pd);
    part.diff_kernel = ZeroedMemory(weights_pd.diff_weights_desc(), engine);
    part.diff_kernel_plain =
        memory(kernel_plain_desc, engine, diff_kernels_.data() + p * kernel_floats);
    part.diff_kernel_to_plain = dnnl::reorder(part.diff_kernel, part.diff_kernel_plain);
    part.diff_bias = ZeroedMemory(bias_desc, engine);
    if (!need_diff_src) continue;
    const dnnl::convolution_backward_data::primitive_desc data_pd(
        {dnnl::algorithm::convolution_direct, src_desc, kernel_any, fwd_pd.dst_desc(), strides,
         pad_before, pad_after},
        engine, fwd_pd);
    part.backward_data = dnnl::convolution_backward_data(data_pd);
    // Backward-data reads the forward's kernel unless it wants another layout.
    part.separate_bwd_kernel = data_pd.weights_desc() != part.kernel.get_desc();
    part.bwd_kernel =
        part.separate_bwd_kernel ? ZeroedMemory(data_pd.weights_desc(), engine) : part.kernel;
    if (part.separate_bwd_kernel) {
      part.to_bwd_kernel = dnnl::reorder(part.kernel_plain, part.bwd_kernel);
    }
    part.diff_src = ZeroedMemory(data_pd.diff_src_desc(), engine);
    diff_src_descs.push_back(data_pd.diff_src_desc());
  }
  dst_ = ZeroedMemory(memory::desc({n, oc, 2 * h, 2 * h}, type, tag::nChw16c), engine);
  if (training && need_diff_src) {
    diff_src_ = ZeroedMemory(src_desc, engine);
    const dnnl::sum::primitive_desc sum_pd(src_desc, {1.0f, 1.0f, 1.0f, 1.0f}, diff_src_descs,
                                           engine);
    sum_diff_src_ = dnnl::sum(sum_pd);
  }
}

void UpsampleConvLayer::Forward(dnnl::stream& stream, const memory& src) {
  const int oc = shape_.out_channels, ic = shape_.in_channels;
  PolyphaseKernels(FloatData(params_->weights), oc, ic, kernels_.data());
  const void* parity_dst[4];
  for (int p = 0; p < 4; ++p) {
    Parity& part = parities_[size_t(p)];
    part.to_kernel.execute(stream, part.kernel_plain, part.kernel);
    part.forward.execute(stream, {{DNNL_ARG_SRC, src},
                                  {DNNL_ARG_WEIGHTS, part.kernel},
                                  {DNNL_ARG_BIAS, params_->bias},
                                  {DNNL_ARG_DST, part.dst}});
    parity_dst[p] = part.dst.get_data_handle();
  }
  stream.wait();
  const int bytes = shape_.data_type == dt::f32 ? 4 : 2;
  InterleaveParities(parity_dst, shape_.batch, oc / 16, side_, side_, bytes,
                     dst_.get_data_handle());
}

void UpsampleConvLayer::Backward(dnnl::stream& stream, const memory& src, const memory& diff_dst) {
  const int oc = shape_.out_channels, ic = shape_.in_channels;
  void* parity_diff[4];
  for (int p = 0; p < 4; ++p) parity_diff[p] = parities_[size_t(p)].diff_dst.get_data_handle();
  stream.wait();
  const int bytes = shape_.data_type == dt::f32 ? 4 : 2;
  DeinterleaveParities(diff_dst.get_data_handle(), shape_.batch, oc / 16, side_, side_, bytes,
                       parity_diff);
  for (Parity& part : parities_) {
    const memory* diff_pre = &part.diff_dst;
    if (shape_.relu) {
      part.relu_backward.execute(stream, {{DNNL_ARG_DST, part.dst},
                                          {DNNL_ARG_DIFF_DST, part.diff_dst},
                                          {DNNL_ARG_DIFF_SRC, part.diff_pre}});
      diff_pre = &part.diff_pre;
    }
    part.backward_weights.execute(stream, {{DNNL_ARG_SRC, src},
                                           {DNNL_ARG_DIFF_DST, *diff_pre},
                                           {DNNL_ARG_DIFF_WEIGHTS, part.diff_kernel},
                                           {DNNL_ARG_DIFF_BIAS, part.diff_bias}});
    part.diff_kernel_to_plain.execute(stream, part.diff_kernel, part.diff_kernel_plain);
    if (need_diff_src_) {
      if (part.separate_bwd_kernel) {
        part.to_bwd_kernel.execute(stream, part.kernel_plain, part.bwd_kernel);
      }
      part.backward_data.execute(stream, {{DNNL_ARG_DIFF_DST, *diff_pre},
                                          {DNNL_ARG_WEIGHTS, part.bwd_kernel},
                                          {DNNL_ARG_DIFF_SRC, part.diff_src}});
    }
  }
  if (need_diff_src_) {
    std::unordered_map<int, memory> args{{DNNL_ARG_DST, diff_src_}};
    for (int p = 0; p < 4; ++p) args[DNNL_ARG_MULTIPLE_SRC + p] = parities_[size_t(p)].diff_src;
    sum_diff_src_.execute(stream, args);
  }
  stream.wait();
  FoldPolyphaseGradients(diff_kernels_.data(), oc, ic, FloatData(params_->diff_weights));
  float* diff_bias = FloatData(params_->diff_bias);
  for (int c = 0; c < oc; ++c) {
    float sum = 0.0f;
    for (const Parity& part : parities_) sum += FloatData(part.diff_bias)[c];
    diff_bias[c] = sum;
  }
}

}  // namespace dnz::train::onednn
