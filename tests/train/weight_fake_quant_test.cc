// Quantization-aware training of the weights (loop/weight_fake_quant.h): the fake-quantized
// weights are what the export stores, bit for bit; the straight-through step moves the master
// weights by Adam's update of the double reference's gradient at the fake-quantized weights.
#include "loop/weight_fake_quant.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "checkpoint/export_model.h"
#include "dnz_internal/weights.h"
#include "dnz_model_generated.h"
#include "network/seed_network.h"
#include "reference/reference_network.h"
#include "tiny_batch.h"

namespace dnz::train {
namespace {

// Weight i of a conv in the file, decoded from either format.
float StoredWeight(const fb::Conv2D& conv, size_t i, size_t per_channel) {
  const int32_t q = conv.weight_format() == fb::WeightFormat::Int4
                        ? Int4At(conv.weights()->data(), int64_t(i))
                        : int32_t(conv.weights()->Get(flatbuffers::uoffset_t(i)));
  return conv.weight_scales()->Get(flatbuffers::uoffset_t(i / per_channel)) * float(q);
}

// For every choice: the export of the master weights stores exactly the weights QAT trained on
// (scale * q in float, compared bit for bit), the int8 upsample convs' widened scales included.
TEST(WeightFakeQuant, TheExportStoresExactlyTheFakeQuantizedWeights) {
  const std::vector<float> master = GlorotUniformInit(5);
  dnz::build::FloatNetwork net;
  std::string error;
  ASSERT_TRUE(ToFloatNetwork(master, &net, &error)) << error;
  for (auto& conv : net.convs) {  // biases that matter to the scales' calibration
    for (size_t i = 0; i < conv.bias.size(); ++i) conv.bias[i] = 0.01f * float(i % 7);
  }
  std::vector<float> with_bias;
  FromFloatNetwork(net, &with_bias);
  for (const char* choice : {"int8", "int4", "mixed"}) {
    SCOPED_TRACE(choice);
    WeightFakeQuant qat;
    ASSERT_TRUE(qat.Init(choice, &error)) << error;
    dnz::build::FloatNetwork quantized;
    ASSERT_TRUE(ToFloatNetwork(qat.Apply(with_bias), &quantized, &error)) << error;
    dnz::build::BuildOptions options;
    options.keep_float_weights = false;
    options.weight_formats = dnz::build::WeightFormatsFor(net, choice, &error);
    const std::vector<std::vector<float>> images(2, std::vector<float>(784, 0.5f));
    const std::vector<uint8_t> bytes = dnz::build::BuildModel(net, images, {}, options, &error);
    ASSERT_FALSE(bytes.empty()) << error;
    const fb::Model* model = fb::GetModel(bytes.data());
    for (size_t c = 0; c < net.convs.size(); ++c) {
      const fb::Conv2D& conv = *model->ops()->Get(flatbuffers::uoffset_t(c))->options_as_Conv2D();
      const auto& expected = quantized.convs[c].weights;
      const size_t per_channel = expected.size() / size_t(net.convs[c].out_channels);
      for (size_t i = 0; i < expected.size(); ++i) {
        ASSERT_EQ(StoredWeight(conv, i, per_channel), expected[i]) << "conv " << c << " " << i;
      }
      EXPECT_EQ(quantized.convs[c].bias, net.convs[c].bias) << "biases are not fake-quantized";
      EXPECT_NE(quantized.convs[c].weights, net.convs[c].weights) << "conv " << c;
    }
  }
}

// One QAT step through the CPU backend: the backend trains on the fake-quantized weights, and
// the master weights move by the first Adam update of the reference gradient taken there:
// -lr * g / (|g| + eps) (bias-corrected moments of one step), the straight-through estimator.
TEST(WeightFakeQuant, AStepMovesTheMasterByAdamOfTheGradientAtTheQuantizedWeights) {
  const int batch = 2;
  const ReferenceCase ref = MakeReferenceCase(batch);
  std::string error;
  WeightFakeQuant qat;
  ASSERT_TRUE(qat.Init("mixed", &error)) << error;
  std::vector<float> master = ref.FloatParams();
  const std::vector<float> quantized = qat.Apply(master);
  std::vector<double> grads;
  reference::NetworkLossAndGradients(std::vector<double>(quantized.begin(), quantized.end()),
                                     ref.images.noisy.data(), ref.images.clean.data(), batch,
                                     &grads);
  auto backend = MakeCpuBackend(batch, "f32", &error);
  ASSERT_TRUE(backend) << error;
  ASSERT_TRUE(backend->SetParameters(quantized, &error)) << error;
  ASSERT_TRUE(backend->SetAdamState(
      {std::vector<float>(master.size(), 0.0f), std::vector<float>(master.size(), 0.0f), 0},
      &error))
      << error;
  double loss = 0.0;
  ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), batch,
                                        &loss, &error))
      << error;
  AdamConfig adam;
  adam.learning_rate = 1e-3f;
  ASSERT_TRUE(backend->ApplyAdam(adam, &error)) << error;
  std::vector<float> after;
  ASSERT_TRUE(backend->GetParameters(&after, &error)) << error;
  const std::vector<float> before = master;
  WeightFakeQuant::UpdateMaster(quantized, after, &master);
  // Adam's first step, Keras' form (epsilon added to sqrt(v), not to its bias-corrected value):
  // lr * g / (|g| + epsilon / sqrt(1 - beta2)). The backend's float gradient is within 2e-3 of
  // its layer's largest (OnednnBackendMatchesReference), which moves the update by at most the
  // derivative of that expression times the error.
  const double eps = adam.epsilon / std::sqrt(1.0 - adam.beta2);
  const ParamLayout& layout = SeedParamLayout();
  size_t checked = 0;
  for (int layer = 0; layer < kNumConvs; ++layer) {
    const size_t begin = layout.weight_offset[layer],
                 end = layout.bias_offset[layer] +
                       size_t(kSeedConvs[static_cast<size_t>(layer)].out_channels);
    double largest = 0.0;
    for (size_t k = begin; k < end; ++k) largest = std::max(largest, std::fabs(grads[k]));
    for (size_t k = begin; k < end; ++k) {
      const double g = grads[k], magnitude = std::fabs(g) + eps;
      const double expected = before[k] - adam.learning_rate * g / magnitude;
      const double tolerance =
          1e-7 + adam.learning_rate * eps * 2e-3 * largest / (magnitude * magnitude);
      ASSERT_NEAR(master[k], expected, tolerance) << "layer " << layer << " param " << k;
      ++checked;
    }
  }
  EXPECT_GT(checked, master.size() / 2);
}

}  // namespace
}  // namespace dnz::train
