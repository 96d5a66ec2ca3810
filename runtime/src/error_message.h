// One way to report an error: a status code plus one line of text, formatted into
// the fixed buffer of the model or session (no heap, no exceptions).
#ifndef DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_
#define DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_

#include <cstddef>

#include "dnz/dnz.h"

namespace dnz {

// Writes the printf-style message into buffer[size] (truncated, always terminated).
void FormatError(char* buffer, size_t size, const char* format, ...)
    __attribute__((format(printf, 3, 4)));

// FormatError into the model's or session's error text, then returns `status`.
#define DNZ_FAIL(object, status, ...) \
  (::dnz::FormatError((object)->error, sizeof((object)->error), __VA_ARGS__), (status))

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ERROR_MESSAGE_H_
