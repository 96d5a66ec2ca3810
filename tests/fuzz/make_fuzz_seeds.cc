// Writes the committed seed corpora of the fuzz targets (tests/fuzz/corpus/): small valid
// inputs, and model files with one vector length or offset changed, aimed at the places a
// malformed file attacks. Run once when the formats change:
//   build-fuzz/tests/fuzz/make_fuzz_seeds tests/fuzz/corpus
// then write idx_reader's gzip seeds from its plain ones (gzip -n stores no name or time, so
// the same gzip gives the same bytes; these came from GNU gzip 1.12):
//   cd tests/fuzz/corpus/idx_reader && for f in images_2 labels_3; do gzip -9nc $f >$f.gz; done &&
//   head -c 200 images_2.gz >images_2_truncated.gz &&
//   { cat labels_3; head -c 65536 /dev/zero; } | gzip -9n >labels_3_oversized.gz
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "dnz_model_generated.h"
#include "model/model_builder.h"

namespace {

namespace fs = std::filesystem;
using Bytes = std::vector<uint8_t>;

void Write(const fs::path& path, const Bytes& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

// A four-conv model on a 10x9 input with every fusion the format has, as in
// tests/runtime/verifier_test.cc; weights "int8", "int4" or "mixed" (format version 2).
Bytes SmallModel(bool keep_float, const char* weights = "int8") {
  dnz::build::FloatNetwork net;
  net.input_height = 10;
  net.input_width = 9;
  net.input_channels = 1;
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  auto conv = [&](int k, int in, int out, bool same, dnz::build::Activation act, bool up,
                  bool pool) {
    dnz::build::FloatConv c = dnz::build::ZeroConv(k, in, out, same, act, up, pool);
    for (float& w : c.weights) w = u(rng);
    c.bias.assign(size_t(out), 0.1f);
    net.convs.push_back(c);
  };
  conv(3, 1, 4, true, dnz::build::Activation::kRelu, false, true);
  conv(3, 4, 3, true, dnz::build::Activation::kRelu, true, false);
  conv(5, 3, 2, false, dnz::build::Activation::kRelu, false, false);
  conv(3, 2, 1, true, dnz::build::Activation::kSigmoid, false, false);
  std::vector<std::vector<float>> images(4, std::vector<float>(90));
  for (auto& image : images)
    for (float& p : image) p = u(rng) + 0.5f;
  dnz::build::BuildOptions options;
  options.keep_float_weights = keep_float;
  std::string error;
  options.weight_formats = dnz::build::WeightFormatsFor(net, weights, &error);
  return dnz::build::BuildModel(net, images, {}, options, &error);
}

// One int4 conv of 27 weights: an odd count, whose last byte's high nibble is padding.
Bytes OddCountInt4Model() {
  dnz::build::FloatNetwork net;
  net.input_height = net.input_width = 6;
  dnz::build::FloatConv conv =
      dnz::build::ZeroConv(3, 1, 3, true, dnz::build::Activation::kRelu, false, false);
  for (size_t i = 0; i < conv.weights.size(); ++i) conv.weights[i] = float(int(i % 7) - 3) * 0.1f;
  net.convs.push_back(conv);
  dnz::build::BuildOptions options;
  options.keep_float_weights = false;
  options.weight_formats = {dnz::build::WeightFormat::kInt4};
  std::string error;
  return dnz::build::BuildModel(net, {std::vector<float>(36, 0.5f)}, {}, options, &error);
}

// Copies of `model` with the 32-bit length before one vector's data (or the root offset)
// replaced by each of a few hostile values.
void LengthAndOffsetMutations(const Bytes& model, const fs::path& folder,
                              const std::string& prefix = "") {
  const auto* root = dnz::fb::GetModel(model.data());
  std::vector<std::pair<std::string, const uint8_t*>> vectors = {
      {"tensors", reinterpret_cast<const uint8_t*>(root->tensors()->data())},
      {"ops", reinterpret_cast<const uint8_t*>(root->ops()->data())}};
  const auto* conv = root->ops()->Get(0)->options_as_Conv2D();
  vectors.push_back({"weights", reinterpret_cast<const uint8_t*>(conv->weights()->data())});
  vectors.push_back({"bias", reinterpret_cast<const uint8_t*>(conv->bias()->data())});
  vectors.push_back(
      {"multiplier", reinterpret_cast<const uint8_t*>(conv->requant_multiplier()->data())});
  vectors.push_back({"shift", reinterpret_cast<const uint8_t*>(conv->requant_shift()->data())});
  const uint32_t hostile[] = {0u, 1u, 0x7fffffffu, 0xfffffff0u};
  for (const auto& [name, data] : vectors) {
    const size_t at = size_t(data - model.data()) - 4;
    uint32_t length;
    std::memcpy(&length, model.data() + at, 4);
    int n = 0;
    for (const uint32_t value : {hostile[0], hostile[1], hostile[2], hostile[3], length + 1}) {
      Bytes copy = model;
      std::memcpy(copy.data() + at, &value, 4);
      Write(folder / (prefix + "len_" + name + "_" + std::to_string(n++)), copy);
    }
  }
  for (const int32_t delta : {-4, 4, 1 << 20}) {
    Bytes copy = model;
    uint32_t root_offset;
    std::memcpy(&root_offset, copy.data(), 4);
    root_offset = uint32_t(int64_t(root_offset) + delta);
    std::memcpy(copy.data(), &root_offset, 4);
    Write(folder / (prefix + "root_offset_" + std::to_string(delta)), copy);
  }
}

Bytes BigEndian32(uint32_t v) {
  return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

Bytes Idx(uint32_t magic, std::vector<uint32_t> dims, size_t payload) {
  Bytes bytes = BigEndian32(magic);
  for (uint32_t d : dims) {
    const Bytes b = BigEndian32(d);
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  for (size_t i = 0; i < payload; ++i) bytes.push_back(uint8_t(i * 37));
  return bytes;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds CORPUS_FOLDER\n");
    return 2;
  }
  const fs::path corpus = argv[1];
  const Bytes small = SmallModel(true);
  if (small.empty()) {
    std::fprintf(stderr, "make_fuzz_seeds: could not build the small model\n");
    return 1;
  }
  Write(corpus / "verifier" / "small_float", small);
  Write(corpus / "verifier" / "small_int8", SmallModel(false));
  LengthAndOffsetMutations(small, corpus / "verifier");
  // int4 weights: packed vectors, the padding nibble, a mixed model.
  const Bytes int4 = SmallModel(false, "int4");
  Write(corpus / "verifier" / "small_int4", int4);
  Write(corpus / "verifier" / "small_mixed", SmallModel(false, "mixed"));
  Bytes odd = OddCountInt4Model();
  Write(corpus / "verifier" / "int4_odd_count", odd);
  const auto* packed = reinterpret_cast<const uint8_t*>(
      dnz::fb::GetModel(odd.data())->ops()->Get(0)->options_as_Conv2D()->weights()->data());
  odd[size_t(packed - odd.data()) + 13] |= 0x50;  // the padding nibble of byte 14: refused
  Write(corpus / "verifier" / "int4_padding_set", odd);
  LengthAndOffsetMutations(int4, corpus / "verifier", "int4_");

  Write(corpus / "idx_reader" / "images_2", Idx(0x803, {2, 28, 28}, 2 * 784));
  Write(corpus / "idx_reader" / "labels_3", Idx(0x801, {3}, 3));
  Write(corpus / "idx_reader" / "images_huge_count", Idx(0x803, {0x7fffffff, 28, 28}, 784));
  Write(corpus / "idx_reader" / "images_wrong_side", Idx(0x803, {1, 4096, 4096}, 16));
  Write(corpus / "idx_reader" / "labels_truncated", Idx(0x801, {10}, 4));

  const std::string json =
      R"({"format":"dnz-host_train-checkpoint","options":{"epochs":2,"batch":64,)"
      R"("learning_rate":0.001,"noise":0.7,"noise_mode":"fresh","train_limit":640,)"
      R"("validation_limit":500,"seed":3,"threads":2,"device":"auto","precision":"f32",)"
      R"("data":"data/mnist"},"init_seed":3,"shuffle_seed":5,"noise_seed":7,"reinits":0,)"
      R"("epoch":1,"step_in_epoch":4,"epoch_loss_sum":12.5,"epoch_images":256,)"
      R"("epoch_seconds":3.5,"adam_step":14})";
  Bytes framed = {1};
  framed.insert(framed.end(), json.begin(), json.end());
  Write(corpus / "checkpoint" / "metadata", framed);
  Bytes raw = {0};
  const std::string header = "DNZCKPT1";
  raw.insert(raw.end(), header.begin(), header.end());
  raw.insert(raw.end(), 16, 0);
  Write(corpus / "checkpoint" / "header_only", raw);
  std::printf("seeds written to %s\n", corpus.c_str());
  return 0;
}
