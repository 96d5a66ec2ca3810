// The double-precision reference layers against central finite differences.
#include "reference/reference_layers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <functional>

#include "data/noise.h"

namespace dnz::train::reference {
namespace {

void Randomize(std::vector<double>* v, uint64_t seed, double lo = -1.0, double hi = 1.0) {
  data::Xoshiro256 rng(seed);
  for (double& x : *v) x = lo + (hi - lo) * rng.NextDouble();
}

// Loss = sum(out * probe) so that dloss/dout = probe.
double Dot(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (size_t i = 0; i < a.data.size(); ++i) s += a.data[i] * b.data[i];
  return s;
}

void ExpectGradientMatches(const std::function<double()>& loss, std::vector<double>* x,
                           const std::vector<double>& analytic, double tolerance = 1e-6) {
  const double h = 1e-6;
  for (size_t i = 0; i < x->size(); ++i) {
    const double saved = (*x)[i];
    (*x)[i] = saved + h;
    const double up = loss();
    (*x)[i] = saved - h;
    const double down = loss();
    (*x)[i] = saved;
    ASSERT_NEAR(analytic[i], (up - down) / (2 * h), tolerance) << "index " << i;
  }
}

TEST(ReferenceLayers, ConvGradientsMatchFiniteDifferences) {
  for (const auto& [kernel, pad] : {std::pair{3, 1}, std::pair{5, 0}}) {
    Tensor in(2, 3, 7, 7);
    Randomize(&in.data, 1);
    std::vector<double> w(static_cast<size_t>(4 * 3 * kernel * kernel)), b(4);
    Randomize(&w, 2);
    Randomize(&b, 3);
    Tensor out;
    ConvForward(in, w, b, 4, kernel, pad, &out);
    Tensor probe = out;
    Randomize(&probe.data, 4);
    Tensor diff_in;
    std::vector<double> dw, db;
    ConvBackward(in, w, probe, kernel, pad, &diff_in, &dw, &db);
    auto loss = [&] {
      Tensor o;
      ConvForward(in, w, b, 4, kernel, pad, &o);
      return Dot(o, probe);
    };
    ExpectGradientMatches(loss, &in.data, diff_in.data);
    ExpectGradientMatches(loss, &w, dw);
    ExpectGradientMatches(loss, &b, db);
  }
}

TEST(ReferenceLayers, MaxPoolCeilModeGradientsMatchFiniteDifferences) {
  Tensor in(2, 2, 7, 7);  // odd side: the Keras 'same' 7 -> 4 case
  Randomize(&in.data, 5, 0.0, 1.0);
  Tensor out;
  std::vector<size_t> argmax;
  MaxPoolForward(in, &out, &argmax);
  ASSERT_EQ(out.h, 4);
  EXPECT_EQ(out.at(0, 0, 3, 3), in.at(0, 0, 6, 6));  // the corner window holds one pixel
  Tensor probe = out;
  Randomize(&probe.data, 6);
  Tensor diff_in;
  MaxPoolBackward(in, argmax, probe, &diff_in);
  auto loss = [&] {
    Tensor o;
    std::vector<size_t> a;
    MaxPoolForward(in, &o, &a);
    return Dot(o, probe);
  };
  ExpectGradientMatches(loss, &in.data, diff_in.data);
}

TEST(ReferenceLayers, UpsampleAndReluGradientsMatchFiniteDifferences) {
  Tensor in(1, 2, 3, 3);
  Randomize(&in.data, 7);
  Tensor out;
  UpsampleForward(in, &out);
  EXPECT_EQ(out.at(0, 1, 5, 4), in.at(0, 1, 2, 2));
  Tensor probe = out;
  Randomize(&probe.data, 8);
  Tensor diff_in;
  UpsampleBackward(probe, &diff_in);
  auto up_loss = [&] {
    Tensor o;
    UpsampleForward(in, &o);
    return Dot(o, probe);
  };
  ExpectGradientMatches(up_loss, &in.data, diff_in.data);

  Tensor relu_out = in;
  ReluForward(&relu_out);
  Tensor relu_probe = in;
  Randomize(&relu_probe.data, 9);
  Tensor relu_diff = relu_probe;
  ReluBackward(relu_out, &relu_diff);
  auto relu_loss = [&] {
    Tensor o = in;
    ReluForward(&o);
    return Dot(o, relu_probe);
  };
  ExpectGradientMatches(relu_loss, &in.data, relu_diff.data);
}

TEST(ReferenceLayers, SigmoidBceGradientMatchesFiniteDifferences) {
  Tensor logits(2, 1, 3, 3), target(2, 1, 3, 3);
  Randomize(&logits.data, 10, -4.0, 4.0);
  Randomize(&target.data, 11, 0.0, 1.0);
  Tensor diff;
  SigmoidBce(logits, target, &diff);
  auto loss = [&] { return SigmoidBce(logits, target, nullptr); };
  ExpectGradientMatches(loss, &logits.data, diff.data, 1e-8);
  // Extreme logits stay finite (the fused, stable form).
  logits.data[0] = 800.0;
  logits.data[1] = -800.0;
  EXPECT_TRUE(std::isfinite(SigmoidBce(logits, target, nullptr)));
}

}  // namespace
}  // namespace dnz::train::reference
