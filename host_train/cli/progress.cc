#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace dnz::train {

Progress::Progress() : tty_(::isatty(STDOUT_FILENO) != 0) {}

void Progress::Step(int epoch, int epochs, int step, int steps, double images_per_s, double eta_s,
                    std::optional<double> loss) {
  char loss_text[32] = "-";
  if (loss) std::snprintf(loss_text, sizeof loss_text, "%.4f", *loss);
  const double fraction = steps > 0 ? static_cast<double>(step) / steps : 1.0;
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(fraction * kWidth);
    std::printf("\repoch %d/%d [%.*s%*s] %d/%d  %.0f img/s  loss %-6s  ETA %.0fs   ", epoch, epochs,
                filled, "==============================", kWidth - filled, "", step, steps,
                images_per_s, loss_text, eta_s);
    std::fflush(stdout);
    bar_open_ = true;
    return;
  }
  const int tenth = static_cast<int>(fraction * 10);
  if (tenth == last_tenth_ || step == steps) return;
  last_tenth_ = tenth;
  std::printf("epoch %d/%d step %d/%d  %.0f img/s  loss %s\n", epoch, epochs, step, steps,
              images_per_s, loss_text);
  std::fflush(stdout);
}

void Progress::Line(const std::string& line) {
  if (bar_open_) std::printf("\n");
  bar_open_ = false;
  last_tenth_ = -1;
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace dnz::train
