#include "gomp_parallel.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace dnz::test {
namespace {

using GompParallel = void (*)(void (*)(void*), void*, unsigned, unsigned);

GompParallel Libgomp() {
  static const GompParallel real = [] {
    GompParallel found = nullptr;
    void* symbol = dlsym(RTLD_NEXT, "GOMP_parallel");
    if (symbol == nullptr) {
      std::fprintf(stderr, "GOMP_parallel: libgomp's not found (%s)\n", dlerror());
      std::abort();
    }
    std::memcpy(&found, &symbol, sizeof found);
    return found;
  }();
  return real;
}

#if defined(__SANITIZE_THREAD__)
// One region: its body, and the two addresses TSan's fork and join are synchronised on. Two,
// not one: the threads of a team acquire only the fork's, so that one thread's end of the
// body is not made to happen before another's start (a race between them stays visible).
struct Region {
  void (*fn)(void*);
  void* data;
  char fork;
  char join;
};

// Each thread of the team (the starting one included) runs the body after the fork and
// before the join.
void AnnotatedBody(void* argument) {
  Region* region = static_cast<Region*>(argument);
  __tsan_acquire(&region->fork);
  region->fn(region->data);
  __tsan_release(&region->join);
}
#endif

}  // namespace

void CallLibgompParallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags) {
#if defined(__SANITIZE_THREAD__)
  Region region{fn, data, 0, 0};
  __tsan_release(&region.fork);
  Libgomp()(AnnotatedBody, &region, num_threads, flags);
  __tsan_acquire(&region.join);  // every thread's release
#else
  Libgomp()(fn, data, num_threads, flags);
#endif
}

}  // namespace dnz::test
