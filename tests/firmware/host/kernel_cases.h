// Small models of odd shapes that reach every branch of every conv kernel (one input channel,
// channel counts that are not multiples of 4, 'valid' and 'same' padding, 1x1 to 5x5 kernels,
// fused pool with a partial window, fused upsample with and without the polyphase form,
// sigmoid), each with inputs that include the extremes. The host tests (tests/edge) and the
// on-target test (tests/firmware) run every backend on them against ref.
#ifndef DNZ_TESTS_FIRMWARE_HOST_KERNEL_CASES_H_
#define DNZ_TESTS_FIRMWARE_HOST_KERNEL_CASES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::firmware {

struct KernelCase {
  std::string name;                          // a C identifier
  std::vector<uint8_t> model;                // a model file (int8 only)
  std::vector<std::vector<uint8_t>> inputs;  // pixels, [H][W][C] of the model's input
};

// Deterministic: the same cases on every run. On error, empty and `error` set.
std::vector<KernelCase> MakeKernelCases(std::string* error);

}  // namespace dnz::firmware

#endif  // DNZ_TESTS_FIRMWARE_HOST_KERNEL_CASES_H_
