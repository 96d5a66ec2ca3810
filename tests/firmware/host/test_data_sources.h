// The C sources make_firmware_test_data writes for the on-target tests (tests/firmware), with
// what the host runtime gives for each: the expected bytes are computed, never typed in.
#ifndef DNZ_TESTS_FIRMWARE_HOST_TEST_DATA_SOURCES_H_
#define DNZ_TESTS_FIRMWARE_HOST_TEST_DATA_SOURCES_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::firmware {

// kernel_cases.{h,c}: small models of odd shapes (kernel_cases.h), their inputs and the host
// ref backend's outputs.
bool WriteKernelCases(const std::string& dir, std::string* error);

// bad_model_data.{h,c}: broken models cut from `int8_model` (bad_models.h) with the status and
// text the host loader gives for each, and what a too-small arena gives.
bool WriteBadModels(const std::string& dir, const std::vector<uint8_t>& int8_model,
                    std::string* error);

}  // namespace dnz::firmware

#endif  // DNZ_TESTS_FIRMWARE_HOST_TEST_DATA_SOURCES_H_
