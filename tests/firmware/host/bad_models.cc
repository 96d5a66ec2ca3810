#include "bad_models.h"

#include <cmath>
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "dnz_model_generated.h"

namespace dnz::firmware {
namespace {

std::vector<uint8_t> Pack(const fb::ModelT& model) {
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::Model::Pack(fbb, &model));
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

std::unique_ptr<fb::ModelT> Unpack(const std::vector<uint8_t>& bytes) {
  return std::unique_ptr<fb::ModelT>(fb::GetModel(bytes.data())->UnPack());
}

fb::Conv2DT& FirstConv(fb::ModelT& model) { return *model.ops[0]->options.AsConv2D(); }

}  // namespace

std::vector<BadModel> MakeBadModels(const std::vector<uint8_t>& model, std::string* error) {
  std::unique_ptr<fb::ModelT> first = Unpack(model);
  if (first->ops.empty() || first->tensors.size() < 2 || !first->ops[0]->options.AsConv2D()) {
    *error = "the model does not start with a conv";
    return {};
  }
  // The first conv alone: a valid one-op model (tensors 0 and 1), about 1 KB.
  first->ops.resize(1);
  first->tensors.resize(2);
  first->provenance.reset();
  const std::vector<uint8_t> small = Pack(*first);

  using Break = std::function<void(fb::ModelT&)>;
  const std::pair<const char*, Break> breaks[] = {
      {"scale_nan", [](fb::ModelT& m) { m.tensors[1]->scale = std::nanf(""); }},
      {"scale_negative", [](fb::ModelT& m) { m.tensors[1]->scale = -0.00123457f; }},
      {"shift_out_of_range", [](fb::ModelT& m) { FirstConv(m).requant_shift[5] = 70; }},
      {"weights_too_short", [](fb::ModelT& m) { FirstConv(m).weights.pop_back(); }},
      // int4 (format version 2) in a version-1 file, an unknown format, int8 bytes as int4.
      {"int4_in_version_1",
       [](fb::ModelT& m) {
         FirstConv(m).weight_format = fb::WeightFormat::Int4;
         FirstConv(m).weights.resize((FirstConv(m).weights.size() + 1) / 2);
         m.format_version = 1;
       }},
      {"weight_format_unknown",
       [](fb::ModelT& m) { FirstConv(m).weight_format = fb::WeightFormat(9); }},
      {"int4_length_of_int8",
       [](fb::ModelT& m) {
         FirstConv(m).weight_format = fb::WeightFormat::Int4;
         m.format_version = 2;
       }},
  };
  std::vector<BadModel> bad;
  for (const auto& [name, apply] : breaks) {
    std::unique_ptr<fb::ModelT> broken = Unpack(small);
    apply(*broken);
    bad.push_back({name, Pack(*broken)});
  }
  // Cut in half: the FlatBuffers verifier's refusal.
  bad.push_back(
      {"truncated", std::vector<uint8_t>(small.begin(), small.begin() + small.size() / 2)});
  return bad;
}

}  // namespace dnz::firmware
