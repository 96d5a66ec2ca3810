// One f32 conv layer of the seed network on oneDNN for one batch size: forward (with the
// ReLU fused as a post-op), and backward (ReLU from its output, data, weights and bias).
// Activations stay in the layouts oneDNN picks; the input layout is whatever the previous
// layer produced (pass format_tag::any for the first layer and read src_desc()).
// A conv with one output channel (the seed's 5x5 32 -> 1 and 3x3 1 -> 1 layers) runs on the
// kernels of single_output_conv.h instead: oneDNN's blocked kernels pad that channel to 16,
// and for 1 -> 1 it only has its slow reference backward-data kernel.
#ifndef DNZ_HOST_TRAIN_ONEDNN_CONV_LAYER_H_
#define DNZ_HOST_TRAIN_ONEDNN_CONV_LAYER_H_

#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "onednn/single_output_conv.h"

namespace dnz::train::onednn {

// Parameters and their Adam moments, shared by the layers of every batch size. The weights
// layout is chosen by the first layer made (the training batch) and imposed on the others,
// so parameters are reordered only when they enter or leave the backend.
struct ConvParams {
  dnnl::memory::desc weights_desc;  // blocked layout of [out_c][in_c][kh][kw]
  dnnl::memory weights, bias;       // bias: [out_c]
  dnnl::memory diff_weights, diff_bias;
  dnnl::memory m_weights, v_weights, m_bias, v_bias;
  // bf16 training: the kernels read a bf16 copy of the f32 master weights (same blocked
  // layout), refreshed by RefreshKernelWeights() after every change of the master.
  bool separate_kernel_weights = false;
  dnnl::memory kernel_weights_copy;
  dnnl::reorder master_to_kernel;

  bool initialized() const { return weights_desc.data.ndims != 0; }
  const dnnl::memory& kernel_weights() const {
    return separate_kernel_weights ? kernel_weights_copy : weights;
  }
  void RefreshKernelWeights(dnnl::stream& stream) {
    if (!separate_kernel_weights) return;
    master_to_kernel.execute(stream,
                             {{DNNL_ARG_FROM, weights}, {DNNL_ARG_TO, kernel_weights_copy}});
    stream.wait();
  }
};

struct ConvShape {
  int batch = 1;
  int in_channels = 1;
  int out_channels = 1;
  int in_side = 1;   // input H = W
  int out_side = 1;  // output H = W
  int kernel = 3;
  int padding = 1;  // each side
  bool relu = true;
  dnnl::memory::data_type data_type = dnnl::memory::data_type::f32;  // activations, kernels
};

// What the graph needs of a conv-like layer.
class Layer {
 public:
  virtual ~Layer() = default;
  virtual const dnnl::memory::desc& src_desc() const = 0;
  virtual const dnnl::memory& dst() const = 0;       // after the ReLU
  virtual const dnnl::memory& diff_src() const = 0;  // in src_desc()
  virtual void Forward(dnnl::stream& stream, const dnnl::memory& src) = 0;
  // `src` as given to Forward; `diff_dst` in dst().get_desc(). Overwrites the gradients.
  virtual void Backward(dnnl::stream& stream, const dnnl::memory& src,
                        const dnnl::memory& diff_dst) = 0;
};

class ConvLayer : public Layer {
 public:
  // `params` is initialized (layouts picked, memory allocated, zeroed) if it is not yet.
  // `training` builds the backward primitives too; `need_diff_src` is false for layer 1.
  ConvLayer(const dnnl::engine& engine, const ConvShape& shape, const dnnl::memory::desc& src_desc,
            ConvParams* params, bool training, bool need_diff_src);

  const dnnl::memory::desc& src_desc() const override { return src_desc_; }
  const dnnl::memory& dst() const override { return dst_; }
  const dnnl::memory& diff_src() const override { return diff_src_; }

  void Forward(dnnl::stream& stream, const dnnl::memory& src) override;
  void Backward(dnnl::stream& stream, const dnnl::memory& src,
                const dnnl::memory& diff_dst) override;

 private:
  void InitPlainLoops(const dnnl::engine& engine, bool training);

  bool plain_loops_ = false;
  SingleOutputConvShape loops_shape_;
  std::vector<float> loops_scratch_;  // [batch][weights + 1] per-image gradient sums
  ConvShape shape_;
  ConvParams* params_;
  bool need_diff_src_;
  dnnl::memory::desc src_desc_;
  dnnl::memory dst_, diff_pre_, diff_src_, bwd_weights_;
  dnnl::convolution_forward forward_;
  dnnl::eltwise_backward relu_backward_;
  dnnl::convolution_backward_data backward_data_;
  dnnl::convolution_backward_weights backward_weights_;
  dnnl::reorder weights_to_bwd_;  // only when backward-data wants another weights layout
  bool reorder_weights_ = false;
};

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_CONV_LAYER_H_
