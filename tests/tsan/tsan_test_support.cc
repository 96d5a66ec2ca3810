// Linked into every test program of a ThreadSanitizer build (DNZ_SANITIZE=thread,
// tests/tsan/CMakeLists.txt):
// - GOMP_parallel, weak so that a test's own hook (threads_test.cc) takes its place: every
//   OpenMP region, libdnnl's included, goes through CallLibgompParallel, which tells TSan of
//   the region's fork and join (gomp_parallel.h says why);
// - TSan's default options: the committed suppressions (suppressions.txt, each entry says
//   why), and a test program that saw a race exits with 66 even where the test passed.
#include "gomp_parallel.h"

extern "C" {

__attribute__((weak)) void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads,
                                         unsigned flags) {
  dnz::test::CallLibgompParallel(fn, data, num_threads, flags);
}

const char* __tsan_default_options() {
  return "suppressions=" DNZ_TSAN_SUPPRESSIONS ":exitcode=66:second_deadlock_stack=1";
}

}  // extern "C"
