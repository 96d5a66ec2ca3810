// Nearest-neighbour x2 upsample on oneDNN (resampling_nearest): out(y, x) = in(y / 2, x / 2);
// its backward sums each 2x2 block of output gradients.
#ifndef DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_LAYER_H_
#define DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_LAYER_H_

#include <oneapi/dnnl/dnnl.hpp>

namespace dnz::train::onednn {

class UpsampleLayer {
 public:
  UpsampleLayer(const dnnl::engine& engine, int batch, int channels, int in_side,
                const dnnl::memory::desc& src_desc, bool training);

  const dnnl::memory& dst() const { return dst_; }
  const dnnl::memory& diff_src() const { return diff_src_; }

  void Forward(dnnl::stream& stream, const dnnl::memory& src);
  void Backward(dnnl::stream& stream, const dnnl::memory& diff_dst);

 private:
  dnnl::memory dst_, diff_src_;
  dnnl::resampling_forward forward_;
  dnnl::resampling_backward backward_;
};

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_UPSAMPLE_LAYER_H_
