// What --version prints: the program, the runtime's backends, and where the model came
// from (its provenance table, read with the FlatBuffers accessors).
#ifndef DNZ_RUNTIME_DEMO_MODEL_INFO_H_
#define DNZ_RUNTIME_DEMO_MODEL_INFO_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace dnz::demo {

// The trainer_backend a placeholder model carries (runtime_demo/make_placeholder_model).
constexpr const char* kPlaceholderBackend = "placeholder";

// `bytes` must already have passed dnz_model_load (the FlatBuffers verifier).
bool IsPlaceholderModel(const uint8_t* bytes);

void PrintVersion(std::FILE* out, const std::string& model_name, const uint8_t* bytes, size_t size);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_MODEL_INFO_H_
