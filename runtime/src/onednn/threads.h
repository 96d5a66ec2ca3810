// How many OpenMP threads a pass of the onednn backend runs on, and the two tools that
// apply the choice on the per-image path without allocating. Only for files built with
// OpenMP (the onednn backend and the x86 kernels it calls). One thread up to 3 images, the
// usable cores from 4: a second thread loses on small passes and costs up to 50x beside a
// busy core (docs/benchmarks.md, "Threads of an inference pass").
#ifndef DNZ_RUNTIME_SRC_ONEDNN_THREADS_H_
#define DNZ_RUNTIME_SRC_ONEDNN_THREADS_H_

#include <omp.h>
#include <sched.h>

#include <cstdint>

namespace dnz {

// The smallest pass that `auto` runs on more than one thread.
constexpr uint32_t kAutoThreadedMinImages = 4;

// The threads of a pass of `images` images: what the session asked for (> 0), or for
// auto (0) one thread below kAutoThreadedMinImages images and `usable` from there.
constexpr int PassThreads(int32_t requested, uint32_t images, int usable) {
  if (requested > 0) return requested;
  return images >= kAutoThreadedMinImages && usable > 1 ? usable : 1;
}

// The cores this thread may run on (sched_getaffinity), at most omp_get_max_threads()
// (OMP_NUM_THREADS or the caller's omp_set_num_threads), at least 1.
inline int UsableThreads() {
  int usable = omp_get_max_threads();
  cpu_set_t cores;
  CPU_ZERO(&cores);
  if (sched_getaffinity(0, sizeof cores, &cores) == 0) {
    const int count = CPU_COUNT(&cores);
    if (count > 0 && count < usable) usable = count;
  }
  return usable > 1 ? usable : 1;
}

// Sets the calling thread's OpenMP thread count (the count oneDNN reads when it creates
// a primitive, and in the parts of a primitive that ask at execution) for a scope, and
// restores it. No allocation, except libgomp's per-thread block the first time a thread
// changes its count (made at init on the initialising thread).
class ScopedOmpThreads {
 public:
  explicit ScopedOmpThreads(int threads) : saved_(omp_get_max_threads()) {
    if (threads != saved_) omp_set_num_threads(threads);
  }
  ~ScopedOmpThreads() {
    if (omp_get_max_threads() != saved_) omp_set_num_threads(saved_);
  }
  ScopedOmpThreads(const ScopedOmpThreads&) = delete;
  ScopedOmpThreads& operator=(const ScopedOmpThreads&) = delete;

 private:
  int saved_;
};

// body(i) for i in [0, n), split statically over `threads` threads. One thread (or one
// item) runs inline, outside any OpenMP region: libgomp allocates a team for every
// region of one thread (and a one-item region would only wake a thread to do nothing).
template <typename Body>
void ParallelFor(int threads, int64_t n, const Body& body) {
  if (threads <= 1 || n <= 1) {
    for (int64_t i = 0; i < n; ++i) body(i);
    return;
  }
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) body(i);
}

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ONEDNN_THREADS_H_
