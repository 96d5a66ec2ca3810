// Message formatting of our own: the C library's vsnprintf may allocate (newlib's float
// formatting takes its big-number buffers from malloc), and the runtime must never
// allocate, error paths included. It knows what the runtime's messages use:
// %d %u %zu %s %c %g %%. %g follows C's rules (6 significant digits, fixed or
// exponent form, trailing zeros removed); the digits come from double arithmetic
// with at most two roundings, so a 7th digit within about 1e-15 of a half could
// round the other way than glibc's exact conversion (tests/edge checks 10^6 floats
// against glibc: none did).
#include "error_message.h"

#include <cmath>
#include <cstdint>

namespace dnz {
namespace {

// Appends to buffer[size]: truncates silently, keeps room for the terminating NUL.
class TextWriter {
 public:
  TextWriter(char* buffer, size_t size) : buffer_(buffer), size_(size) {}
  ~TextWriter() { buffer_[used_] = '\0'; }

  void Put(char c) {
    if (used_ + 1 < size_) buffer_[used_++] = c;
  }
  void Text(const char* text) {
    if (text == nullptr) text = "(null)";
    while (*text != '\0') Put(*text++);
  }
  // `digits` decimal digits of value, leading zeros kept (digits 0: as many as needed).
  void Decimal(uint64_t value, int digits = 0) {
    char reversed[20];
    int n = 0;
    do {
      reversed[n++] = char('0' + value % 10);
      value /= 10;
    } while (value != 0 && n < 20);
    while (n < digits && n < 20) reversed[n++] = '0';
    while (n > 0) Put(reversed[--n]);
  }
  void Signed(int64_t value) {
    if (value < 0) Put('-');
    Decimal(value < 0 ? uint64_t(0) - uint64_t(value) : uint64_t(value));
  }
  void General(double value);

 private:
  char* buffer_;
  size_t size_;
  size_t used_ = 0;
};

constexpr int kGeneralDigits = 6;         // %g's default precision
constexpr uint64_t kGeneralLow = 100000;  // 10^(kGeneralDigits - 1)

// 10^n as a double: exact up to 10^22, then one rounding per extra factor.
double PowerOfTen(int n) {
  double result = 1.0;
  double factor = 10.0;
  for (int bits = n; bits > 0; bits >>= 1) {
    if (bits & 1) result *= factor;
    factor *= factor;
  }
  return result;
}

// magnitude * 10^shift, rounded to the nearest integer, ties to even (as C's
// conversions do for a value exactly halfway).
uint64_t ScaledRound(double magnitude, int shift) {
  double scaled;
  if (shift >= 0) {
    scaled = shift > 300 ? magnitude * PowerOfTen(300) * PowerOfTen(shift - 300)
                         : magnitude * PowerOfTen(shift);
  } else {
    scaled = -shift > 300 ? magnitude / PowerOfTen(300) / PowerOfTen(-shift - 300)
                          : magnitude / PowerOfTen(-shift);
  }
  uint64_t whole = uint64_t(scaled);
  const double fraction = scaled - double(whole);
  if (fraction > 0.5 || (fraction == 0.5 && (whole & 1) != 0)) ++whole;
  return whole;
}

void TextWriter::General(double value) {
  if (value != value) {
    Text(std::signbit(value) ? "-nan" : "nan");
    return;
  }
  if (std::signbit(value)) Put('-');
  const double magnitude = std::signbit(value) ? -value : value;
  if (magnitude == 0.0) {
    Put('0');
    return;
  }
  if (magnitude > 1.7976931348623157e308) {
    Text("inf");
    return;
  }
  // The decimal exponent: magnitude in [10^exponent, 10^(exponent + 1)).
  int exponent = 0;
  for (double bound = 1.0; magnitude >= bound * 10.0 && exponent < 400; bound *= 10.0) ++exponent;
  for (double bound = 1.0; magnitude < bound && exponent > -400; bound /= 10.0) --exponent;
  // Six significant digits; rounding may carry into a seventh (9.999995 -> 10.0000).
  uint64_t digits = ScaledRound(magnitude, kGeneralDigits - 1 - exponent);
  if (digits < kGeneralLow) {  // the exponent estimate was one too high
    --exponent;
    digits = ScaledRound(magnitude, kGeneralDigits - 1 - exponent);
  }
  if (digits >= kGeneralLow * 10) {
    ++exponent;
    digits = ScaledRound(magnitude, kGeneralDigits - 1 - exponent);
  }
  const bool fixed = exponent >= -4 && exponent < kGeneralDigits;
  // The digits as "d.ddddd" (exponent form) or placed around the point (fixed form).
  char text[kGeneralDigits];
  for (int i = kGeneralDigits - 1; i >= 0; --i, digits /= 10) text[i] = char('0' + digits % 10);
  int last = kGeneralDigits - 1;           // trailing zeros of the fraction go
  const int point = fixed ? exponent : 0;  // digits before the point: point + 1
  while (last > point && last >= 0 && text[last] == '0') --last;
  if (fixed && exponent < 0) {
    Text("0.");
    for (int i = exponent + 1; i < 0; ++i) Put('0');
    for (int i = 0; i <= last; ++i) Put(text[i]);
    return;
  }
  for (int i = 0; i <= last; ++i) {
    Put(text[i]);
    if (i == point && i < last) Put('.');
  }
  if (!fixed) {
    Put('e');
    Put(exponent < 0 ? '-' : '+');
    Decimal(uint64_t(exponent < 0 ? -exponent : exponent), 2);
  }
}

}  // namespace

void FormatErrorArgs(char* buffer, size_t size, const char* format, const FormatArg* args,
                     size_t count) {
  if (buffer == nullptr || size == 0) return;
  TextWriter out(buffer, size);
  size_t next = 0;
  for (const char* p = format; *p != '\0'; ++p) {
    if (*p != '%') {
      out.Put(*p);
      continue;
    }
    const char conversion = *++p;
    if (conversion == '\0') break;  // a lone '%' at the end
    if (conversion == '%') {
      out.Put('%');
      continue;
    }
    if (conversion == 'z' && p[1] == 'u') ++p;  // %zu
    if (next == count) {                        // more conversions than arguments
      out.Text("(missing)");
      continue;
    }
    const FormatArg& arg = args[next++];
    switch (arg.kind) {
      case FormatArg::kSigned:
        if (conversion == 'c') {
          out.Put(char(arg.signed_value));
        } else {
          out.Signed(arg.signed_value);
        }
        break;
      case FormatArg::kUnsigned:  // char is unsigned on some targets (aarch64)
        if (conversion == 'c') {
          out.Put(char(arg.unsigned_value));
        } else {
          out.Decimal(arg.unsigned_value);
        }
        break;
      case FormatArg::kReal:
        out.General(arg.real);
        break;
      case FormatArg::kText:
        out.Text(arg.text);
        break;
    }
  }
}

}  // namespace dnz
