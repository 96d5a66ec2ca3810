#include "onednn/pool_layer.h"

#include "network/seed_network.h"
#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {

using dnnl::memory;

MaxPoolLayer::MaxPoolLayer(const dnnl::engine& engine, int batch, int channels, int in_side,
                           const memory::desc& src_desc, bool training) {
  const int out_side = PooledSide(in_side);
  const memory::dim pad_end = 2 * out_side - in_side;  // 1 when the side is odd
  const memory::desc dst_any({batch, channels, out_side, out_side}, src_desc.data_type(),
                             memory::format_tag::any);
  const memory::dims strides = {2, 2}, kernel = {2, 2}, pad_begin = {0, 0},
                     pad_end_dims = {pad_end, pad_end};
  const auto prop =
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  const dnnl::pooling_forward::primitive_desc fwd_pd(
      {prop, dnnl::algorithm::pooling_max, src_desc, dst_any, strides, kernel, pad_begin,
       pad_end_dims},
      engine);
  forward_ = dnnl::pooling_forward(fwd_pd);
  dst_ = ZeroedMemory(fwd_pd.dst_desc(), engine);
  if (!training) return;
  workspace_ = ZeroedMemory(fwd_pd.workspace_desc(), engine);
  const dnnl::pooling_backward::primitive_desc bwd_pd(
      {dnnl::algorithm::pooling_max, src_desc, fwd_pd.dst_desc(), strides, kernel, pad_begin,
       pad_end_dims},
      engine, fwd_pd);
  backward_ = dnnl::pooling_backward(bwd_pd);
  diff_src_ = ZeroedMemory(src_desc, engine);
}

void MaxPoolLayer::Forward(dnnl::stream& stream, const memory& src) {
  if (workspace_) {
    forward_.execute(stream,
                     {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}, {DNNL_ARG_WORKSPACE, workspace_}});
  } else {
    forward_.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
  }
}

void MaxPoolLayer::Backward(dnnl::stream& stream, const memory& diff_dst) {
  backward_.execute(stream, {{DNNL_ARG_DIFF_DST, diff_dst},
                             {DNNL_ARG_WORKSPACE, workspace_},
                             {DNNL_ARG_DIFF_SRC, diff_src_}});
}

}  // namespace dnz::train::onednn
