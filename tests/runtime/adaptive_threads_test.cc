// The chooser behind `auto` threads for full passes (runtime/src/onednn/adaptive_threads.h), fed
// with pass times shaped like those measured on the 2-core VM (docs/benchmarks.md, "Under
// load"): idle, a threaded pass 0.65 ms and a one-thread pass 0.87 ms; beside a busy core,
// 2.8 ms and 0.91 ms.
#include "onednn/adaptive_threads.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>

namespace dnz::test {
namespace {

using Variant = PassVariantChooser::Variant;
constexpr int64_t kMicro = 1000;  // ns

struct Costs {
  int64_t threaded, serial;
};
constexpr Costs kIdle{650 * kMicro, 870 * kMicro};
constexpr Costs kLoaded{2800 * kMicro, 910 * kMicro};

struct Counted {
  int threaded = 0, serial = 0;
  int64_t time = 0;
};

// Runs `passes` passes through `chooser` at the costs `at(pass)` gives.
Counted RunPasses(PassVariantChooser* chooser, int passes, const std::function<Costs(int)>& at) {
  Counted counted;
  for (int pass = 0; pass < passes; ++pass) {
    const Variant variant = chooser->Next();
    const Costs costs = at(pass);
    const int64_t took = variant == PassVariantChooser::kThreaded ? costs.threaded : costs.serial;
    (variant == PassVariantChooser::kThreaded ? counted.threaded : counted.serial) += 1;
    counted.time += took;
    chooser->Record(variant, took);
  }
  return counted;
}

Costs Always(const Costs& costs, int) { return costs; }

// Idle: the threaded pass wins, and the one-thread pass is looked at one pass in 64 once the
// choice has held (4 + 8 + 16 + 32 passes to get there, and the two warm-ups).
TEST(PassVariantChooser, IdleMachineStaysThreadedAndRarelyLooks) {
  PassVariantChooser chooser;
  EXPECT_EQ(chooser.Next(), PassVariantChooser::kThreaded);  // the first pass is threaded
  const Counted c = RunPasses(&chooser, 1000, [](int p) { return Always(kIdle, p); });
  EXPECT_EQ(chooser.current(), PassVariantChooser::kThreaded);
  EXPECT_LE(c.serial, 2 + 4 + 1000 / 64);
  EXPECT_GE(c.serial, 1000 / 64);  // it keeps looking
  // Within 2% of always threaded.
  EXPECT_LT(double(c.time), 1.02 * 1000 * double(kIdle.threaded));
}

// Beside a busy core from the start: one thread wins after the first looks.
TEST(PassVariantChooser, LoadedMachineGoesToOneThread) {
  PassVariantChooser chooser;
  const Counted c = RunPasses(&chooser, 1000, [](int p) { return Always(kLoaded, p); });
  EXPECT_EQ(chooser.current(), PassVariantChooser::kSerial);
  EXPECT_LE(c.threaded, 4 + 1000 / 64 + 6);
  // Within 10% of always one thread (always threaded would be 3.1x).
  EXPECT_LT(double(c.time), 1.10 * 1000 * double(kLoaded.serial));
}

// Load that comes and goes every 300 passes: each change is followed within a few passes
// (load arriving) or one look interval (load leaving), so the whole run stays close to the
// best choice at every moment.
TEST(PassVariantChooser, FollowsLoadThatComesAndGoes) {
  PassVariantChooser chooser;
  const auto costs = [](int pass) { return (pass / 300) % 2 == 1 ? kLoaded : kIdle; };
  int64_t best = 0, threaded_only = 0;
  for (int pass = 0; pass < 1200; ++pass) {
    const Costs c = costs(pass);
    best += std::min(c.threaded, c.serial);
    threaded_only += c.threaded;
  }
  const Counted c = RunPasses(&chooser, 1200, costs);
  EXPECT_LT(double(c.time), 1.10 * double(best)) << "threaded only: " << threaded_only;
}

// Load arriving while the threaded pass is chosen: the switch comes within a few passes,
// not after the 64-pass look interval.
TEST(PassVariantChooser, ArrivingLoadIsFollowedWithinAFewPasses) {
  PassVariantChooser chooser;
  RunPasses(&chooser, 500, [](int p) { return Always(kIdle, p); });
  ASSERT_EQ(chooser.current(), PassVariantChooser::kThreaded);
  const Counted after = RunPasses(&chooser, 10, [](int p) { return Always(kLoaded, p); });
  EXPECT_EQ(chooser.current(), PassVariantChooser::kSerial);
  EXPECT_LE(after.threaded, 4);
}

// Noise within the margin never flips the choice back and forth.
TEST(PassVariantChooser, EqualCostsDoNotFlip) {
  PassVariantChooser chooser;
  const Counted c = RunPasses(&chooser, 1000, [](int pass) {
    const int64_t jitter = (pass * 7919 % 5) * 5 * kMicro;  // up to 20 us on 1 ms
    return Costs{1000 * kMicro + jitter, 1000 * kMicro + (20 * kMicro - jitter)};
  });
  EXPECT_EQ(chooser.current(), PassVariantChooser::kThreaded);
  EXPECT_LE(c.serial, 2 + 4 + 1000 / 64);
}

}  // namespace
}  // namespace dnz::test
