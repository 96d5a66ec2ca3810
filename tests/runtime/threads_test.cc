// The `threads` session option: validated for every backend (negative or above
// DNZ_MAX_THREADS: DNZ_ERR_THREADS and one line of text), and, where the onednn backend
// is built, applied: the test replaces libgomp's GOMP_parallel (every OpenMP region of
// libdnnl and of our kernels starts there) with one that records how many threads each
// region asked for, then checks what a pass really ran on. The bytes not depending on
// the count is BackendsTest.OnednnBytesDoNotDependOnThreads.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "test_models.h"

#if DNZ_TEST_HAVE_ONEDNN
#include <omp.h>

#include "gomp_parallel.h"
#include "onednn/threads.h"

namespace {
std::atomic<long> g_regions{0};       // OpenMP regions started
std::atomic<long> g_wide_regions{0};  // of those, regions of more than one thread
std::atomic<int> g_widest{0};         // the most threads a region asked for
}  // namespace

// Then libgomp's (tests/tsan/gomp_parallel.h: under ThreadSanitizer, with its fork and join
// told to TSan).
extern "C" void GOMP_parallel(void (*fn)(void*), void* data, unsigned num_threads, unsigned flags) {
  // 0: the calling thread's OpenMP count (what libgomp uses outside a parallel region).
  const int threads = num_threads != 0 ? int(num_threads) : omp_get_max_threads();
  g_regions.fetch_add(1);
  if (threads > 1) g_wide_regions.fetch_add(1);
  int widest = g_widest.load();
  while (threads > widest && !g_widest.compare_exchange_weak(widest, threads)) {
  }
  dnz::test::CallLibgompParallel(fn, data, num_threads, flags);
}
#endif  // DNZ_TEST_HAVE_ONEDNN

namespace dnz::test {
namespace {

std::vector<uint8_t> Pixels(int count) {
  std::vector<uint8_t> pixels;
  for (const auto& image : SyntheticImages(5, count)) {
    const auto p = ToPixels(image);
    pixels.insert(pixels.end(), p.begin(), p.end());
  }
  return pixels;
}

TEST(Threads, DefaultOptionsAskForAuto) {
  EXPECT_EQ(dnz_session_default_options().threads, 0);
  EXPECT_STREQ(dnz_status_string(DNZ_ERR_THREADS), "invalid thread count");
}

// Refused before any backend work, whatever the backend (ref, mcu and float ignore a
// valid count: they run on the calling thread), with the status and a line naming it.
TEST(Threads, NegativeOrHugeCountsAreRefused) {
  const std::vector<uint8_t> bytes = RandomSeedModelBytes(3);
  for (dnz_backend backend : {DNZ_BACKEND_AUTO, DNZ_BACKEND_REF, DNZ_BACKEND_MCU, DNZ_BACKEND_FLOAT,
                              DNZ_BACKEND_ONEDNN}) {
    for (int32_t threads : {-1, -1000, INT32_MIN, DNZ_MAX_THREADS + 1, INT32_MAX}) {
      Runner runner(bytes, backend, 1, threads);
      EXPECT_EQ(runner.status, DNZ_ERR_THREADS) << dnz_backend_name(backend) << " " << threads;
      const std::string why = dnz_session_error(&runner.session);
      EXPECT_NE(why.find("threads " + std::to_string(threads) + " outside 0.."), std::string::npos)
          << why;
      // The session is not usable: no model, no arena.
      uint8_t in[784] = {}, out[784];
      EXPECT_EQ(dnz_run_u8(&runner.session, in, out, 1), DNZ_ERR_STATE);
    }
  }
}

TEST(Threads, SingleThreadedBackendsTakeAnyValidCountAndGiveTheSameBytes) {
  const std::vector<uint8_t> bytes = RandomSeedModelBytes(3);
  const std::vector<uint8_t> input = Pixels(3);
  for (dnz_backend backend : {DNZ_BACKEND_REF, DNZ_BACKEND_MCU, DNZ_BACKEND_FLOAT}) {
    std::vector<uint8_t> first;
    for (int32_t threads : {0, 1, 7, DNZ_MAX_THREADS}) {
      Runner runner(bytes, backend, 1, threads);
      ASSERT_EQ(runner.status, DNZ_OK) << dnz_session_error(&runner.session);
      EXPECT_EQ(runner.session.threads, threads);
      std::vector<uint8_t> output(input.size());
      ASSERT_EQ(dnz_run_u8(&runner.session, input.data(), output.data(), 3), DNZ_OK);
      if (first.empty()) first = output;
      EXPECT_EQ(output, first) << dnz_backend_name(backend) << " threads " << threads;
    }
  }
}

#if DNZ_TEST_HAVE_ONEDNN
TEST(Threads, AutoRuleIsOneThreadForOneImage) {
  EXPECT_EQ(PassThreads(0, 1, 2), 1);
  EXPECT_EQ(PassThreads(0, 1, 64), 1);
  EXPECT_EQ(PassThreads(0, 8, 2), 2);
  EXPECT_EQ(PassThreads(0, 8, 1), 1);
  EXPECT_EQ(PassThreads(0, kAutoThreadedMinImages, 4), 4);
  EXPECT_EQ(PassThreads(0, kAutoThreadedMinImages - 1, 4), 1);
  EXPECT_EQ(PassThreads(3, 1, 2), 3);  // asked for: every pass, whatever the cores
  EXPECT_EQ(PassThreads(1, 8, 2), 1);
  EXPECT_GE(UsableThreads(), 1);
  EXPECT_LE(UsableThreads(), omp_get_max_threads());
}

struct Regions {
  long all = 0;   // OpenMP regions (libgomp allocates a team for each one of one thread)
  long wide = 0;  // regions of more than one thread
  int widest = 0;
};

// The OpenMP regions a dnz_run_u8 of `images` images starts.
Regions RegionsOfRun(dnz_session* session, int images) {
  const std::vector<uint8_t> input = Pixels(images);
  std::vector<uint8_t> output(input.size());
  g_regions = 0;
  g_wide_regions = 0;
  g_widest = 0;
  EXPECT_EQ(dnz_run_u8(session, input.data(), output.data(), uint32_t(images)), DNZ_OK);
  return {g_regions.load(), g_wide_regions.load(), g_widest.load()};
}

class ThreadsOnednn : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!dnz_backend_available(DNZ_BACKEND_ONEDNN)) {
      GTEST_SKIP() << "onednn not built in";
    }
  }
  const std::vector<uint8_t> bytes_ = RandomSeedModelBytes(3);
};

// The hook sees what it must: a region of this test, and the widest count it asked.
TEST_F(ThreadsOnednn, HookSeesEveryRegion) {
  g_regions = 0;
  g_wide_regions = 0;
  g_widest = 0;
  std::atomic<int> ran{0};
#pragma omp parallel num_threads(3)
  ran.fetch_add(1);
  EXPECT_EQ(ran.load(), 3);
  EXPECT_EQ(g_regions.load(), 1);
  EXPECT_EQ(g_wide_regions.load(), 1);
  EXPECT_EQ(g_widest.load(), 3);
#pragma omp parallel num_threads(1)
  ran.fetch_add(1);
  EXPECT_EQ(g_regions.load(), 2);
  EXPECT_EQ(g_wide_regions.load(), 1);
}

// auto: a pass of one image (or of 3) starts no OpenMP region at all (oneDNN's primitives
// were made for one thread, our kernels run inline); a full pass of 8 uses the usable cores.
TEST_F(ThreadsOnednn, AutoRunsOneImageWithoutOpenMpAndFullPassesOnTheCores) {
  Runner one(bytes_, DNZ_BACKEND_ONEDNN, 1, 0);
  ASSERT_EQ(one.status, DNZ_OK) << dnz_session_error(&one.session);
  RegionsOfRun(&one.session, 1);  // warm-up
  for (int images : {1, 3}) {
    const Regions r = RegionsOfRun(&one.session, images);
    EXPECT_EQ(r.all, 0) << images << " images, widest region " << r.widest;
  }
  Runner three(bytes_, DNZ_BACKEND_ONEDNN, kAutoThreadedMinImages - 1, 0);
  ASSERT_EQ(three.status, DNZ_OK) << dnz_session_error(&three.session);
  EXPECT_EQ(RegionsOfRun(&three.session, int(kAutoThreadedMinImages) - 1).all, 0);
  Runner eight(bytes_, DNZ_BACKEND_ONEDNN, 8, 0);
  ASSERT_EQ(eight.status, DNZ_OK) << dnz_session_error(&eight.session);
  // 1 image: a single pass, even in a session made for full passes of 8.
  EXPECT_EQ(RegionsOfRun(&eight.session, 1).all, 0);
  const Regions full = RegionsOfRun(&eight.session, 8);
  if (UsableThreads() > 1) {
    EXPECT_GT(full.wide, 0);
    EXPECT_EQ(full.widest, UsableThreads());
  } else {
    EXPECT_EQ(full.all, 0);  // one usable core
  }
}

// auto on several cores keeps a one-thread twin of the full pass and looks at it from the
// third pass on, whatever the timings (runtime/src/onednn/adaptive_threads.h): within 8 full passes
// some run threaded and some start no OpenMP region, and every one gives the same bytes.
TEST_F(ThreadsOnednn, AutoFullPassesAlsoRunOnOneThreadWithTheSameBytes) {
  if (UsableThreads() < 2) GTEST_SKIP() << "one usable core: no threaded pass to compare";
  Runner eight(bytes_, DNZ_BACKEND_ONEDNN, 8, 0);
  ASSERT_EQ(eight.status, DNZ_OK) << dnz_session_error(&eight.session);
  const std::vector<uint8_t> input = Pixels(8);
  std::vector<uint8_t> first;
  int threaded = 0, serial = 0;
  for (int pass = 0; pass < 8; ++pass) {
    std::vector<uint8_t> output(input.size());
    g_regions = 0;
    g_wide_regions = 0;
    ASSERT_EQ(dnz_run_u8(&eight.session, input.data(), output.data(), 8), DNZ_OK);
    if (g_regions.load() == 0) ++serial;
    if (g_wide_regions.load() > 0) ++threaded;
    if (pass == 0) first = output;
    EXPECT_EQ(output, first) << "pass " << pass;
  }
  EXPECT_GE(threaded, 1);
  EXPECT_GE(serial, 2);  // its warm-up and its first timed look
  EXPECT_EQ(threaded + serial, 8);
}

// An explicit count holds for every pass: 1 keeps a full pass out of OpenMP, 3 runs even
// one image on 3 threads (no region wider than asked).
TEST_F(ThreadsOnednn, ExplicitCountHoldsForEveryPass) {
  Runner single(bytes_, DNZ_BACKEND_ONEDNN, 8, 1);
  ASSERT_EQ(single.status, DNZ_OK);
  EXPECT_EQ(RegionsOfRun(&single.session, 8).all, 0);
  EXPECT_EQ(RegionsOfRun(&single.session, 1).all, 0);
  Runner three(bytes_, DNZ_BACKEND_ONEDNN, 8, 3);
  ASSERT_EQ(three.status, DNZ_OK);
  for (int images : {1, 8}) {
    const Regions r = RegionsOfRun(&three.session, images);
    EXPECT_GT(r.wide, 0) << images << " images";
    EXPECT_EQ(r.widest, 3) << images << " images";
  }
}

// A pass leaves the caller's OpenMP thread count as it found it.
TEST_F(ThreadsOnednn, CallersOpenMpCountIsRestored) {
  const int before = omp_get_max_threads();
  for (int32_t threads : {0, 1, 3}) {
    Runner runner(bytes_, DNZ_BACKEND_ONEDNN, 8, threads);
    ASSERT_EQ(runner.status, DNZ_OK);
    EXPECT_EQ(omp_get_max_threads(), before) << "after init, threads " << threads;
    RegionsOfRun(&runner.session, 9);  // a full pass and a single one
    EXPECT_EQ(omp_get_max_threads(), before) << "after a run, threads " << threads;
  }
}
#endif  // DNZ_TEST_HAVE_ONEDNN

}  // namespace
}  // namespace dnz::test
