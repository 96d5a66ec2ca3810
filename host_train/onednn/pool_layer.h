// 2x2 stride-2 max pool on oneDNN, ceil mode: an odd side is padded at the bottom/right
// (Keras padding='same', 7 -> 4). Inputs are ReLU outputs (>= 0), so how the padding is
// valued cannot change the result.
#ifndef DNZ_HOST_TRAIN_ONEDNN_POOL_LAYER_H_
#define DNZ_HOST_TRAIN_ONEDNN_POOL_LAYER_H_

#include <oneapi/dnnl/dnnl.hpp>

namespace dnz::train::onednn {

class MaxPoolLayer {
 public:
  MaxPoolLayer(const dnnl::engine& engine, int batch, int channels, int in_side,
               const dnnl::memory::desc& src_desc, bool training);

  const dnnl::memory& dst() const { return dst_; }
  const dnnl::memory& diff_src() const { return diff_src_; }

  void Forward(dnnl::stream& stream, const dnnl::memory& src);
  void Backward(dnnl::stream& stream, const dnnl::memory& diff_dst);

 private:
  dnnl::memory dst_, workspace_, diff_src_;
  dnnl::pooling_forward forward_;
  dnnl::pooling_backward backward_;
};

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_POOL_LAYER_H_
