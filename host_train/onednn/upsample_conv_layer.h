// Nearest 2x upsample + 3x3 'same' conv (+ ReLU), trained as four 2x2 polyphase convs on the
// small input (onednn/polyphase_weights.h): 4 taps per output pixel instead of 9 and no
// upsampled tensor. The parameters stay the 3x3 weights, kept plain (OIHW, f32); each
// forward maps them to the four kernels, each backward folds the kernels' gradients back.
// Parity outputs and the full output are nChw16c (out_channels a multiple of 16).
#ifndef DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_CONV_LAYER_H_
#define DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_CONV_LAYER_H_

#include <array>
#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "onednn/conv_layer.h"

namespace dnz::train::onednn {

class UpsampleConvLayer : public Layer {
 public:
  // `shape` describes the conv on the upsampled input (in_side = 2 x the small side);
  // `src_desc` is the small input's layout.
  UpsampleConvLayer(const dnnl::engine& engine, const ConvShape& shape,
                    const dnnl::memory::desc& src_desc, ConvParams* params, bool training,
                    bool need_diff_src);
  static bool Supports(const ConvShape& shape);

  const dnnl::memory::desc& src_desc() const override { return src_desc_; }
  const dnnl::memory& dst() const override { return dst_; }
  const dnnl::memory& diff_src() const override { return diff_src_; }
  void Forward(dnnl::stream& stream, const dnnl::memory& src) override;
  void Backward(dnnl::stream& stream, const dnnl::memory& src,
                const dnnl::memory& diff_dst) override;

 private:
  struct Parity {
    dnnl::convolution_forward forward;
    dnnl::eltwise_backward relu_backward;
    dnnl::convolution_backward_weights backward_weights;
    dnnl::convolution_backward_data backward_data;
    dnnl::memory kernel_plain, kernel, bwd_kernel;  // plain f32 view, forward and bwd layouts
    dnnl::reorder to_kernel, to_bwd_kernel, diff_kernel_to_plain;
    bool separate_bwd_kernel = false;  // backward-data wants another kernel layout
    dnnl::memory dst, diff_dst, diff_pre, diff_kernel, diff_kernel_plain, diff_bias, diff_src;
  };

  ConvShape shape_;
  ConvParams* params_;
  bool need_diff_src_;
  int side_ = 0;  // the small input's side
  dnnl::memory::desc src_desc_;
  std::vector<float> kernels_, diff_kernels_;  // [4][out_c][in_c][2][2]
  std::array<Parity, 4> parities_;
  dnnl::memory dst_, diff_src_;
  dnnl::sum sum_diff_src_;
};

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_CONV_LAYER_H_
