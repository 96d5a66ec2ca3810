// operator new, for trap_selftest.c.
#include <new>

extern "C" void trap_selftest_new() {
  int* volatile value = new int(7);
  (void)value;
}
