#include "model/int8_only_model.h"

#include <cstdint>
#include <memory>

#include "dnz_model_generated.h"

namespace dnz::build {

std::vector<uint8_t> Int8OnlyModel(const uint8_t* bytes, size_t size, std::string* error) {
  flatbuffers::Verifier verifier(bytes, size, /*max_depth=*/16, /*max_tables=*/100000);
  if (!fb::ModelBufferHasIdentifier(bytes) || !fb::VerifyModelBuffer(verifier)) {
    *error = "not a well-formed dnz model file";
    return {};
  }
  // The object API copies the whole model; the generated Pack() keeps the 64-byte
  // alignment of the weight vectors (force_align in the schema).
  std::unique_ptr<fb::ModelT> model(fb::GetModel(bytes)->UnPack());
  for (auto& op : model->ops) {
    fb::Conv2DT* conv = op->options.AsConv2D();
    if (conv == nullptr) continue;
    conv->float_weights.clear();
    conv->float_bias.clear();
  }
  if (!model->provenance) model->provenance = std::make_unique<fb::ProvenanceT>();
  auto note = std::make_unique<fb::KeyValueT>();
  note->key = "int8_only";
  note->value = "float_weights and float_bias removed (host_lib/model/int8_only_model.h)";
  model->provenance->extra.push_back(std::move(note));

  flatbuffers::FlatBufferBuilder fbb(size);
  fb::FinishModelBuffer(fbb, fb::Model::Pack(fbb, model.get()));
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace dnz::build
