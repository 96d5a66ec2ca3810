// Host-only: turns a float network into a dnz model file (quantize + serialize).
// Used by the trainer's export and by tests that need models with known weights.
// The quantization rules it applies are those of docs/quantization.md.
#ifndef DNZ_HOST_LIB_MODEL_MODEL_BUILDER_H_
#define DNZ_HOST_LIB_MODEL_MODEL_BUILDER_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dnz::build {

enum class Activation { kNone, kRelu, kSigmoid };

// One conv layer in float, with the fusions the runtime supports.
struct FloatConv {
  int kernel = 3;  // square kernel
  int in_channels = 0;
  int out_channels = 0;
  bool same_padding = true;  // 'same' (pad k/2 each side) or 'valid'
  Activation activation = Activation::kRelu;
  bool fused_upsample_input = false;  // nearest x2 before the conv
  bool fused_maxpool_output = false;  // 2x2 stride-2 ceil-mode pool after it
  std::vector<float> weights;         // [out_c][kh][kw][in_c] (OHWI)
  std::vector<float> bias;            // [out_c]
};

// A conv of the given shape with zero weights and bias, ready to be filled.
FloatConv ZeroConv(int kernel, int in_channels, int out_channels, bool same_padding,
                   Activation activation, bool fused_upsample_input, bool fused_maxpool_output);

struct FloatNetwork {
  int input_height = 28, input_width = 28, input_channels = 1;
  std::vector<FloatConv> convs;
};

// The seed architecture (seed_architecture.h) as fused convs, weights zero-filled.
FloatNetwork SeedArchitecture();

// Float forward pass of one image (plain loops; the float reference).
// `input` is [H][W][C] in [0,1]; returns every tensor: [0] = input, [i+1] = conv i's output.
std::vector<std::vector<float>> ForwardAll(const FloatNetwork& net,
                                           const std::vector<float>& input);

struct Provenance {
  std::string trainer = "host_train";
  std::string trainer_backend, device;
  int epochs = 0, batch = 0, train_images = 0;
  float learning_rate = 0, noise_factor = 0;
  std::string noise_mode;
  uint64_t init_seed = 0, shuffle_seed = 0, noise_seed = 0;
  std::string dataset_sha256, calibration;
  float float_test_bce = 0, float_test_psnr = 0, float_test_ssim = 0;
  float int8_test_bce = 0, int8_test_psnr = 0, int8_test_ssim = 0;
  std::string created_utc;  // filled with the current time when empty
  std::vector<std::pair<std::string, std::string>> extra;
};

// How a conv's weights are stored in the file (docs/quantization.md).
enum class WeightFormat { kInt8, kInt4 };

// The weight format of every conv for a choice: "int8", "int4", or "mixed": int4 except the
// convs with one input or one output channel (the seed model's first conv and its last two),
// which hold 0.3% of the weights and carry the image in and out. Unknown: empty, error set.
std::vector<WeightFormat> WeightFormatsFor(const FloatNetwork& net, const std::string& choice,
                                           std::string* error);

// One conv's weights as BuildModel stores them: per output channel a scale (max|w| / 127 for
// int8, / 7 for int4, widened for polyphase upsample convs when asked; docs/quantization.md)
// and the integer values q = clamp(round(w / scale)), OHWI, one per element (not packed).
void QuantizeConvWeights(const FloatConv& conv, WeightFormat format, bool polyphase_weights,
                         std::vector<int8_t>* values, std::vector<float>* scales);
// The same conv fake-quantized in place: each weight replaced by scale * q, the real value the
// file's integer means; and, for an input grid of scale `input_scale` > 0, each bias by
// b * input_scale * weight_scale with b = round(bias / (input_scale * weight_scale)), the int32
// the file stores (the accumulator's units; that rounding can be a sizeable part of an output
// step: the first conv's, 6%). Quantization-aware training trains on these, so the export
// stores exactly what the training saw.
void FakeQuantizeConv(FloatConv* conv, WeightFormat format, bool polyphase_weights,
                      float input_scale = 0.0f);

// An activation tensor's int8 grid: real = scale * (q - zero_point), q in [-128, 127].
struct QuantGrid {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// What calibration finds (docs/quantization.md): per conv, the upper end of its output's
// range (the `percentile` of the per-image maxima), and the sigmoid conv's logits' range.
struct ActivationRanges {
  std::vector<float> output_max;  // [conv]
  float logit_min = 0.0f, logit_max = 0.0f;
};
ActivationRanges CalibrateActivationRanges(const FloatNetwork& net,
                                           const std::vector<std::vector<float>>& images,
                                           double percentile = 100.0);
// The grids BuildModel gives the activations: the input's (pixels, [0, 1]), and per conv
// the grid its output is quantized to; for the sigmoid conv, the grid of its logits (the
// table's index; its output grid is fixed, [0, 1]). Quantization-aware training
// fake-quantizes with these, so that the file holds the grids the training saw.
QuantGrid InputGrid();
std::vector<QuantGrid> ConvOutputGrids(const FloatNetwork& net, const ActivationRanges& ranges);

struct BuildOptions {
  bool keep_float_weights = true;
  // Per conv; empty: all int8. A file with an int4 conv is format version 2, else 1.
  std::vector<WeightFormat> weight_formats;
  // Activation ranges: each tensor's range is this percentile of its per-image
  // maxima over the calibration images (100 = the plain max over all of them).
  double calibration_percentile = 100.0;
  // Not null: these ranges (e.g. a quantization-aware training run's), no calibration.
  const ActivationRanges* activation_ranges = nullptr;
  // Upsample + 3x3 convs: widen each output channel's weight scale until the sums
  // of neighbouring weights that the polyphase form adds (runtime/src/polyphase.h)
  // fit in int8 too, so that the onednn backend runs those convs with 4 taps per
  // pixel instead of 9. Costs up to about two bits of those layers' weight
  // precision (measured on the default model: 0.01 dB PSNR). int4 convs need no widening: a
  // sum of four values in [-7, 7] fits int8.
  bool polyphase_weights = true;
};

// Calibrates activation ranges on `calibration_images` (each [H][W][C] in [0,1]; unused
// when options.activation_ranges is given), quantizes and serializes. Returns the file bytes; on
// error, empty and `error` set.
std::vector<uint8_t> BuildModel(const FloatNetwork& net,
                                const std::vector<std::vector<float>>& calibration_images,
                                const Provenance& provenance, const BuildOptions& options,
                                std::string* error);

// Splits a real multiplier into the file's (multiplier, shift): real ~= m * 2^-shift,
// m in [2^30, 2^31), shift in [1, 62]. Returns false if it cannot be represented.
bool QuantizeMultiplier(double real, int32_t* multiplier, int* shift);

}  // namespace dnz::build

#endif  // DNZ_HOST_LIB_MODEL_MODEL_BUILDER_H_
