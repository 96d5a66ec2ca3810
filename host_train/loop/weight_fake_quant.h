// Quantization-aware training of the weights (host_train --qat int8|int4|mixed): the trainer
// keeps the float ("master") weights and hands the backend their fake-quantized copy, each
// conv's weights replaced by scale * q exactly as the export will store them
// (dnz::build::FakeQuantizeConv). The backend's step computes the gradients at the
// fake-quantized weights and moves them by Adam's update; the straight-through estimator takes
// that update as the master weights' own: master += after_step - fake_quantized. Works the
// same for every backend (CPU and GPU), through SetParameters/GetParameters.
#ifndef DNZ_HOST_TRAIN_LOOP_WEIGHT_FAKE_QUANT_H_
#define DNZ_HOST_TRAIN_LOOP_WEIGHT_FAKE_QUANT_H_

#include <string>
#include <utility>
#include <vector>

#include "model/model_builder.h"

namespace dnz::train {

class WeightFakeQuant {
 public:
  // `choice`: int8, int4 or mixed (dnz::build::WeightFormatsFor on the seed network).
  bool Init(const std::string& choice, std::string* error);
  // With activations fake-quantized too (loop/activation_fake_quant.h): the scale of each
  // conv's input grid, so that Apply rounds the biases to their int32 grid as well
  // (dnz::build::FakeQuantizeConv). Empty: biases stay as they are.
  void SetInputScales(std::vector<float> input_scales) { input_scales_ = std::move(input_scales); }
  // Flat OIHW parameters (SeedParamLayout) with every conv's weights fake-quantized, and its
  // biases if input scales are set.
  std::vector<float> Apply(const std::vector<float>& params) const;
  // The straight-through update: master += after - quantized, element by element.
  static void UpdateMaster(const std::vector<float>& quantized, const std::vector<float>& after,
                           std::vector<float>* master);

 private:
  std::vector<dnz::build::WeightFormat> formats_;
  std::vector<float> input_scales_;
};

}  // namespace dnz::train

#endif  // DNZ_HOST_TRAIN_LOOP_WEIGHT_FAKE_QUANT_H_
