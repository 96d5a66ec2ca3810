#include "model_info.h"

#include <cstdint>

#include "dnz/dnz.h"
#include "dnz_model_generated.h"

namespace dnz::demo {
namespace {

void PrintText(std::FILE* out, const char* key, const flatbuffers::String* value) {
  if (value != nullptr && value->size() > 0) std::fprintf(out, "  %s: %s\n", key, value->c_str());
}

void PrintBackends(std::FILE* out) {
  std::fprintf(out, "backends built in:");
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {  // the backend table
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    if (info.built_in) std::fprintf(out, " %s", info.name);
  }
  std::fprintf(out, "\n");
}

// The arena of the smallest and of the fastest plan of each built-in backend.
void PrintArenas(std::FILE* out, const uint8_t* bytes, size_t size) {
  dnz_model model;
  if (dnz_model_load(&model, bytes, size) != DNZ_OK) return;
  std::fprintf(out, "arena bytes, smallest plan / fastest plan (--arena-budget):\n");
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    size_t smallest = 0, fastest = 0;
    if (!info.built_in ||
        dnz_model_arena_bytes(&model, info.backend, &smallest, &fastest) != DNZ_OK) {
      continue;
    }
    std::fprintf(out, "  %s: %zu / %zu%s\n", info.name, smallest, fastest,
                 info.streams ? "" : " (whole tensors only)");
  }
}

// Each conv's weight format, e.g. "int8 int4 int4 int4 int4 int4 int8 int8".
void PrintWeightFormats(std::FILE* out, const fb::Model& model) {
  std::fprintf(out, "conv weights:");
  for (const fb::Op* op : *model.ops()) {
    const fb::Conv2D* conv = op->options_as_Conv2D();
    if (conv == nullptr) continue;
    std::fprintf(out, " %s", conv->weight_format() == fb::WeightFormat::Int4 ? "int4" : "int8");
  }
  std::fprintf(out, "\n");
}

void PrintProvenance(std::FILE* out, const fb::Provenance& p) {
  std::fprintf(out, "provenance:\n");
  PrintText(out, "trainer", p.trainer());
  PrintText(out, "trainer_backend", p.trainer_backend());
  PrintText(out, "device", p.device());
  std::fprintf(out, "  epochs: %d, batch: %d, learning_rate: %g, train_images: %d\n", p.epochs(),
               p.batch(), double(p.learning_rate()), p.train_images());
  std::fprintf(out, "  noise_factor: %g, noise_mode: %s\n", double(p.noise_factor()),
               p.noise_mode() != nullptr ? p.noise_mode()->c_str() : "");
  std::fprintf(out, "  seeds: init %llu, shuffle %llu, noise %llu\n",
               static_cast<unsigned long long>(p.init_seed()),
               static_cast<unsigned long long>(p.shuffle_seed()),
               static_cast<unsigned long long>(p.noise_seed()));
  PrintText(out, "dataset_sha256", p.dataset_sha256());
  PrintText(out, "calibration", p.calibration());
  std::fprintf(out, "  float test: BCE %.4f, PSNR %.2f dB, SSIM %.4f\n", double(p.float_test_bce()),
               double(p.float_test_psnr()), double(p.float_test_ssim()));
  std::fprintf(out, "  quantized test: BCE %.4f, PSNR %.2f dB, SSIM %.4f\n",
               double(p.int8_test_bce()), double(p.int8_test_psnr()), double(p.int8_test_ssim()));
  PrintText(out, "created_utc", p.created_utc());
  if (p.extra() == nullptr) return;
  for (const fb::KeyValue* kv : *p.extra()) {
    std::fprintf(out, "  %s: %s\n", kv->key()->c_str(),
                 kv->value() != nullptr ? kv->value()->c_str() : "");
  }
}

}  // namespace

bool IsPlaceholderModel(const uint8_t* bytes) {
  const fb::Provenance* p = fb::GetModel(bytes)->provenance();
  return p != nullptr && p->trainer_backend() != nullptr &&
         p->trainer_backend()->str() == kPlaceholderBackend;
}

void PrintVersion(std::FILE* out, const std::string& model_name, const uint8_t* bytes,
                  size_t size) {
  std::fprintf(out, "runtime_demo %s (dnz runtime, model formats 1 to %u)\n", dnz_version(),
               DNZ_FORMAT_VERSION);
  PrintBackends(out);
  const fb::Model* model = fb::GetModel(bytes);
  std::fprintf(out, "model: %s (%zu bytes, format version %u)\n", model_name.c_str(), size,
               model->format_version());
  PrintWeightFormats(out, *model);
  PrintArenas(out, bytes, size);
  if (IsPlaceholderModel(bytes)) {
    std::fprintf(out,
                 "WARNING: this is an untrained placeholder model (random weights); its output "
                 "is not a denoised digit. Train one into models/default.dnz and rebuild.\n");
  }
  if (model->provenance() == nullptr) {
    std::fprintf(out, "provenance: none in the model file\n");
    return;
  }
  PrintProvenance(out, *model->provenance());
}

}  // namespace dnz::demo
