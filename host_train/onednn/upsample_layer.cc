#include "onednn/upsample_layer.h"

#include "onednn/zeroed_memory.h"

namespace dnz::train::onednn {

using dnnl::memory;

UpsampleLayer::UpsampleLayer(const dnnl::engine& engine, int batch, int channels, int in_side,
                             const memory::desc& src_desc, bool training) {
  const memory::desc dst_any({batch, channels, 2 * in_side, 2 * in_side}, src_desc.data_type(),
                             memory::format_tag::any);
  const auto prop =
      training ? dnnl::prop_kind::forward_training : dnnl::prop_kind::forward_inference;
  const dnnl::resampling_forward::primitive_desc fwd_pd(
      {prop, dnnl::algorithm::resampling_nearest, src_desc, dst_any}, engine);
  forward_ = dnnl::resampling_forward(fwd_pd);
  dst_ = ZeroedMemory(fwd_pd.dst_desc(), engine);
  if (!training) return;
  const dnnl::resampling_backward::primitive_desc bwd_pd(
      {dnnl::algorithm::resampling_nearest, src_desc, fwd_pd.dst_desc()}, engine, fwd_pd);
  backward_ = dnnl::resampling_backward(bwd_pd);
  diff_src_ = ZeroedMemory(src_desc, engine);
}

void UpsampleLayer::Forward(dnnl::stream& stream, const memory& src) {
  forward_.execute(stream, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst_}});
}

void UpsampleLayer::Backward(dnnl::stream& stream, const memory& diff_dst) {
  backward_.execute(stream, {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_src_}});
}

}  // namespace dnz::train::onednn
