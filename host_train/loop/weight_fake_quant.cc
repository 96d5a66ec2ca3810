#include "loop/weight_fake_quant.h"

#include "checkpoint/export_model.h"

namespace dnz::train {

bool WeightFakeQuant::Init(const std::string& choice, std::string* error) {
  formats_ = dnz::build::WeightFormatsFor(dnz::build::SeedArchitecture(), choice, error);
  return !formats_.empty();
}

std::vector<float> WeightFakeQuant::Apply(const std::vector<float>& params) const {
  dnz::build::FloatNetwork net;
  std::string error;
  if (!ToFloatNetwork(params, &net, &error)) return params;  // never: the layout is the seed's
  // The export's default: polyphase-friendly scales for the int8 upsample convs.
  const dnz::build::BuildOptions defaults;
  for (size_t c = 0; c < net.convs.size(); ++c) {
    FakeQuantizeConv(&net.convs[c], formats_[c], defaults.polyphase_weights,
                     c < input_scales_.size() ? input_scales_[c] : 0.0f);
  }
  std::vector<float> quantized;
  FromFloatNetwork(net, &quantized);
  return quantized;
}

void WeightFakeQuant::UpdateMaster(const std::vector<float>& quantized,
                                   const std::vector<float>& after, std::vector<float>* master) {
  for (size_t i = 0; i < master->size(); ++i) (*master)[i] += after[i] - quantized[i];
}

}  // namespace dnz::train
