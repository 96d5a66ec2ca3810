// The model's provenance (schema/dnz_model.fbs, table Provenance) as lines of "key: value",
// the facts runtime_demo --version prints, for the page. Written without printf, whose
// formatting code alone is 10.6 KB of the module (docs/web.md, "Size").
#ifndef DNZ_WEB_WASM_PROVENANCE_TEXT_H_
#define DNZ_WEB_WASM_PROVENANCE_TEXT_H_

#include <cstdint>
#include <string>

namespace dnz::web {

// `value` with `decimals` digits after the point, rounded half away from zero ("0.7000").
std::string FormatDecimal(double value, int decimals);

// `bytes` must already have passed dnz_model_load (the FlatBuffers verifier).
std::string ProvenanceText(const uint8_t* bytes);

}  // namespace dnz::web

#endif  // DNZ_WEB_WASM_PROVENANCE_TEXT_H_
