// Plain-loop double-precision layers of the seed network, NCHW: the specification the
// oneDNN (and later cuDNN) backends are tested against, and itself checked against finite
// differences. Slow on purpose: obvious code, no layouts, no threads.
#ifndef DNZ_HOST_TRAIN_REFERENCE_REFERENCE_LAYERS_H_
#define DNZ_HOST_TRAIN_REFERENCE_REFERENCE_LAYERS_H_

#include <cstddef>
#include <vector>

namespace dnz::train::reference {

struct Tensor {
  int n = 0, c = 0, h = 0, w = 0;
  std::vector<double> data;  // [n][c][h][w]

  Tensor() = default;
  Tensor(int n_, int c_, int h_, int w_)
      : n(n_), c(c_), h(h_), w(w_), data(static_cast<size_t>(n_) * c_ * h_ * w_, 0.0) {}
  size_t Index(int in, int ic, int y, int x) const {
    return ((static_cast<size_t>(in) * c + ic) * h + y) * w + x;
  }
  double& at(int in, int ic, int y, int x) { return data[Index(in, ic, y, x)]; }
  double at(int in, int ic, int y, int x) const { return data[Index(in, ic, y, x)]; }
};

// Cross-correlation, stride 1, `pad` zeros on every side; weights [out_c][in_c][k][k].
void ConvForward(const Tensor& in, const std::vector<double>& weights,
                 const std::vector<double>& bias, int out_channels, int kernel, int pad,
                 Tensor* out);
// Gradients of a conv given dloss/dout. `diff_in` may be null.
void ConvBackward(const Tensor& in, const std::vector<double>& weights, const Tensor& diff_out,
                  int kernel, int pad, Tensor* diff_in, std::vector<double>* diff_weights,
                  std::vector<double>* diff_bias);

void ReluForward(Tensor* t);
// diff *= (out > 0), with `out` the ReLU's output.
void ReluBackward(const Tensor& out, Tensor* diff);

// Fake quantization (quantization-aware training; network/fake_quant.h's rule in double):
// each value becomes scale * (clamp(floor(v / scale + 0.5) + zero_point, -128, 127) -
// zero_point). Its straight-through backward: diff *= (the level of `out`, the quantized
// values, lies strictly between -128 and 127).
void FakeQuantForward(double scale, int zero_point, Tensor* t);
void FakeQuantBackward(double scale, int zero_point, const Tensor& out, Tensor* diff);

// 2x2 stride-2 max pool, ceil mode (odd sides padded bottom/right, padding never wins).
// `argmax` receives, for each output, the flat input index it came from (first max wins).
void MaxPoolForward(const Tensor& in, Tensor* out, std::vector<size_t>* argmax);
void MaxPoolBackward(const Tensor& in_shape, const std::vector<size_t>& argmax,
                     const Tensor& diff_out, Tensor* diff_in);

// Nearest x2: out(y, x) = in(y / 2, x / 2); backward sums each 2x2 block.
void UpsampleForward(const Tensor& in, Tensor* out);
void UpsampleBackward(const Tensor& diff_out, Tensor* diff_in);

// Mean over all values of max(z,0) - z*y + log(1 + exp(-|z|)); `diff` (optional) gets the
// gradient of that mean with respect to z.
double SigmoidBce(const Tensor& logits, const Tensor& target, Tensor* diff);

}  // namespace dnz::train::reference

#endif  // DNZ_HOST_TRAIN_REFERENCE_REFERENCE_LAYERS_H_
