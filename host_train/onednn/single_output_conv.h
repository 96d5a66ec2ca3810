// Plain-loop kernels for a conv with ONE output channel (the seed's 5x5 32 -> 1 bottleneck
// and the 3x3 1 -> 1 last layer), stride 1. oneDNN's blocked kernels pad that single output
// channel to 16 and so do 16x the work, or fall back to their slow reference kernel.
// Layouts: src [N][CB][H][W][B] (B = 16: oneDNN's nChw16c; B = 1: plain NCHW with one
// channel), weights [CB][K][K][B] (oneDNN's aBcd16b / oihw for one output), dst [N][OH][OW].
// Sums over the batch are made per image and then added in image order, so results do not
// depend on the thread count.
#ifndef DNZ_HOST_TRAIN_ONEDNN_SINGLE_OUTPUT_CONV_H_
#define DNZ_HOST_TRAIN_ONEDNN_SINGLE_OUTPUT_CONV_H_

namespace dnz::train::onednn {

struct SingleOutputConvShape {
  int batch = 1;
  int channel_blocks = 1;  // CB
  int block = 1;           // B: 1 or 16
  int in_side = 1;
  int out_side = 1;
  int kernel = 3;
  int padding = 0;
  bool relu = false;
};

void SingleOutputConvForward(const SingleOutputConvShape& shape, const float* src,
                             const float* weights, float bias, float* dst);

// `dst` is the forward output (for the ReLU mask). Writes diff_pre (the gradient before the
// ReLU), diff_weights, diff_bias and, when not null, diff_src. `scratch` holds
// batch * (CB * K * K * B + 1) floats.
void SingleOutputConvBackward(const SingleOutputConvShape& shape, const float* src,
                              const float* weights, const float* dst, const float* diff_dst,
                              float* diff_pre, float* diff_weights, float* diff_bias,
                              float* diff_src, float* scratch);

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_SINGLE_OUTPUT_CONV_H_
