#include "error_message.h"

#include <cstdarg>
#include <cstdio>

namespace dnz {

void FormatError(char* buffer, size_t size, const char* format, ...) {
  if (buffer == nullptr || size == 0) return;
  va_list args;
  va_start(args, format);
  std::vsnprintf(buffer, size, format, args);
  va_end(args);
}

}  // namespace dnz
