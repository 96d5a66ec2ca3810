// SIGINT/SIGTERM handling for training: the first signal only raises a flag, so the current
// step finishes and a checkpoint is saved; a second one exits at once (exit code 130), unless
// it comes within half a second of the first (the same request, sent twice by `timeout`).
#ifndef DNZ_HOST_TRAIN_CLI_SIGNALS_H_
#define DNZ_HOST_TRAIN_CLI_SIGNALS_H_

namespace dnz::train {

void InstallInterruptHandler();
bool InterruptRequested();
void ClearInterruptRequest();  // for tests

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_CLI_SIGNALS_H_
