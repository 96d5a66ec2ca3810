#include "onednn/conv_layer.h"

#include <algorithm>
#include <cstring>
#include <vector>

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
  if (shape.in_channels == 1 && shape.out_channels == 1) {
    InitPlainLoops(engine, training);
    return;
  }
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

void ConvLayer::InitPlainLoops(const dnnl::engine& engine, bool training) {
  plain_loops_ = true;
  const ConvShape& s = shape_;
  src_desc_ = memory::desc({s.batch, 1, s.in_side, s.in_side}, dt::f32, tag::nchw);
  const memory::desc dst_desc({s.batch, 1, s.out_side, s.out_side}, dt::f32, tag::nchw);
  dst_ = ZeroedMemory(dst_desc, engine);
  if (!params_->initialized()) {
    const memory::desc bias_desc({1}, dt::f32, tag::x);
    params_->weights_desc = memory::desc({1, 1, s.kernel, s.kernel}, dt::f32, tag::oihw);
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
}

void ConvLayer::PlainForward(const float* src, float* dst) const {
  const ConvShape& s = shape_;
  const float* w = static_cast<const float*>(params_->weights.get_data_handle());
  const float bias = *static_cast<const float*>(params_->bias.get_data_handle());
  const int k = s.kernel, pad = s.padding, in = s.in_side, out = s.out_side;
#pragma omp parallel for schedule(static)
  for (int n = 0; n < s.batch; ++n) {
    const float* image = src + static_cast<size_t>(n) * in * in;
    float* result = dst + static_cast<size_t>(n) * out * out;
    for (int y = 0; y < out; ++y) {
      for (int x = 0; x < out; ++x) {
        float sum = bias;
        for (int ky = 0; ky < k; ++ky) {
          const int iy = y + ky - pad;
          if (iy < 0 || iy >= in) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = x + kx - pad;
            if (ix >= 0 && ix < in) sum += w[ky * k + kx] * image[iy * in + ix];
          }
        }
        result[y * out + x] = (s.relu && sum < 0.0f) ? 0.0f : sum;
      }
    }
  }
}

void ConvLayer::PlainBackward(const float* src, const float* diff_dst) {
  const ConvShape& s = shape_;
  const float* w = static_cast<const float*>(params_->weights.get_data_handle());
  const float* dst = static_cast<const float*>(dst_.get_data_handle());
  float* diff_pre = static_cast<float*>(diff_pre_.get_data_handle());
  float* diff_src = need_diff_src_ ? static_cast<float*>(diff_src_.get_data_handle()) : nullptr;
  const int k = s.kernel, pad = s.padding, in = s.in_side, out = s.out_side;
  const size_t taps = static_cast<size_t>(k) * k;
  // Per-image partial sums (kernel taps, then bias), added in order: independent of threads.
  std::vector<double> partial(static_cast<size_t>(s.batch) * (taps + 1), 0.0);
#pragma omp parallel for schedule(static)
  for (int n = 0; n < s.batch; ++n) {
    const float* image = src + static_cast<size_t>(n) * in * in;
    const float* out_image = dst + static_cast<size_t>(n) * out * out;
    const float* grad_in = diff_dst + static_cast<size_t>(n) * out * out;
    float* grad = diff_pre + static_cast<size_t>(n) * out * out;
    for (int i = 0; i < out * out; ++i) {
      grad[i] = (s.relu && !(out_image[i] > 0.0f)) ? 0.0f : grad_in[i];
    }
    double* sums = partial.data() + static_cast<size_t>(n) * (taps + 1);
    if (diff_src != nullptr) {
      std::fill(diff_src + static_cast<size_t>(n) * in * in,
                diff_src + static_cast<size_t>(n + 1) * in * in, 0.0f);
    }
    for (int y = 0; y < out; ++y) {
      for (int x = 0; x < out; ++x) {
        const float g = grad[y * out + x];
        sums[taps] += g;
        for (int ky = 0; ky < k; ++ky) {
          const int iy = y + ky - pad;
          if (iy < 0 || iy >= in) continue;
          for (int kx = 0; kx < k; ++kx) {
            const int ix = x + kx - pad;
            if (ix < 0 || ix >= in) continue;
            sums[ky * k + kx] += static_cast<double>(g) * image[iy * in + ix];
            if (diff_src != nullptr) {
              diff_src[static_cast<size_t>(n) * in * in + iy * in + ix] += g * w[ky * k + kx];
            }
          }
        }
      }
    }
  }
  float* diff_w = static_cast<float*>(params_->diff_weights.get_data_handle());
  float* diff_b = static_cast<float*>(params_->diff_bias.get_data_handle());
  for (size_t t = 0; t <= taps; ++t) {
    double total = 0.0;
    for (int n = 0; n < s.batch; ++n) total += partial[static_cast<size_t>(n) * (taps + 1) + t];
    (t < taps ? diff_w[t] : diff_b[0]) = static_cast<float>(total);
  }
}

void ConvLayer::Forward(dnnl::stream& stream, const memory& src) {
  if (plain_loops_) {
    stream.wait();
    PlainForward(static_cast<const float*>(src.get_data_handle()),
                 static_cast<float*>(dst_.get_data_handle()));
    return;
  }
  forward_.execute(stream, {{DNNL_ARG_SRC, src},
                            {DNNL_ARG_WEIGHTS, params_->weights},
                            {DNNL_ARG_BIAS, params_->bias},
                            {DNNL_ARG_DST, dst_}});
}

void ConvLayer::Backward(dnnl::stream& stream, const memory& src, const memory& diff_dst) {
  if (plain_loops_) {
    stream.wait();
    PlainBackward(static_cast<const float*>(src.get_data_handle()),
                  static_cast<const float*>(diff_dst.get_data_handle()));
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
  if (reorder_weights_) weights_to_bwd_.execute(stream, params_->weights, bwd_weights_);
  backward_data_.execute(stream,
                         {{DNNL_ARG_DIFF_DST, *diff_pre},
                          {DNNL_ARG_WEIGHTS, reorder_weights_ ? bwd_weights_ : params_->weights},
                          {DNNL_ARG_DIFF_SRC, diff_src_}});
}

}  // namespace dnz::train::onednn
