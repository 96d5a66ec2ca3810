// Quantizes a float network and serializes it as a dnz model file, following
// docs/quantization.md: int8 symmetric per-output-channel weights, int32 biases,
// per-tensor activation scales from calibration, integer requantization
// parameters, and the sigmoid as a 256-entry table.
#include "model/model_builder.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "dnz/dnz.h"
#include "dnz_internal/polyphase.h"
#include "dnz_model_generated.h"
#include "model/float_forward.h"

namespace dnz::build {
namespace {

using QuantParams = QuantGrid;

// Ranges seen during calibration: per tensor, the max of each image.
struct Ranges {
  std::vector<std::vector<float>> image_max;  // [tensor][image]
  std::vector<float> logit_min, logit_max;    // per image, of the sigmoid conv
};

int32_t ClampToInt32(double value) {
  return int32_t(std::max<double>(INT32_MIN, std::min<double>(INT32_MAX, value)));
}

// A bias in the accumulator's units (input scale times weight scale), as the file stores it.
int32_t QuantizeBias(float bias, double acc_scale) {
  return ClampToInt32(std::nearbyint(double(bias) / acc_scale));
}

// The value below which `percentile` % of the per-image values fall (nearest rank).
float Percentile(std::vector<float> values, double percentile) {
  std::sort(values.begin(), values.end());
  const double rank = percentile / 100.0 * double(values.size() - 1);
  return values[size_t(std::lround(rank))];
}

Ranges Calibrate(const FloatNetwork& net, const std::vector<std::vector<float>>& images) {
  const size_t n = images.size(), tensors = net.convs.size() + 1;
  Ranges r;
  r.image_max.assign(tensors, std::vector<float>(n, 0.0f));
  r.logit_min.assign(n, 0.0f);
  r.logit_max.assign(n, 0.0f);
  auto work = [&](size_t first, size_t step) {
    for (size_t i = first; i < n; i += step) {
      std::vector<float> logits;
      const auto all = ForwardAll(net, images[i], &logits);
      for (size_t t = 0; t < tensors; ++t) {
        r.image_max[t][i] = *std::max_element(all[t].begin(), all[t].end());
      }
      if (!logits.empty()) {
        r.logit_min[i] = *std::min_element(logits.begin(), logits.end());
        r.logit_max[i] = *std::max_element(logits.begin(), logits.end());
      }
    }
  };
  const size_t threads = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(work, t, threads);
  work(0, threads);
  for (auto& thread : pool) thread.join();
  return r;
}

// Non-negative tensors (input, ReLU, sigmoid) use the full int8 range for [0, max].
QuantParams NonNegativeParams(float max_value) {
  return {std::max(max_value, 1e-6f) / 255.0f, -128};
}

QuantParams AsymmetricParams(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, lo + 1e-6f);
  const float scale = (hi - lo) / 255.0f;
  const long zp = std::lround(-128.0 - double(lo) / double(scale));
  return {scale, int32_t(std::max(-128L, std::min(127L, zp)))};
}

struct QuantizedConv {
  std::vector<int8_t> weights, shifts, table;  // weights: one per byte, packed at the end if int4
  std::vector<float> weight_scales;
  std::vector<int32_t> bias, multipliers;
  QuantParams preact;
};

// int4: two weights per byte, weight 2k in bits 0-3 of byte k (docs/quantization.md).
std::vector<int8_t> PackInt4(const std::vector<int8_t>& values) {
  std::vector<int8_t> packed((values.size() + 1) / 2, 0);
  for (size_t i = 0; i < values.size(); ++i) {
    const uint32_t nibble = uint32_t(uint8_t(values[i])) & 15u;
    packed[i / 2] = int8_t(uint8_t(uint8_t(packed[i / 2]) | nibble << (4 * (i % 2))));
  }
  return packed;
}

bool QuantizeConv(const FloatConv& conv, const QuantParams& in, const QuantParams& out,
                  bool polyphase_weights, WeightFormat format, QuantizedConv* q,
                  std::string* error) {
  const QuantParams target = conv.activation == Activation::kSigmoid ? q->preact : out;
  QuantizeConvWeights(conv, format, polyphase_weights, &q->weights, &q->weight_scales);
  for (int oc = 0; oc < conv.out_channels; ++oc) {
    const float w_scale = q->weight_scales[size_t(oc)];
    const double acc_scale = double(in.scale) * double(w_scale);
    q->bias.push_back(QuantizeBias(conv.bias[size_t(oc)], acc_scale));
    int32_t multiplier = 0;
    int shift = 0;
    if (!QuantizeMultiplier(acc_scale / double(target.scale), &multiplier, &shift)) {
      *error = "a requantization multiplier is out of range (channel " + std::to_string(oc) + ")";
      return false;
    }
    q->multipliers.push_back(multiplier);
    q->shifts.push_back(int8_t(shift));
  }
  if (conv.activation == Activation::kSigmoid) {
    for (int i = 0; i < 256; ++i) {
      const double real = double(q->preact.scale) * double(i - 128 - q->preact.zero_point);
      const double y = 1.0 / (1.0 + std::exp(-real));
      const long v = std::lround(y / double(out.scale)) + out.zero_point;
      q->table.push_back(int8_t(std::max(-128L, std::min(127L, v))));
    }
  }
  if (format == WeightFormat::kInt4) q->weights = PackInt4(q->weights);
  return true;
}

std::string UtcNow() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

flatbuffers::Offset<fb::Provenance> SerializeProvenance(flatbuffers::FlatBufferBuilder& fbb,
                                                        const Provenance& p,
                                                        uint32_t format_version) {
  std::vector<flatbuffers::Offset<fb::KeyValue>> extra;
  for (const auto& [key, value] : p.extra) {
    extra.push_back(fb::CreateKeyValueDirect(fbb, key.c_str(), value.c_str()));
  }
  const std::string created = p.created_utc.empty() ? UtcNow() : p.created_utc;
  return fb::CreateProvenanceDirect(
      fbb, p.trainer.c_str(), p.trainer_backend.c_str(), p.device.c_str(), p.epochs, p.batch,
      p.learning_rate, p.noise_factor, p.noise_mode.c_str(), p.init_seed, p.shuffle_seed,
      p.noise_seed, p.train_images, p.dataset_sha256.c_str(), p.calibration.c_str(),
      p.float_test_bce, p.float_test_psnr, p.float_test_ssim, p.int8_test_bce, p.int8_test_psnr,
      p.int8_test_ssim, created.c_str(), format_version, &extra);
}

fb::Activation SchemaActivation(Activation activation) {
  switch (activation) {
    case Activation::kRelu:
      return fb::Activation::Relu;
    case Activation::kSigmoid:
      return fb::Activation::Sigmoid;
    default:
      return fb::Activation::None;
  }
}

bool CheckNetwork(const FloatNetwork& net, std::string* error) {
  int channels = net.input_channels;
  for (size_t i = 0; i < net.convs.size(); ++i) {
    const FloatConv& c = net.convs[i];
    const size_t expected = size_t(c.kernel) * c.kernel * c.in_channels * c.out_channels;
    if (c.in_channels != channels || c.weights.size() != expected ||
        c.bias.size() != size_t(c.out_channels)) {
      *error = "conv " + std::to_string(i) + ": channels or weight count do not match";
      return false;
    }
    channels = c.out_channels;
  }
  if (net.convs.empty()) *error = "the network has no layers";
  return !net.convs.empty();
}

}  // namespace

void QuantizeConvWeights(const FloatConv& conv, WeightFormat format, bool polyphase_weights,
                         std::vector<int8_t>* values, std::vector<float>* scales) {
  const size_t per_channel = conv.weights.size() / size_t(conv.out_channels);
  const long limit = format == WeightFormat::kInt4 ? 7 : 127;  // symmetric: -8 is not used
  const bool polyphase = polyphase_weights && format == WeightFormat::kInt8 &&
                         conv.fused_upsample_input && conv.kernel == 3 && conv.same_padding;
  values->resize(conv.weights.size());
  scales->clear();
  for (int oc = 0; oc < conv.out_channels; ++oc) {
    const float* w = conv.weights.data() + size_t(oc) * per_channel;
    float max_abs = 0.0f;
    for (size_t i = 0; i < per_channel; ++i) max_abs = std::max(max_abs, std::fabs(w[i]));
    float w_scale = max_abs > 0.0f ? max_abs / float(limit) : 1e-8f;
    int8_t* qw = values->data() + size_t(oc) * per_channel;
    for (;;) {
      for (size_t i = 0; i < per_channel; ++i) {
        const long v = std::lround(double(w[i]) / double(w_scale));
        qw[i] = int8_t(std::max(-limit, std::min(limit, v)));
      }
      if (!polyphase) break;
      // Widen the scale until the polyphase sums fit too (a few rounds at most).
      const int32_t worst = PolyphaseMaxAbsSum(qw, conv.in_channels);
      if (worst <= 127) break;
      w_scale *= 1.01f * float(worst) / 127.0f;
    }
    scales->push_back(w_scale);
  }
}

void FakeQuantizeConv(FloatConv* conv, WeightFormat format, bool polyphase_weights,
                      float input_scale) {
  std::vector<int8_t> values;
  std::vector<float> scales;
  QuantizeConvWeights(*conv, format, polyphase_weights, &values, &scales);
  const size_t per_channel = values.size() / size_t(conv->out_channels);
  for (size_t i = 0; i < values.size(); ++i) {
    conv->weights[i] = scales[i / per_channel] * float(values[i]);
  }
  if (input_scale <= 0.0f) return;
  for (size_t oc = 0; oc < conv->bias.size(); ++oc) {
    const double acc_scale = double(input_scale) * double(scales[oc]);
    conv->bias[oc] = float(double(QuantizeBias(conv->bias[oc], acc_scale)) * acc_scale);
  }
}

std::vector<WeightFormat> WeightFormatsFor(const FloatNetwork& net, const std::string& choice,
                                           std::string* error) {
  std::vector<WeightFormat> formats;
  for (const FloatConv& conv : net.convs) {
    if (choice == "int8") {
      formats.push_back(WeightFormat::kInt8);
    } else if (choice == "int4") {
      formats.push_back(WeightFormat::kInt4);
    } else if (choice == "mixed") {
      const bool edge = conv.in_channels == 1 || conv.out_channels == 1;
      formats.push_back(edge ? WeightFormat::kInt8 : WeightFormat::kInt4);
    } else {
      *error = "unknown weight format '" + choice + "' (int8, int4 or mixed)";
      return {};
    }
  }
  return formats;
}

bool QuantizeMultiplier(double real, int32_t* multiplier, int* shift) {
  if (!(real > 0.0) || !std::isfinite(real)) return false;
  int exponent = 0;
  const double mantissa = std::frexp(real, &exponent);  // real = mantissa * 2^exponent
  int64_t m = std::llround(mantissa * double(int64_t{1} << 31));
  if (m == (int64_t{1} << 31)) {
    m /= 2;
    ++exponent;
  }
  const int s = 31 - exponent;
  if (s < 1 || s > 62) return false;
  *multiplier = int32_t(m);
  *shift = s;
  return true;
}

ActivationRanges CalibrateActivationRanges(const FloatNetwork& net,
                                           const std::vector<std::vector<float>>& images,
                                           double percentile) {
  ActivationRanges result;
  if (images.empty()) return result;
  const Ranges ranges = Calibrate(net, images);
  for (size_t i = 0; i < net.convs.size(); ++i) {
    result.output_max.push_back(Percentile(ranges.image_max[i + 1], percentile));
  }
  result.logit_min = Percentile(ranges.logit_min, 100.0 - percentile);
  result.logit_max = Percentile(ranges.logit_max, percentile);
  return result;
}

QuantGrid InputGrid() { return NonNegativeParams(1.0f); }  // pixels: real = (q + 128) / 255

std::vector<QuantGrid> ConvOutputGrids(const FloatNetwork& net, const ActivationRanges& ranges) {
  std::vector<QuantGrid> grids;
  for (size_t i = 0; i < net.convs.size() && i < ranges.output_max.size(); ++i) {
    const float hi = ranges.output_max[i];
    switch (net.convs[i].activation) {
      case Activation::kSigmoid:
        grids.push_back(AsymmetricParams(ranges.logit_min, ranges.logit_max));
        break;
      case Activation::kRelu:
        grids.push_back(NonNegativeParams(hi));
        break;
      default:
        grids.push_back(AsymmetricParams(-hi, hi));  // no min is recorded: symmetric about 0
    }
  }
  return grids;
}

std::vector<uint8_t> BuildModel(const FloatNetwork& net,
                                const std::vector<std::vector<float>>& calibration_images,
                                const Provenance& provenance, const BuildOptions& options,
                                std::string* error) {
  if (!CheckNetwork(net, error)) return {};
  if (calibration_images.empty() && options.activation_ranges == nullptr) {
    *error = "no calibration images";
    return {};
  }
  std::vector<WeightFormat> formats = options.weight_formats;
  if (formats.empty()) formats.assign(net.convs.size(), WeightFormat::kInt8);
  if (formats.size() != net.convs.size()) {
    *error = "weight formats for " + std::to_string(formats.size()) + " convs, the network has " +
             std::to_string(net.convs.size());
    return {};
  }
  const bool any_int4 =
      std::find(formats.begin(), formats.end(), WeightFormat::kInt4) != formats.end();
  const uint32_t format_version = any_int4 ? 2u : 1u;  // the lowest that holds the file
  ActivationRanges calibrated;
  if (options.activation_ranges == nullptr) {
    calibrated = CalibrateActivationRanges(net, calibration_images, options.calibration_percentile);
  }
  const ActivationRanges& ranges =
      options.activation_ranges != nullptr ? *options.activation_ranges : calibrated;
  if (ranges.output_max.size() != net.convs.size()) {
    *error = "activation ranges for " + std::to_string(ranges.output_max.size()) +
             " convs, the network has " + std::to_string(net.convs.size());
    return {};
  }
  const std::vector<QuantGrid> grids = ConvOutputGrids(net, ranges);

  flatbuffers::FlatBufferBuilder fbb(1 << 20);
  fbb.ForceDefaults(true);  // every field present: tools can patch any of them in place
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  std::vector<flatbuffers::Offset<fb::Op>> ops;
  QuantParams in = InputGrid();
  tensors.push_back(fb::CreateTensor(fbb, net.input_height, net.input_width, net.input_channels,
                                     in.scale, in.zero_point));
  int h = net.input_height, w = net.input_width;
  for (size_t i = 0; i < net.convs.size(); ++i) {
    const FloatConv& conv = net.convs[i];
    QuantizedConv q;
    QuantParams out = grids[i];
    if (conv.activation == Activation::kSigmoid) {
      q.preact = grids[i];
      out = NonNegativeParams(1.0f);
    }
    if (!QuantizeConv(conv, in, out, options.polyphase_weights, formats[i], &q, error)) return {};
    const ConvGeometry g = GeometryOf(conv, h, w);
    const auto* float_weights = options.keep_float_weights ? &conv.weights : nullptr;
    const auto* float_bias = options.keep_float_weights ? &conv.bias : nullptr;
    const auto options_offset = fb::CreateConv2DDirect(
        fbb, conv.kernel, conv.kernel, 1, g.pad_before, g.pad_before, g.pad_after, g.pad_after,
        SchemaActivation(conv.activation), conv.fused_upsample_input, conv.fused_maxpool_output,
        &q.weights, &q.weight_scales, &q.bias, &q.multipliers, &q.shifts, q.preact.scale,
        q.preact.zero_point, q.table.empty() ? nullptr : &q.table, float_weights, float_bias,
        formats[i] == WeightFormat::kInt4 ? fb::WeightFormat::Int4 : fb::WeightFormat::Int8);
    ops.push_back(fb::CreateOp(fbb, fb::OpOptions::Conv2D, options_offset.Union()));
    tensors.push_back(
        fb::CreateTensor(fbb, g.out_h, g.out_w, conv.out_channels, out.scale, out.zero_point));
    in = out;
    h = g.out_h;
    w = g.out_w;
  }
  const auto prov = SerializeProvenance(fbb, provenance, format_version);
  const auto model = fb::CreateModelDirect(fbb, format_version, fb::RoundingMode::SingleRoundHalfUp,
                                           &tensors, &ops, prov);
  fb::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace dnz::build
