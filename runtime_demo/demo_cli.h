// runtime_demo's command line (CLI11): the options, their checks, and the --help text.
#ifndef DNZ_RUNTIME_DEMO_DEMO_CLI_H_
#define DNZ_RUNTIME_DEMO_DEMO_CLI_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::demo {

// Exit codes, documented in --help and docs/runtime_demo.md.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;  // an input, output or model problem
constexpr int kExitBadCommandLine = 2;

struct DemoOptions {
  std::vector<std::string> inputs;
  std::string output;      // -o: a file (one input) or a directory; empty: next to each input
  std::string model_path;  // --model; empty: the built-in model
  std::string backend = "auto";
  std::string framing = "auto";  // auto | mnist | none (digit_conversion.h)
  bool compare = false;
  bool full_size = false;
  bool add_noise = false;
  double noise_factor = 0.0;
  uint64_t seed = 0;
  size_t arena_budget = 0;  // --arena-budget: the session's max_arena_bytes (0: none)
  bool version = false;
};

// Parses argv. Returns -1 to go on, or the exit code to end with: kExitOk after --help,
// kExitBadCommandLine after printing one line about a bad command line.
int ParseCommandLine(int argc, char** argv, DemoOptions* options);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_DEMO_CLI_H_
