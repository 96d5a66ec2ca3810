// libgomp's GOMP_parallel, where every OpenMP parallel region starts (ours, compiled by GCC,
// and libdnnl's), for the test programs that define their own GOMP_parallel: threads_test
// counts the regions, and under ThreadSanitizer every test program passes the regions on
// through here (tsan_test_support.cc).
//
// Under ThreadSanitizer this also tells TSan what the OpenMP specification guarantees and
// libgomp does without TSan seeing it: everything the starting thread did before the region
// happens before the region's body on every thread of its team (the fork), and everything
// each thread did in the body happens before what the starting thread does after the region
// (the join, the implicit barrier at its end). libgomp is not instrumented and wakes its pooled
// threads with futexes and atomics of its own, so without this TSan sees no order between a
// region and the code around it and reports every buffer a region writes and the caller then
// reads (LLVM's libomp tells TSan the same through its Archer tool). Nothing else is assumed:
// a race between two threads of one region, or between threads that OpenMP does not order, is
// still reported.
#ifndef DNZ_TESTS_TSAN_GOMP_PARALLEL_H_
#define DNZ_TESTS_TSAN_GOMP_PARALLEL_H_

namespace dnz::test {

// Runs the region on libgomp's GOMP_parallel (the next definition after the calling
// program's, found with dlsym(RTLD_NEXT)).
void CallLibgompParallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags);

}  // namespace dnz::test

#endif  // DNZ_TESTS_TSAN_GOMP_PARALLEL_H_
