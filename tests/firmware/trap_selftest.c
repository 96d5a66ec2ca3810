/* Proves the allocation traps work, so that firmware_demo passing means "nothing
 * allocated": this image allocates on purpose, in the way TRAP_SELFTEST_KIND names, and
 * CTest expects the trap's message (tests/firmware/CMakeLists.txt). */
#include <stdio.h>
#include <stdlib.h>

#include "print.h"

void trap_selftest_new(void); /* trap_selftest_new.cc */

int main(void) {
  char text[32];
  switch (TRAP_SELFTEST_KIND) {
    case 0: { /* malloc itself */
      void* volatile block = malloc(16);
      (void)block;
      break;
    }
    case 1: /* C++ operator new */
      trap_selftest_new();
      break;
    case 2: /* newlib's float formatting, what the runtime's messages used to do */
      snprintf(text, sizeof text, "scale %g", 0.5);
      print_text(text);
      break;
  }
  print_text("no trap: the allocation went through\n");
  return 0;
}
