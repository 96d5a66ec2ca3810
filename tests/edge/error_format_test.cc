// The runtime's own message formatter (runtime/src/error_message.h), which replaced the C
// library's vsnprintf so that no error path allocates: it must print what printf would.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "error_message.h"

namespace {

template <typename... Args>
std::string Format(const char* format, const Args&... args) {
  char text[DNZ_ERROR_CHARS];
  dnz::FormatError(text, sizeof text, format, args...);
  return text;
}

std::string Glibc(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

TEST(ErrorFormatTest, GeneralMatchesPrintfOnAMillionFloats) {
  std::mt19937 random(20261125);
  int mismatches = 0;
  for (int i = 0; i < 1000000; ++i) {
    const uint32_t bits = uint32_t(random());
    float value;
    std::memcpy(&value, &bits, sizeof value);
    if (Format("%g", double(value)) != Glibc(double(value)) && ++mismatches <= 5) {
      ADD_FAILURE() << "bits " << std::hex << bits << ": " << Format("%g", double(value)) << " vs "
                    << Glibc(double(value));
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(ErrorFormatTest, GeneralMatchesPrintfAtTheEdges) {
  const double values[] = {0.0,
                           -0.0,
                           1.0,
                           0.5,
                           -0.00123457,
                           1.0 / 255.0,
                           9.9999949,
                           9.999995,
                           999999.5,
                           123456.0,
                           1234567.0,
                           1e-4,
                           1e-5,
                           1e300,
                           std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::max(),
                           double(std::numeric_limits<float>::denorm_min()),
                           double(std::numeric_limits<float>::max()),
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::infinity(),
                           std::nan(""),
                           -std::nan("")};
  for (double value : values) EXPECT_EQ(Format("%g", value), Glibc(value)) << value;
}

TEST(ErrorFormatTest, IntegersWhateverTheirType) {
  EXPECT_EQ(
      Format("op %u (conv): %s has %u entries, expected %d", uint32_t(3), "bias", 7u, int32_t(-8)),
      "op 3 (conv): bias has 7 entries, expected -8");
  EXPECT_EQ(Format("%zu bytes, %d%%, %c", size_t(1) << 40, INT32_MIN, 'x'),
            "1099511627776 bytes, -2147483648%, x");
  EXPECT_EQ(Format("%d %u", int64_t(INT64_MIN), uint64_t(UINT64_MAX)),
            "-9223372036854775808 18446744073709551615");
}

TEST(ErrorFormatTest, TruncatesAndAlwaysTerminates) {
  char text[8];
  std::memset(text, 'z', sizeof text);
  dnz::FormatError(text, sizeof text, "tensor %u is missing", 12345u);
  EXPECT_STREQ(text, "tensor ");
  dnz::FormatError(text, 1, "anything");
  EXPECT_STREQ(text, "");
}

TEST(ErrorFormatTest, MissingArgumentsAndStrayPercentSigns) {
  EXPECT_EQ(Format("%u and %u", 1u), "1 and (missing)");
  EXPECT_EQ(Format("100%"), "100");
  EXPECT_EQ(Format("%s", static_cast<const char*>(nullptr)), "(null)");
}

}  // namespace
