// One way to report an error: a status code plus one line of text, formatted into
// the fixed buffer of the model or session (no heap, no exceptions).
#ifndef DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_
#define DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "dnz/dnz.h"

namespace dnz {

// One argument of a message, whatever its C++ type: int32_t is `long` on arm-none-eabi and
// `int` on x86, so the arguments are typed here rather than by printf's conversion letters.
struct FormatArg {
  enum Kind { kSigned, kUnsigned, kReal, kText } kind;
  union {
    int64_t signed_value;
    uint64_t unsigned_value;
    double real;
    const char* text;
  };
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_signed_v<T>, int> = 0>
  FormatArg(T value) : kind(kSigned), signed_value(value) {}  // NOLINT: implicit on purpose
  template <typename T, std::enable_if_t<std::is_integral_v<T> && std::is_unsigned_v<T>, int> = 0>
  FormatArg(T value) : kind(kUnsigned), unsigned_value(value) {}  // NOLINT
  FormatArg(double value) : kind(kReal), real(value) {}           // NOLINT
  FormatArg(const char* value) : kind(kText), text(value) {}      // NOLINT
};

// Writes the message into buffer[size] (truncated, always terminated). `format` is
// printf-like: each of %d %u %zu %g %s %c takes the next argument and prints it as what it is
// (an integer in decimal, a real as %g does, text); %% is a percent sign. Our own code, never
// the C library's printf, which may allocate (newlib's float formatting does).
void FormatErrorArgs(char* buffer, size_t size, const char* format, const FormatArg* args,
                     size_t count);

template <typename... Args>
void FormatError(char* buffer, size_t size, const char* format, const Args&... args) {
  const FormatArg list[sizeof...(Args) + 1] = {FormatArg(args)..., FormatArg(0)};
  FormatErrorArgs(buffer, size, format, list, sizeof...(Args));
}

// FormatError into the model's or session's error text, then returns `status`.
#define DNZ_FAIL(object, status, ...) \
  (::dnz::FormatError((object)->error, sizeof((object)->error), __VA_ARGS__), (status))

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_
