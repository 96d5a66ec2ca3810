// The per-image path allocates nothing: every malloc/calloc/realloc and operator
// new in the process is counted while dnz_run_* runs. (Not built under ASan,
// which owns malloc itself.) For onednn the count is libdnnl's own, measured and
// printed; docs/runtime.md quotes it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "test_models.h"

extern "C" void* __libc_malloc(size_t size);
extern "C" void* __libc_calloc(size_t count, size_t size);
extern "C" void* __libc_realloc(void* pointer, size_t size);
extern "C" void* __libc_memalign(size_t alignment, size_t size);

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
void Count() {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1);
}
}  // namespace

extern "C" void* malloc(size_t size) {
  Count();
  return __libc_malloc(size);
}
extern "C" void* calloc(size_t count, size_t size) {
  Count();
  return __libc_calloc(count, size);
}
extern "C" void* realloc(void* pointer, size_t size) {
  Count();
  return __libc_realloc(pointer, size);
}
extern "C" int posix_memalign(void** out, size_t alignment, size_t size) {
  Count();
  *out = __libc_memalign(alignment, size);
  return *out != nullptr ? 0 : ENOMEM;
}
extern "C" void* aligned_alloc(size_t alignment, size_t size) {
  Count();
  return __libc_memalign(alignment, size);
}
void* operator new(size_t size) {
  Count();
  void* p = __libc_malloc(size != 0 ? size : 1);
  if (p == nullptr) std::abort();
  return p;
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace dnz::test {
namespace {

long AllocationsPerRun(dnz_backend backend, uint32_t batch, int runs) {
  Runner runner(RandomSeedModelBytes(21), backend, batch);
  EXPECT_EQ(runner.status, DNZ_OK) << dnz_session_error(&runner.session);
  const auto images = SyntheticImages(4, int(batch));
  std::vector<uint8_t> input, output(size_t(batch) * 784);
  for (const auto& image : images) {
    const auto pixels = ToPixels(image);
    input.insert(input.end(), pixels.begin(), pixels.end());
  }
  std::vector<float> real_in(input.size()), real_out(output.size());
  EXPECT_EQ(dnz_run_u8(&runner.session, input.data(), output.data(), batch), DNZ_OK);  // warm up
  g_allocations = 0;
  g_counting = true;
  for (int i = 0; i < runs; ++i) {
    EXPECT_EQ(dnz_run_u8(&runner.session, input.data(), output.data(), batch), DNZ_OK);
    EXPECT_EQ(dnz_run_f32(&runner.session, real_in.data(), real_out.data(), batch), DNZ_OK);
  }
  g_counting = false;
  return g_allocations.load() / (2 * runs);
}

TEST(ZeroAllocation, CounterSeesAllocations) {
  // The counter must be able to fail: an allocation while counting is seen.
  g_allocations = 0;
  g_counting = true;
  void* volatile p = std::malloc(16);
  auto* volatile q = new int(3);
  g_counting = false;
  std::free(p);
  delete q;
  EXPECT_EQ(g_allocations.load(), 2);
}

TEST(ZeroAllocation, RefRunPathAllocatesNothing) {
  EXPECT_EQ(AllocationsPerRun(DNZ_BACKEND_REF, 1, 3), 0);
  EXPECT_EQ(AllocationsPerRun(DNZ_BACKEND_REF, 4, 2), 0);  // a batch of 4, one by one
}

TEST(ZeroAllocation, FloatRunPathAllocatesNothing) {
  EXPECT_EQ(AllocationsPerRun(DNZ_BACKEND_FLOAT, 1, 2), 0);
}

TEST(ZeroAllocation, OnednnCountIsLibdnnlsOwn) {
  if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) GTEST_SKIP() << "built without oneDNN";
  const long per_run = AllocationsPerRun(DNZ_BACKEND_ONEDNN, 1, 20);
  // Our code allocates nothing; libdnnl's execute() allocates a few small blocks
  // per primitive call: 15 oneDNN convolutions per image here (3 plain convs, and
  // the 3 upsample convs as 4 polyphase parities each). Recorded, and bounded so
  // that a regression in our code (one allocation per element, say) shows.
  constexpr int kPrimitiveCalls = 3 + 3 * 4;
  std::printf("onednn: %ld allocations per run (libdnnl execute, %d conv primitive calls)\n",
              per_run, kPrimitiveCalls);
  RecordProperty("onednn_allocations_per_run", int(per_run));
  EXPECT_LE(per_run, 8 * kPrimitiveCalls);
}

}  // namespace
}  // namespace dnz::test
