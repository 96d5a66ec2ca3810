#include "stack_usage.h"

#include <stdint.h>

extern uint32_t __stack_bottom[], __stack_top[];

static const uint32_t kPaint = 0x5AC3A55Au;

void stack_usage_paint(void) {
  /* Stop 64 bytes below this frame: what the caller is using is already in use. */
  uint32_t* const limit = (uint32_t*)__builtin_frame_address(0) - 16;
  for (volatile uint32_t* word = __stack_bottom; word < limit; ++word) *word = kPaint;
}

size_t stack_usage_peak_bytes(void) {
  const uint32_t* word = __stack_bottom;
  while (word < __stack_top && *word == kPaint) ++word;
  return (size_t)((uintptr_t)__stack_top - (uintptr_t)word);
}

size_t stack_usage_size_bytes(void) {
  return (size_t)((uintptr_t)__stack_top - (uintptr_t)__stack_bottom);
}
