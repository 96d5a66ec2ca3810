#include "checkpoint/model_source.h"

#include <cstdint>
#include <dnz/dnz.hpp>
#include <fstream>
#include <iterator>
#include <vector>

#include "checkpoint/sha256.h"
#include "dnz_model_generated.h"

namespace dnz::train {
namespace {

std::string Text(const flatbuffers::String* text) { return text != nullptr ? text->str() : ""; }

// The training facts of the file's provenance; the metrics are the export's to measure.
dnz::build::Provenance CopyProvenance(const fb::Provenance* p) {
  dnz::build::Provenance out;
  if (p == nullptr) return out;
  out.trainer = Text(p->trainer());
  out.trainer_backend = Text(p->trainer_backend());
  out.device = Text(p->device());
  out.epochs = p->epochs();
  out.batch = p->batch();
  out.train_images = p->train_images();
  out.learning_rate = p->learning_rate();
  out.noise_factor = p->noise_factor();
  out.noise_mode = Text(p->noise_mode());
  out.init_seed = p->init_seed();
  out.shuffle_seed = p->shuffle_seed();
  out.noise_seed = p->noise_seed();
  out.dataset_sha256 = Text(p->dataset_sha256());
  if (p->extra() != nullptr) {
    for (const fb::KeyValue* kv : *p->extra()) {
      out.extra.emplace_back(Text(kv->key()), Text(kv->value()));
    }
  }
  return out;
}

// The loaded model's convs as the builder's float network; false unless it is the seed
// architecture (the shapes the trainer and the calibration expect).
bool ToNetwork(const dnz_model& model, dnz::build::FloatNetwork* net, std::string* error) {
  const dnz::build::FloatNetwork seed = dnz::build::SeedArchitecture();
  if (model.num_ops != seed.convs.size()) {
    *error = "the model has " + std::to_string(model.num_ops) + " ops, the seed architecture " +
             std::to_string(seed.convs.size()) + " fused convs";
    return false;
  }
  *net = seed;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = model.ops[i];
    dnz::build::FloatConv& conv = net->convs[i];
    const bool same = op.pad_top == conv.kernel / 2;
    if (op.kind != DNZ_OP_CONV || op.kernel_h != conv.kernel ||
        model.tensors[i].channels != conv.in_channels ||
        model.tensors[i + 1].channels != conv.out_channels || same != conv.same_padding ||
        bool(op.fused_upsample_input) != conv.fused_upsample_input ||
        bool(op.fused_maxpool_output) != conv.fused_maxpool_output) {
      *error = "op " + std::to_string(i) + " is not the seed architecture's conv";
      return false;
    }
    conv.weights.assign(op.float_weights, op.float_weights + conv.weights.size());
    conv.bias.assign(op.float_bias, op.float_bias + conv.bias.size());
  }
  return true;
}

}  // namespace

bool NetworkFromModelFile(const std::string& path, dnz::build::FloatNetwork* net,
                          dnz::build::Provenance* provenance, std::string* error) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    *error = "cannot open " + path;
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                std::istreambuf_iterator<char>());
  const AlignedBuffer aligned(bytes.data(), bytes.size());  // the loader wants aligned bytes
  dnz_model model;
  if (dnz_model_load(&model, aligned.data(), bytes.size()) != DNZ_OK) {
    *error = path + ": " + dnz_model_error(&model);
    return false;
  }
  if (!model.has_float_weights) {
    *error = path + " keeps no float weights to quantize again";
    return false;
  }
  if (!ToNetwork(model, net, error)) {
    *error = path + ": " + *error;
    return false;
  }
  std::string sha;
  if (!Sha256File(path, &sha, error)) return false;
  *provenance = CopyProvenance(fb::GetModel(aligned.data())->provenance());
  const std::string name = path.substr(path.rfind('/') + 1);
  provenance->extra.emplace_back("requantized_from", name + " (sha256 " + sha + ")");
  return true;
}

}  // namespace dnz::train
