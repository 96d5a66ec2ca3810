// A host_train binary run as a child process, for the tests of whole runs (train_run_test.cc
// on the CPU, tests/gpu_emulation on the emulated GPU): its exit code and output, an
// interrupt on cue, and what the run folder holds afterwards.
#ifndef DNZ_TESTS_TRAIN_TRAINER_PROCESS_H_
#define DNZ_TESTS_TRAIN_TRAINER_PROCESS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace dnz::train {

struct TrainerRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// How RunTrainer interrupts a run: Ctrl-C once, or SIGTERM twice 5 ms apart, as `timeout`
// sends it (to the process, then to its process group).
enum class Interrupt { kCtrlC, kTimeout };

// Runs `binary` with `args`. With `interrupt_at`, interrupts it as soon as its output shows
// that text (an event, not a fixed delay: it holds on a fast or a loaded machine).
TrainerRun RunTrainer(const std::string& binary, const std::vector<std::string>& args,
                      const std::string& interrupt_at = "", Interrupt how = Interrupt::kCtrlC);

// The whole of the file at `path` ("" where there is none).
std::string ReadFile(const std::string& path);

// The epoch entries of OUT/train_log.jsonl.
std::vector<nlohmann::json> EpochLog(const std::string& out);

// The entries of OUT/train_log.jsonl that record an event (such as "dead_relu_redraw").
std::vector<nlohmann::json> EventLog(const std::string& out);

// The run exited 130 after saving a loadable mid-epoch checkpoint in `out`, and left no
// temporary file there.
void ExpectCheckpointSavedMidEpoch(const TrainerRun& run, const std::string& out);

// The run drew dead weights from `seed` at init, said so, drew again from seed + 1 (alive),
// logged the re-draw, and trained to the end from seed + 1.
void ExpectOneRedrawAtInit(const TrainerRun& run, const std::string& out, uint64_t seed);

}  // namespace dnz::train

#endif  // DNZ_TESTS_TRAIN_TRAINER_PROCESS_H_
