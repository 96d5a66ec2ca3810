#include "reference/reference_layers.h"

#include <cmath>

#include "network/seed_network.h"

namespace dnz::train::reference {

void ConvForward(const Tensor& in, const std::vector<double>& weights,
                 const std::vector<double>& bias, int out_channels, int kernel, int pad,
                 Tensor* out) {
  const int oh = ConvOutputSide(in.h, kernel, pad, pad),
            ow = ConvOutputSide(in.w, kernel, pad, pad);
  *out = Tensor(in.n, out_channels, oh, ow);
  for (int n = 0; n < in.n; ++n)
    for (int o = 0; o < out_channels; ++o)
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
          double sum = bias[o];
          for (int i = 0; i < in.c; ++i)
            for (int ky = 0; ky < kernel; ++ky)
              for (int kx = 0; kx < kernel; ++kx) {
                const int iy = y + ky - pad, ix = x + kx - pad;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                sum += in.at(n, i, iy, ix) *
                       weights[((static_cast<size_t>(o) * in.c + i) * kernel + ky) * kernel + kx];
              }
          out->at(n, o, y, x) = sum;
        }
}

void ConvBackward(const Tensor& in, const std::vector<double>& weights, const Tensor& diff_out,
                  int kernel, int pad, Tensor* diff_in, std::vector<double>* diff_weights,
                  std::vector<double>* diff_bias) {
  if (diff_in != nullptr) *diff_in = Tensor(in.n, in.c, in.h, in.w);
  diff_weights->assign(weights.size(), 0.0);
  diff_bias->assign(static_cast<size_t>(diff_out.c), 0.0);
  for (int n = 0; n < in.n; ++n)
    for (int o = 0; o < diff_out.c; ++o)
      for (int y = 0; y < diff_out.h; ++y)
        for (int x = 0; x < diff_out.w; ++x) {
          const double g = diff_out.at(n, o, y, x);
          (*diff_bias)[o] += g;
          for (int i = 0; i < in.c; ++i)
            for (int ky = 0; ky < kernel; ++ky)
              for (int kx = 0; kx < kernel; ++kx) {
                const int iy = y + ky - pad, ix = x + kx - pad;
                if (iy < 0 || iy >= in.h || ix < 0 || ix >= in.w) continue;
                const size_t wi = ((static_cast<size_t>(o) * in.c + i) * kernel + ky) * kernel + kx;
                (*diff_weights)[wi] += g * in.at(n, i, iy, ix);
                if (diff_in != nullptr) diff_in->at(n, i, iy, ix) += g * weights[wi];
              }
        }
}

void ReluForward(Tensor* t) {
  for (double& v : t->data) v = v > 0.0 ? v : 0.0;
}

void ReluBackward(const Tensor& out, Tensor* diff) {
  for (size_t i = 0; i < diff->data.size(); ++i) {
    if (!(out.data[i] > 0.0)) diff->data[i] = 0.0;
  }
}

namespace {

double FakeQuantLevel(double x, double scale, int zero_point) {
  const double q = std::floor(x / scale + 0.5) + zero_point;
  return std::fmin(std::fmax(q, -128.0), 127.0);
}

}  // namespace

void FakeQuantForward(double scale, int zero_point, Tensor* t) {
  for (double& v : t->data) v = scale * (FakeQuantLevel(v, scale, zero_point) - zero_point);
}

void FakeQuantBackward(double scale, int zero_point, const Tensor& out, Tensor* diff) {
  for (size_t i = 0; i < diff->data.size(); ++i) {
    const double q = FakeQuantLevel(out.data[i], scale, zero_point);
    if (!(q > -128.0 && q < 127.0)) diff->data[i] = 0.0;
  }
}

void MaxPoolForward(const Tensor& in, Tensor* out, std::vector<size_t>* argmax) {
  const int oh = PooledSide(in.h), ow = PooledSide(in.w);
  *out = Tensor(in.n, in.c, oh, ow);
  argmax->assign(out->data.size(), 0);
  for (int n = 0; n < in.n; ++n)
    for (int c = 0; c < in.c; ++c)
      for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
          size_t best = in.Index(n, c, 2 * y, 2 * x);
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx) {
              const int iy = 2 * y + dy, ix = 2 * x + dx;
              if (iy >= in.h || ix >= in.w) continue;
              const size_t idx = in.Index(n, c, iy, ix);
              if (in.data[idx] > in.data[best]) best = idx;
            }
          out->at(n, c, y, x) = in.data[best];
          (*argmax)[out->Index(n, c, y, x)] = best;
        }
}

void MaxPoolBackward(const Tensor& in_shape, const std::vector<size_t>& argmax,
                     const Tensor& diff_out, Tensor* diff_in) {
  *diff_in = Tensor(in_shape.n, in_shape.c, in_shape.h, in_shape.w);
  for (size_t i = 0; i < diff_out.data.size(); ++i) diff_in->data[argmax[i]] += diff_out.data[i];
}

void UpsampleForward(const Tensor& in, Tensor* out) {
  *out = Tensor(in.n, in.c, 2 * in.h, 2 * in.w);
  for (int n = 0; n < in.n; ++n)
    for (int c = 0; c < in.c; ++c)
      for (int y = 0; y < out->h; ++y)
        for (int x = 0; x < out->w; ++x) out->at(n, c, y, x) = in.at(n, c, y / 2, x / 2);
}

void UpsampleBackward(const Tensor& diff_out, Tensor* diff_in) {
  *diff_in = Tensor(diff_out.n, diff_out.c, diff_out.h / 2, diff_out.w / 2);
  for (int n = 0; n < diff_out.n; ++n)
    for (int c = 0; c < diff_out.c; ++c)
      for (int y = 0; y < diff_out.h; ++y)
        for (int x = 0; x < diff_out.w; ++x)
          diff_in->at(n, c, y / 2, x / 2) += diff_out.at(n, c, y, x);
}

double SigmoidBce(const Tensor& logits, const Tensor& target, Tensor* diff) {
  const double count = static_cast<double>(logits.data.size());
  if (diff != nullptr) *diff = Tensor(logits.n, logits.c, logits.h, logits.w);
  double sum = 0.0;
  for (size_t i = 0; i < logits.data.size(); ++i) {
    const double z = logits.data[i], y = target.data[i];
    sum += std::fmax(z, 0.0) - z * y + std::log1p(std::exp(-std::fabs(z)));
    if (diff != nullptr) diff->data[i] = (1.0 / (1.0 + std::exp(-z)) - y) / count;
  }
  return sum / count;
}

}  // namespace dnz::train::reference
