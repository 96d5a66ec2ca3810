#include "kernel_cases.h"

#include <cmath>
#include <cstdint>
#include <random>

#include "model/model_builder.h"

namespace dnz::firmware {
namespace {

using build::Activation;

struct ConvShape {
  int kernel, in_c, out_c;
  bool same;
  Activation activation;
  bool upsample, pool;
  bool int4 = false;  // packed 4-bit weights (docs/quantization.md)
};

struct CaseShape {
  const char* name;
  int height, width, channels;
  std::vector<ConvShape> convs;
  bool polyphase_weights;  // BuildOptions::polyphase_weights
};

// clang-format off
const CaseShape kShapes[] = {
  {"one_input_channel_pool", 11, 9, 1,
   {{3, 1, 6, true, Activation::kRelu, false, true}}, true},
  {"odd_channels", 7, 8, 5,
   {{3, 5, 7, true, Activation::kRelu, false, false},
    {1, 7, 3, true, Activation::kNone, false, false}}, true},
  {"valid_5x5_one_output", 12, 10, 6,
   {{5, 6, 1, false, Activation::kRelu, false, false}}, true},
  {"polyphase", 5, 6, 8,
   {{3, 8, 6, true, Activation::kRelu, true, false}}, true},
  {"polyphase_sums_beyond_int8", 5, 6, 8,
   {{3, 8, 6, true, Activation::kRelu, true, false}}, false},
  {"upsample_5x5", 4, 5, 4,
   {{5, 4, 5, true, Activation::kNone, true, false}}, true},
  {"pool_partial_window", 7, 7, 12,
   {{3, 12, 9, true, Activation::kRelu, false, true},
    {3, 9, 4, true, Activation::kRelu, true, false}}, true},
  {"sigmoid_one_channel", 9, 9, 1,
   {{3, 1, 1, true, Activation::kSigmoid, false, false}}, true},
  // int4: odd weight counts, groups starting mid-byte (5 and 7 channels), every kernel, and a
  // model mixing the formats.
  {"int4_odd_channels", 7, 8, 5,
   {{3, 5, 7, true, Activation::kRelu, false, false, true},
    {1, 7, 3, true, Activation::kNone, false, false, true}}, true},
  {"int4_polyphase", 5, 6, 8,
   {{3, 8, 6, true, Activation::kRelu, true, false, true}}, true},
  {"int4_one_input_channel_pool", 11, 9, 1,
   {{3, 1, 6, true, Activation::kRelu, false, true, true}}, true},
  {"mixed_pool_then_polyphase", 7, 7, 12,
   {{3, 12, 9, true, Activation::kRelu, false, true, true},
    {3, 9, 4, true, Activation::kRelu, true, false, false},
    {5, 4, 1, false, Activation::kNone, false, false, true}}, true},
};
// clang-format on

build::FloatNetwork RandomNetwork(const CaseShape& shape, std::mt19937& random) {
  build::FloatNetwork net;
  net.input_height = shape.height;
  net.input_width = shape.width;
  net.input_channels = shape.channels;
  for (const ConvShape& c : shape.convs) {
    build::FloatConv conv =
        build::ZeroConv(c.kernel, c.in_c, c.out_c, c.same, c.activation, c.upsample, c.pool);
    const float limit = std::sqrt(6.0f / float(c.kernel * c.kernel * (c.in_c + c.out_c)));
    std::uniform_real_distribution<float> weight(-limit, limit), bias(-0.1f, 0.1f);
    for (float& w : conv.weights) w = weight(random);
    for (float& b : conv.bias) b = bias(random);
    net.convs.push_back(conv);
  }
  return net;
}

std::vector<uint8_t> Pixels(size_t count, std::mt19937& random) {
  std::vector<uint8_t> pixels(count);
  for (uint8_t& p : pixels) p = uint8_t(random() & 255);
  return pixels;
}

}  // namespace

std::vector<KernelCase> MakeKernelCases(std::string* error) {
  std::mt19937 random(20261127);
  std::vector<KernelCase> cases;
  for (const CaseShape& shape : kShapes) {
    const size_t pixels = size_t(shape.height) * size_t(shape.width) * size_t(shape.channels);
    const build::FloatNetwork net = RandomNetwork(shape, random);
    std::vector<std::vector<float>> calibration;
    for (int i = 0; i < 8; ++i) {
      std::vector<float> image(pixels);
      for (float& v : image) v = float(random() & 255) / 255.0f;
      calibration.push_back(image);
    }
    build::BuildOptions options;
    options.keep_float_weights = false;
    for (const ConvShape& conv : shape.convs) {
      options.weight_formats.push_back(conv.int4 ? build::WeightFormat::kInt4
                                                 : build::WeightFormat::kInt8);
    }
    options.polyphase_weights = shape.polyphase_weights;
    build::Provenance provenance;
    provenance.trainer = "kernel_cases.cc (random weights)";
    provenance.created_utc = "2026-11-27T00:00:00Z";  // fixed: the same bytes on every run
    KernelCase c{shape.name, build::BuildModel(net, calibration, provenance, options, error), {}};
    if (c.model.empty()) return {};
    c.inputs = {Pixels(pixels, random), std::vector<uint8_t>(pixels, 0),
                std::vector<uint8_t>(pixels, 255), Pixels(pixels, random)};
    cases.push_back(c);
  }
  return cases;
}

}  // namespace dnz::firmware
