// `auto` threads for full passes on a machine whose load comes and goes. A full pass can
// run on the usable cores or on one thread, with primitives made for each (threads.h):
// on an idle 2-core machine the threaded pass is 1.3x faster, but beside one busy core it
// is 3x slower than the single-threaded one, because every OpenMP region waits for the
// thread that has no core (docs/benchmarks.md, "Under load"). This chooser runs the
// variant that has been faster, and keeps looking at the other: it probes it once after
// `interval` passes, the interval doubling from 4 to 64 while the choice holds, and at
// once when the chosen variant's recent passes have become slower than the other's last
// figure. So an idle machine spends one pass in 64 on the slower variant, and a change in
// load is followed within a few passes.
//
// Pure logic, no clock: the backend times each pass and reports it. No allocation.
#ifndef DNZ_RUNTIME_SRC_ONEDNN_ADAPTIVE_THREADS_H_
#define DNZ_RUNTIME_SRC_ONEDNN_ADAPTIVE_THREADS_H_

#include <cstdint>

namespace dnz {

class PassVariantChooser {
 public:
  enum Variant : int { kThreaded = 0, kSerial = 1 };

  static constexpr int kMinInterval = 4;
  static constexpr int kMaxInterval = 64;
  static constexpr int64_t kMarginPercent = 5;  // a switch needs a 5% faster pass

  // The variant the next full pass should run.
  Variant Next() const { return countdown_ == 0 ? Other(current_) : current_; }

  // What a full pass of `ran` took. A variant's first pass is a warm-up (its primitives and
  // weights are cold) and only schedules the next look.
  void Record(Variant ran, int64_t nanoseconds) {
    const int r = ran, c = current_, o = Other(current_);
    if (!warm_[r]) {
      warm_[r] = true;
      if (ran != current_) countdown_ = 1;  // look again soon, now that it is warm
      if (ran == current_ && countdown_ > 0) --countdown_;
      return;
    }
    if (ran != current_) {  // a probe: the other's last figure is stale, so replace it
      average_[r] = nanoseconds;
      if (Faster(nanoseconds, average_[c])) {
        current_ = ran;
        interval_ = kMinInterval;
      } else if (interval_ < kMaxInterval) {
        interval_ *= 2;
      }
      countdown_ = interval_;
      return;
    }
    average_[c] = average_[c] < 0 ? nanoseconds : average_[c] + (nanoseconds - average_[c]) / 4;
    if (countdown_ > 0) --countdown_;
    if (average_[o] >= 0 && Faster(average_[o], average_[c])) countdown_ = 0;
  }

  Variant current() const { return current_; }

 private:
  static Variant Other(Variant v) { return v == kThreaded ? kSerial : kThreaded; }
  // Whether a pass of `a` ns is clearly faster than one of `b` ns.
  static bool Faster(int64_t a, int64_t b) { return a * 100 < b * (100 - kMarginPercent); }

  Variant current_ = kThreaded;
  int interval_ = kMinInterval;
  int countdown_ = 2;              // the first passes run threaded, then the first look
  int64_t average_[2] = {-1, -1};  // ns per pass: [threaded], [serial]; -1 unknown
  bool warm_[2] = {false, false};
};

}  // namespace dnz

#endif  // DNZ_RUNTIME_SRC_ONEDNN_ADAPTIVE_THREADS_H_
