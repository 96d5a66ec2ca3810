// The requantization rule against a 128-bit reference, over random cases and
// the edges of its domain; and the 32-bit SIMD form against the rule.
#include "dnz_internal/requantize.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace dnz {
namespace {

__extension__ typedef __int128 Int128;

// floor((acc * m + 2^(s-1)) / 2^s) computed in 128 bits with an explicit floor.
int64_t Reference(int32_t acc, int32_t m, int s) {
  const Int128 numerator = Int128(acc) * m + (Int128(1) << (s - 1));
  const Int128 divisor = Int128(1) << s;
  Int128 q = numerator / divisor;  // truncates toward zero
  if (numerator % divisor != 0 && numerator < 0) --q;
  return int64_t(q);
}

TEST(Requantize, MatchesReferenceOnRandomCases) {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<int32_t> acc_dist(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> m_dist(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> s_dist(1, 62);
  for (int i = 0; i < 2000000; ++i) {
    const int32_t acc = i % 4 == 0 ? acc_dist(rng) % 70000 : acc_dist(rng);
    const int32_t m = m_dist(rng);
    const int s = s_dist(rng);
    ASSERT_EQ(RequantizeToInt64(acc, m, s), Reference(acc, m, s))
        << "acc " << acc << " m " << m << " s " << s;
  }
}

TEST(Requantize, RoundsHalfUpAtExactHalves) {
  // multiplier 2^30 and shift 31 is a scale of exactly 1/2.
  EXPECT_EQ(RequantizeToInt64(3, 1 << 30, 31), 2);    // 1.5 -> 2
  EXPECT_EQ(RequantizeToInt64(-3, 1 << 30, 31), -1);  // -1.5 -> -1 (half up)
  EXPECT_EQ(RequantizeToInt64(-1, 1 << 30, 31), 0);   // -0.5 -> 0
  EXPECT_EQ(RequantizeToInt64(1, 1 << 30, 31), 1);    // 0.5 -> 1
}

TEST(Requantize, ExtremesDoNotOverflow) {
  for (int s : {1, 31, 32, 33, 62}) {
    EXPECT_EQ(RequantizeToInt64(INT32_MIN, INT32_MAX, s), Reference(INT32_MIN, INT32_MAX, s));
    EXPECT_EQ(RequantizeToInt64(INT32_MAX, INT32_MAX, s), Reference(INT32_MAX, INT32_MAX, s));
  }
}

TEST(Requantize, ClampsAndAppliesReluLowerBound) {
  EXPECT_EQ(RequantizeToInt8(1 << 20, 1 << 30, 31, 0, -128), 127);
  EXPECT_EQ(RequantizeToInt8(-(1 << 20), 1 << 30, 31, 0, -128), -128);
  EXPECT_EQ(RequantizeToInt8(-10, 1 << 30, 31, -100, -100), -100);  // ReLU at the zero point
  EXPECT_EQ(RequantizeToInt8(10, 1 << 30, 31, -100, -100), -95);
}

TEST(Requantize, High32FormEqualsTheRuleForLargeShifts) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int32_t> acc_dist(INT32_MIN, INT32_MAX);
  std::uniform_int_distribution<int32_t> m_dist(1 << 30, INT32_MAX);
  std::uniform_int_distribution<int> s_dist(kMinShiftForHigh32, 62);
  for (int i = 0; i < 2000000; ++i) {
    const int32_t acc = acc_dist(rng), m = m_dist(rng);
    const int s = s_dist(rng);
    const int32_t rounding = int32_t(1) << (s - kMinShiftForHigh32);
    ASSERT_EQ(RequantizeHigh32(acc, m, rounding, s - 32), RequantizeToInt64(acc, m, s))
        << "acc " << acc << " m " << m << " s " << s;
  }
}

}  // namespace
}  // namespace dnz
