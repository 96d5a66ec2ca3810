// The parity form of upsample + 3x3 conv for training (host_train/onednn/polyphase_weights.h):
// the four 2x2 kernels give the conv over the upsampled input, the gradient fold is the
// exact transpose of the kernel map, and interleaving puts every parity pixel in place.
#include "onednn/polyphase_weights.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace dnz::train::onednn {
namespace {

constexpr int kH = 4, kW = 5, kIn = 3, kOut = 2;

TEST(PolyphaseWeights, FourTwoByTwoConvsEqualTheUpsampledConv) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<float> w(kOut * kIn * 9), x(kIn * kH * kW);  // OIHW weights, CHW input
  for (float& v : w) v = float(u(rng));
  for (float& v : x) v = float(u(rng));
  std::vector<float> kernels(4 * kOut * kIn * 4);
  PolyphaseKernels(w.data(), kOut, kIn, kernels.data());
  for (int oc = 0; oc < kOut; ++oc) {
    for (int y = 0; y < 2 * kH; ++y) {
      for (int xo = 0; xo < 2 * kW; ++xo) {
        double expected = 0;  // 3x3 'same' conv over the nearest-upsampled input
        for (int ic = 0; ic < kIn; ++ic)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              const int uy = y + ky - 1, ux = xo + kx - 1;
              if (uy < 0 || uy >= 2 * kH || ux < 0 || ux >= 2 * kW) continue;
              expected += double(w[(oc * kIn + ic) * 9 + ky * 3 + kx]) *
                          x[(ic * kH + (uy >> 1)) * kW + (ux >> 1)];
            }
        const int py = y & 1, px = xo & 1, i = y >> 1, j = xo >> 1, p = py * 2 + px;
        double got =
            0;  // parity p's 2x2 conv: tap (ry, rx) reads (i + ry - 1 + py, j + rx - 1 + px)
        for (int ic = 0; ic < kIn; ++ic)
          for (int ry = 0; ry < 2; ++ry)
            for (int rx = 0; rx < 2; ++rx) {
              const int sy = i + ry - 1 + py, sx = j + rx - 1 + px;
              if (sy < 0 || sy >= kH || sx < 0 || sx >= kW) continue;
              got += double(kernels[(((p * kOut + oc) * kIn + ic) * 2 + ry) * 2 + rx]) *
                     x[(ic * kH + sy) * kW + sx];
            }
        ASSERT_NEAR(got, expected, 1e-5) << "oc " << oc << " at " << y << "," << xo;
      }
    }
  }
}

TEST(PolyphaseWeights, GradientFoldIsTheTransposeOfTheKernelMap) {
  // <PolyphaseKernels(w), g> == <w, FoldPolyphaseGradients(g)> for random w and g.
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<float> w(kOut * kIn * 9), g(4 * kOut * kIn * 4);
  for (float& v : w) v = float(u(rng));
  for (float& v : g) v = float(u(rng));
  std::vector<float> kernels(g.size()), folded(w.size(), 99.0f);
  PolyphaseKernels(w.data(), kOut, kIn, kernels.data());
  FoldPolyphaseGradients(g.data(), kOut, kIn, folded.data());
  double left = 0, right = 0;
  for (size_t i = 0; i < g.size(); ++i) left += double(kernels[i]) * g[i];
  for (size_t i = 0; i < w.size(); ++i) right += double(w[i]) * folded[i];
  EXPECT_NEAR(left, right, 1e-4);
  // Each 3x3 weight appears exactly four times across the 16 taps of the 4 parities.
  std::vector<float> ones(g.size(), 1.0f);
  FoldPolyphaseGradients(ones.data(), kOut, kIn, folded.data());
  for (float v : folded) EXPECT_EQ(v, 4.0f);
}

TEST(PolyphaseWeights, InterleaveRoundTripsAndPlacesEveryPixel) {
  constexpr int kBatch = 2, kBlocks = 2, kBytes = 4;
  const size_t parity_floats = size_t(kBatch) * kBlocks * kH * kW * 16;
  std::vector<std::vector<float>> parities(4, std::vector<float>(parity_floats));
  for (int p = 0; p < 4; ++p)
    for (size_t i = 0; i < parity_floats; ++i) parities[p][i] = float(p * 1000000 + int(i));
  const void* in[4] = {parities[0].data(), parities[1].data(), parities[2].data(),
                       parities[3].data()};
  std::vector<float> full(4 * parity_floats, -1.0f);
  InterleaveParities(in, kBatch, kBlocks, kH, kW, kBytes, full.data());
  // Pixel (2i + py, 2j + px) of the full tensor holds parity (py, px)'s pixel (i, j).
  for (int n = 0; n < kBatch; ++n)
    for (int cb = 0; cb < kBlocks; ++cb)
      for (int y = 0; y < 2 * kH; ++y)
        for (int x = 0; x < 2 * kW; ++x)
          for (int c = 0; c < 16; ++c) {
            const int p = (y & 1) * 2 + (x & 1);
            const size_t src =
                (((size_t(n) * kBlocks + cb) * kH + (y >> 1)) * kW + (x >> 1)) * 16 + c;
            const size_t dst = (((size_t(n) * kBlocks + cb) * 2 * kH + y) * 2 * kW + x) * 16 + c;
            ASSERT_EQ(full[dst], parities[p][src]);
          }
  std::vector<std::vector<float>> back(4, std::vector<float>(parity_floats, 0.0f));
  void* out[4] = {back[0].data(), back[1].data(), back[2].data(), back[3].data()};
  DeinterleaveParities(full.data(), kBatch, kBlocks, kH, kW, kBytes, out);
  EXPECT_EQ(back, parities);
}

}  // namespace
}  // namespace dnz::train::onednn
