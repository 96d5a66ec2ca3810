// Per-epoch progress: a redrawn bar (step, images/s, ETA, running loss) when stdout is a
// terminal, a plain line every tenth of an epoch otherwise (logs, CI).
#ifndef DNZ_HOST_TRAIN_CLI_PROGRESS_H_
#define DNZ_HOST_TRAIN_CLI_PROGRESS_H_

#include <optional>
#include <string>

namespace dnz::train {

class Progress {
 public:
  Progress();
  // `loss` is the epoch's running mean, or nothing before the first loss has been read (the
  // GPU reads its loss back every few steps).
  void Step(int epoch, int epochs, int step, int steps, double images_per_s, double eta_s,
            std::optional<double> loss);
  // Ends the bar (if any) and prints `line`.
  void Line(const std::string& line);

 private:
  bool tty_;
  bool bar_open_ = false;
  int last_tenth_ = -1;
};

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_PROGRESS_H_
