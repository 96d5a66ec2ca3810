#include "provenance_text.h"

#include <cmath>
#include <cstdint>

#include "dnz_model_generated.h"

namespace dnz::web {
namespace {

void AddText(std::string* text, const char* key, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) *text += std::string(key) + ": " + value->str() + "\n";
}

}  // namespace

std::string FormatDecimal(double value, int decimals) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  const bool negative = value < 0;
  double scale = 1.0;  // 10^decimals, without pow (whose tables are 7.6 KB of the module)
  for (int i = 0; i < decimals; ++i) scale *= 10.0;
  const double scaled = std::round(std::fabs(value) * scale);
  if (scaled > 9e15) return negative ? "-huge" : "huge";  // beyond exact integers in a double
  const uint64_t units = uint64_t(scaled);
  const uint64_t whole_scale = uint64_t(scale);
  std::string text = (negative && units != 0 ? "-" : "") + std::to_string(units / whole_scale);
  if (decimals > 0) {
    std::string fraction = std::to_string(units % whole_scale);
    text += "." + std::string(size_t(decimals) - fraction.size(), '0') + fraction;
  }
  return text;
}

std::string ProvenanceText(const uint8_t* bytes) {
  const fb::Provenance* p = fb::GetModel(bytes)->provenance();
  if (p == nullptr) return "provenance: none in the model file\n";
  std::string text;
  AddText(&text, "trainer", p->trainer());
  AddText(&text, "trainer_backend", p->trainer_backend());
  AddText(&text, "device", p->device());
  text += "epochs: " + std::to_string(p->epochs()) + ", batch: " + std::to_string(p->batch()) +
          ", learning_rate: " + FormatDecimal(p->learning_rate(), 6) +
          ", train_images: " + std::to_string(p->train_images()) + "\n";
  text += "noise_factor: " + FormatDecimal(p->noise_factor(), 2) +
          ", noise_mode: " + (p->noise_mode() != nullptr ? p->noise_mode()->str() : "") + "\n";
  text += "seeds: init " + std::to_string(p->init_seed()) + ", shuffle " +
          std::to_string(p->shuffle_seed()) + ", noise " + std::to_string(p->noise_seed()) + "\n";
  AddText(&text, "dataset_sha256", p->dataset_sha256());
  AddText(&text, "calibration", p->calibration());
  text += "float test: BCE " + FormatDecimal(p->float_test_bce(), 4) + ", PSNR " +
          FormatDecimal(p->float_test_psnr(), 2) + " dB, SSIM " +
          FormatDecimal(p->float_test_ssim(), 4) + "\n";
  text += "quantized test: BCE " + FormatDecimal(p->int8_test_bce(), 4) + ", PSNR " +
          FormatDecimal(p->int8_test_psnr(), 2) + " dB, SSIM " +
          FormatDecimal(p->int8_test_ssim(), 4) + "\n";
  AddText(&text, "created_utc", p->created_utc());
  if (p->extra() != nullptr) {
    for (const fb::KeyValue* kv : *p->extra()) {
      text += kv->key()->str() + ": " + (kv->value() != nullptr ? kv->value()->str() : "") + "\n";
    }
  }
  return text;
}

}  // namespace dnz::web
