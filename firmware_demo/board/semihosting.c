#include "semihosting.h"

#include <stdint.h>

enum {
  kSysWrite0 = 0x04,       /* r1: a NUL-terminated string */
  kSysExitExtended = 0x20, /* r1: {reason, exit status} (semihosting 2.0, QEMU has it) */
  kApplicationExit = 0x20026
};

static uintptr_t semihosting_call(uintptr_t operation, const void* argument) {
  register uintptr_t r0 __asm__("r0") = operation;
  register const void* r1 __asm__("r1") = argument;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}

void board_write(const char* text) { semihosting_call(kSysWrite0, text); }

void board_exit(int status) {
  const uintptr_t block[2] = {kApplicationExit, (uintptr_t)status};
  semihosting_call(kSysExitExtended, block);
  for (;;) {
  }
}
