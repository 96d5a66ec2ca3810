#include "denoising_quality.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "data/metrics.h"
#include "data/mnist.h"
#include "test_models.h"

namespace dnz::test {

DenoisingScore ScoreDenoising(const float* output, const float* noisy, const float* clean,
                              size_t count) {
  constexpr size_t kPixels = data::kMnistPixels;
  DenoisingScore score;
  for (size_t i = 0; i < count; ++i) {
    score.output_psnr += data::ImagePsnr(output + i * kPixels, clean + i * kPixels, kPixels);
    score.noisy_psnr += data::ImagePsnr(noisy + i * kPixels, clean + i * kPixels, kPixels);
  }
  if (count > 0) {
    score.output_psnr /= double(count);
    score.noisy_psnr /= double(count);
  }
  return score;
}

std::string QualityProblem(const DenoisingScore& score, double min_output_psnr, double min_gain) {
  char line[256];
  std::string problem;
  if (score.output_psnr < min_output_psnr) {
    std::snprintf(line, sizeof line, "output PSNR %.2f dB is below the floor of %.2f dB",
                  score.output_psnr, min_output_psnr);
    problem = line;
  }
  if (score.gain() < min_gain) {
    std::snprintf(
        line, sizeof line, "%sgain over the noisy input %.2f dB (%.2f - %.2f) is below %.2f dB",
        problem.empty() ? "" : "; ", score.gain(), score.output_psnr, score.noisy_psnr, min_gain);
    problem += line;
  }
  return problem;
}

std::vector<float> RunModel(const std::vector<uint8_t>& model_bytes, dnz_backend backend,
                            const std::vector<float>& images, size_t count, std::string* error) {
  if (backend == DNZ_BACKEND_AUTO) {  // as dnz.h's auto: onednn where built in, else ref
    backend = dnz_backend_available(DNZ_BACKEND_ONEDNN) ? DNZ_BACKEND_ONEDNN : DNZ_BACKEND_REF;
  }
  const uint32_t batch = InfoOf(backend).threaded ? 128 : 1;
  Runner runner(model_bytes, backend, batch);
  std::vector<float> output(count * data::kMnistPixels);
  dnz_status status = runner.status;
  for (size_t first = 0; status == DNZ_OK && first < count; first += batch) {
    const uint32_t n = uint32_t(std::min<size_t>(batch, count - first));
    status = dnz_run_f32(&runner.session, images.data() + first * data::kMnistPixels,
                         output.data() + first * data::kMnistPixels, n);
  }
  if (status != DNZ_OK) {
    *error = std::string(dnz_backend_name(backend)) + ": " + dnz_status_string(status);
    return {};
  }
  return output;
}

std::vector<uint8_t> BrokenModelBytes(BrokenModel kind,
                                      const std::vector<std::vector<float>>& calibration,
                                      std::string* error) {
  build::FloatNetwork net = build::SeedArchitecture();  // every weight and bias zero
  if (kind == BrokenModel::kIdentity) {
    for (build::FloatConv& conv : net.convs) {
      // OHWI: output channel 0 takes input channel 0 at the kernel's centre.
      const int centre = conv.kernel / 2;
      conv.weights[size_t((centre * conv.kernel + centre) * conv.in_channels)] = 1.0f;
    }
  }
  if (kind == BrokenModel::kIdentity) {  // the last conv, 3x3 1->1: sigmoid(8 x - 4)
    net.convs.back().weights[4] = 8.0f;
    net.convs.back().bias[0] = -4.0f;
  }
  build::Provenance provenance;
  provenance.trainer_backend = "test";
  provenance.calibration = "a broken model for the quality guard";
  return build::BuildModel(net, calibration, provenance, build::BuildOptions{}, error);
}

std::vector<uint8_t> ScaledMultipliers(const std::vector<uint8_t>& bytes, double factor) {
  std::vector<uint8_t> out = bytes;
  const Runner loaded(bytes, DNZ_BACKEND_REF);
  EXPECT_EQ(loaded.status, DNZ_OK);
  const auto* base = static_cast<const uint8_t*>(loaded.model.bytes);
  for (uint32_t k = 0; k < loaded.model.num_ops; ++k) {
    const dnz_op& op = loaded.model.ops[k];
    for (int32_t oc = 0; oc < loaded.model.tensors[k + 1].channels; ++oc) {
      const size_t at = size_t(reinterpret_cast<const uint8_t*>(op.requant_multiplier + oc) - base);
      int32_t m = 0;
      std::memcpy(&m, &out[at], sizeof m);
      m = int32_t(std::min(double(m) * factor, 2147483647.0));
      std::memcpy(&out[at], &m, sizeof m);
    }
  }
  return out;
}

}  // namespace dnz::test
