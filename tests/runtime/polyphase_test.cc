// The polyphase form of upsample + 3x3 conv (runtime/internal/dnz_internal/polyphase.h), checked in
// plain integers: four 2x2 convs on the small input give the conv over the
// upsampled input exactly, and the int8 check refuses sums that do not fit.
#include "dnz_internal/polyphase.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace dnz::test {
namespace {

constexpr int kH = 5, kW = 4, kIn = 3, kOut = 2;

// Conv 3x3 'same' over the nearest-upsampled input, at output (y, x), channel oc.
int32_t UpsampledConv(const std::vector<int8_t>& w, const std::vector<uint8_t>& x, int oc, int y,
                      int x_out) {
  int32_t sum = 0;
  for (int ky = 0; ky < 3; ++ky) {
    for (int kx = 0; kx < 3; ++kx) {
      const int uy = y + ky - 1, ux = x_out + kx - 1;
      if (uy < 0 || uy >= 2 * kH || ux < 0 || ux >= 2 * kW) continue;
      for (int ic = 0; ic < kIn; ++ic) {
        sum += w[((oc * 3 + ky) * 3 + kx) * kIn + ic] * x[((uy >> 1) * kW + (ux >> 1)) * kIn + ic];
      }
    }
  }
  return sum;
}

TEST(Polyphase, FourTwoByTwoConvsEqualTheUpsampledConv) {
  std::mt19937 rng(5);
  std::vector<int8_t> w(kOut * 9 * kIn);
  for (auto& v : w) v = int8_t(int(rng() % 61) - 30);  // sums of 4 stay within int8
  std::vector<uint8_t> x(kH * kW * kIn);
  for (auto& v : x) v = uint8_t(rng());
  int checked = 0;
  for (int py = 0; py < 2; ++py) {
    for (int px = 0; px < 2; ++px) {
      std::vector<int8_t> kernel(kOut * 4 * kIn);
      ASSERT_TRUE(PolyphaseKernel(w.data(), kOut, kIn, py, px, kernel.data()));
      for (int oc = 0; oc < kOut; ++oc) {
        for (int i = 0; i < kH; ++i) {
          for (int j = 0; j < kW; ++j) {
            // Tap (ry, rx) reads original pixel (i + ry - 1 + py, j + rx - 1 + px).
            int32_t sum = 0;
            for (int ry = 0; ry < 2; ++ry) {
              for (int rx = 0; rx < 2; ++rx) {
                const int sy = i + ry - 1 + py, sx = j + rx - 1 + px;
                if (sy < 0 || sy >= kH || sx < 0 || sx >= kW) continue;
                for (int ic = 0; ic < kIn; ++ic) {
                  sum += kernel[((oc * 2 + ry) * 2 + rx) * kIn + ic] * x[(sy * kW + sx) * kIn + ic];
                }
              }
            }
            ASSERT_EQ(sum, UpsampledConv(w, x, oc, 2 * i + py, 2 * j + px))
                << "parity " << py << px << " oc " << oc << " at " << i << "," << j;
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 4 * kOut * kH * kW);
}

TEST(Polyphase, SumsOutsideInt8AreRefused) {
  std::vector<int8_t> w(9 * kIn, 0);
  // Kernel rows 1-2, columns 1-2 of input channel 1: parity (0, 0) sums all four.
  for (int ky = 1; ky < 3; ++ky)
    for (int kx = 1; kx < 3; ++kx) w[(ky * 3 + kx) * kIn + 1] = 40;
  EXPECT_EQ(PolyphaseMaxAbsSum(w.data(), kIn), 160);
  std::vector<int8_t> kernel(4 * kIn);
  EXPECT_FALSE(PolyphaseKernel(w.data(), 1, kIn, 0, 0, kernel.data()));
  EXPECT_TRUE(PolyphaseKernel(w.data(), 1, kIn, 1, 1, kernel.data()));  // 40 per tap there
  w[(1 * 3 + 1) * kIn + 1] = -40;
  EXPECT_EQ(PolyphaseMaxAbsSum(w.data(), kIn), 80);
}

}  // namespace
}  // namespace dnz::test
