#include "checkpoint/export_model.h"

#include <dnz/dnz.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "checkpoint/checkpoint.h"
#include "checkpoint/model_source.h"
#include "checkpoint/sha256.h"
#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "files/atomic_write.h"
#include "network/seed_network.h"

namespace dnz::train {
namespace {

struct AlignedFree {
  void operator()(void* p) const { std::free(p); }
};

// Runs `count` images through a session of `backend`; fills `output`.
bool RunRuntime(const std::vector<uint8_t>& model_bytes, dnz_backend backend, const float* input,
                int count, float* output, std::string* used_backend, std::string* error) {
  dnz_model model;
  if (dnz_model_load(&model, model_bytes.data(), model_bytes.size()) != DNZ_OK) {
    *error = std::string("runtime rejected the built model: ") + dnz_model_error(&model);
    return false;
  }
  constexpr uint32_t kBatch = 100;
  dnz_session_options options = dnz_session_default_options();
  options.backend = backend;
  options.max_batch = kBatch;
  dnz_session session;
  if (dnz_session_init(&session, &model, &options) != DNZ_OK) {
    *error = std::string("runtime session (") + dnz_backend_name(backend) +
             "): " + dnz_session_error(&session);
    return false;
  }
  *used_backend = dnz_backend_name(session.backend);
  const size_t arena_bytes = (dnz_session_arena_bytes(&session) + DNZ_ARENA_ALIGNMENT - 1) /
                             DNZ_ARENA_ALIGNMENT * DNZ_ARENA_ALIGNMENT;
  std::unique_ptr<void, AlignedFree> arena(std::aligned_alloc(DNZ_ARENA_ALIGNMENT, arena_bytes));
  bool ok = arena != nullptr && dnz_session_set_arena(&session, arena.get(), arena_bytes) == DNZ_OK;
  for (int first = 0; ok && first < count; first += static_cast<int>(kBatch)) {
    const uint32_t n =
        static_cast<uint32_t>(std::min<int>(static_cast<int>(kBatch), count - first));
    const size_t offset = static_cast<size_t>(first) * kImagePixels;
    ok = dnz_run_f32(&session, input + offset, output + offset, n) == DNZ_OK;
  }
  if (!ok) *error = std::string("runtime run: ") + dnz_session_error(&session);
  dnz_session_destroy(&session);
  return ok;
}

// What an export quantizes: the network, the provenance to stamp (metrics still to measure)
// and the training noise its calibration images get.
struct ExportSource {
  dnz::build::FloatNetwork net;
  dnz::build::Provenance provenance;
  std::string data_dir;
  float noise = 0.7f;
  uint64_t noise_seed = 0;
  std::string qat;  // the weight format a QAT run trained for ("" if none)
  // A QAT run's activation ranges (its last epoch's); empty: calibrate.
  dnz::build::ActivationRanges ranges;
};

bool SourceFromCheckpoint(const TrainOptions& options, ExportSource* source, std::string* error) {
  Checkpoint checkpoint;
  if (!LoadCheckpoint(options.out + "/" + kCheckpointName, &checkpoint, error)) return false;
  const TrainOptions& trained = checkpoint.options;
  source->data_dir = options.given.count("data") ? options.data : trained.data;
  source->noise = trained.noise;
  source->noise_seed = checkpoint.noise_seed;
  source->qat = trained.qat;
  source->ranges = checkpoint.activation_ranges;
  if (!ToFloatNetwork(checkpoint.params, &source->net, error)) return false;
  dnz::build::Provenance& provenance = source->provenance;
  // Checkpoints from before the GPU backend name neither: they came from oneDNN on the CPU.
  provenance.trainer_backend =
      checkpoint.backend.empty() ? "onednn-" + trained.precision : checkpoint.backend;
  provenance.device = checkpoint.device.empty() ? "cpu" : checkpoint.device;
  provenance.epochs = checkpoint.epoch;
  provenance.batch = trained.batch;
  provenance.train_images = trained.train_limit > 0 ? trained.train_limit : 60000;
  provenance.learning_rate = trained.learning_rate;
  provenance.noise_factor = trained.noise;
  provenance.noise_mode = trained.noise_mode;
  provenance.init_seed = checkpoint.init_seed;
  provenance.shuffle_seed = checkpoint.shuffle_seed;
  provenance.noise_seed = checkpoint.noise_seed;
  provenance.extra = {{"test_noise_seed", std::to_string(data::kTestNoiseSeed)},
                      {"checkpoint_step_in_epoch", std::to_string(checkpoint.step_in_epoch)}};
  if (!trained.qat.empty()) provenance.extra.emplace_back("qat", trained.qat);
  if (!trained.init_model.empty()) provenance.extra.emplace_back("init_model", trained.init_model);
  return true;
}

bool SourceFromModel(const TrainOptions& options, const std::string& path, ExportSource* source,
                     std::string* error) {
  if (!NetworkFromModelFile(path, &source->net, &source->provenance, error)) return false;
  source->data_dir = options.data;
  source->noise = source->provenance.noise_factor > 0 ? source->provenance.noise_factor : 0.7f;
  source->noise_seed = source->provenance.noise_seed;
  // "dataset_file" is the export's to say again (below).
  auto& extra = source->provenance.extra;
  extra.erase(std::remove_if(extra.begin(), extra.end(),
                             [](const auto& kv) { return kv.first == "dataset_file"; }),
              extra.end());
  return true;
}

// Calls copy(oihw, ohwi) for every weight of conv `c`: its index in the flat OIHW parameters
// (from the conv's weight offset) and in the builder's OHWI weights.
template <typename Copy>
void ForEachWeight(int c, Copy copy) {
  const SeedConv& s = kSeedConvs[static_cast<size_t>(c)];
  const size_t k = static_cast<size_t>(s.kernel), in_c = static_cast<size_t>(s.in_channels);
  for (size_t o = 0; o < static_cast<size_t>(s.out_channels); ++o)
    for (size_t i = 0; i < in_c; ++i)
      for (size_t y = 0; y < k; ++y)
        for (size_t x = 0; x < k; ++x)
          copy(((o * in_c + i) * k + y) * k + x, ((o * k + y) * k + x) * in_c + i);
}

}  // namespace

bool ToFloatNetwork(const std::vector<float>& params, dnz::build::FloatNetwork* net,
                    std::string* error) {
  // Builder and trainer read the same table (host_lib/model/seed_architecture.h).
  *net = dnz::build::SeedArchitecture();
  if (params.size() != SeedParamLayout().total) {
    *error = "the checkpoint holds " + std::to_string(params.size()) + " parameters, the seed " +
             "network has " + std::to_string(SeedParamLayout().total);
    return false;
  }
  const ParamLayout& layout = SeedParamLayout();
  for (int c = 0; c < kNumConvs; ++c) {
    const SeedConv& s = kSeedConvs[static_cast<size_t>(c)];
    dnz::build::FloatConv& conv = net->convs[static_cast<size_t>(c)];
    const float* w = params.data() + layout.weight_offset[c];
    conv.weights.assign(layout.weight_count[c], 0.0f);
    ForEachWeight(c, [&](size_t oihw, size_t ohwi) { conv.weights[ohwi] = w[oihw]; });
    conv.bias.assign(params.begin() + static_cast<long>(layout.bias_offset[c]),
                     params.begin() + static_cast<long>(layout.bias_offset[c]) + s.out_channels);
  }
  return true;
}

void FromFloatNetwork(const dnz::build::FloatNetwork& net, std::vector<float>* params) {
  const ParamLayout& layout = SeedParamLayout();
  params->assign(layout.total, 0.0f);
  for (int c = 0; c < kNumConvs; ++c) {
    const dnz::build::FloatConv& conv = net.convs[static_cast<size_t>(c)];
    float* w = params->data() + layout.weight_offset[c];
    ForEachWeight(c, [&](size_t oihw, size_t ohwi) { w[oihw] = conv.weights[ohwi]; });
    std::copy(conv.bias.begin(), conv.bias.end(),
              params->begin() + static_cast<long>(layout.bias_offset[c]));
  }
}

std::vector<std::vector<float>> CalibrationImages(const float* images, int count, float noise,
                                                  uint64_t noise_seed) {
  std::vector<std::vector<float>> calibration(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    calibration[static_cast<size_t>(i)].resize(kImagePixels);
    data::AddNoiseToImage(images + static_cast<size_t>(i) * kImagePixels, kImagePixels, noise,
                          data::ImageNoiseSeed(noise_seed, 0, static_cast<uint64_t>(i)),
                          calibration[static_cast<size_t>(i)].data());
  }
  return calibration;
}

int ExportModel(const TrainOptions& options, const ExportOptions& export_options,
                const std::string& model_path) {
  const auto fail = [](const std::string& message) {
    std::fprintf(stderr, "host_train --export: %s\n", message.c_str());
    return 1;
  };
  std::string error;
  ExportSource source;
  const bool have_source =
      export_options.from_model.empty()
          ? SourceFromCheckpoint(options, &source, &error)
          : SourceFromModel(options, export_options.from_model, &source, &error);
  if (!have_source) return fail(error);
  const dnz::build::FloatNetwork& net = source.net;
  const std::string& data_dir = source.data_dir;
  // A QAT run exports the format it trained for unless --weights says otherwise.
  const std::string weights =
      export_options.weights_given || source.qat.empty() ? export_options.weights : source.qat;
  dnz::build::BuildOptions build_options;
  build_options.weight_formats = dnz::build::WeightFormatsFor(net, weights, &error);
  if (build_options.weight_formats.empty()) return fail(error);

  data::MnistSet train, test;
  if (!data::LoadMnist(data_dir, data::MnistSplit::kTrain, kCalibrationImages, &train, &error) ||
      !data::LoadMnist(data_dir, data::MnistSplit::kTest, options.validation_limit, &test,
                       &error)) {
    return fail(error);
  }
  // Calibration: the first 2000 training images with the training noise of epoch 0.
  const std::vector<std::vector<float>> calibration =
      CalibrationImages(train.images.data(), train.count, source.noise, source.noise_seed);
  std::string dataset_sha;
  // The training images as read: train-images-idx3-ubyte, or its .gz when only that exists.
  if (!Sha256File(train.images_file, &dataset_sha, &error)) return fail(error);

  dnz::build::Provenance& provenance = source.provenance;
  provenance.dataset_sha256 = dataset_sha;
  provenance.calibration = std::to_string(train.count) +
                           " noisy training images (the first ones; noise " +
                           std::to_string(source.noise) + ", training noise seed, epoch 0)";
  if (!source.ranges.output_max.empty()) {
    // The grids the QAT run's last epoch trained with, calibrated as above on its weights then.
    build_options.activation_ranges = &source.ranges;
    provenance.calibration =
        "the quantization-aware training's activation ranges (its last "
        "epoch's, calibrated on up to " +
        provenance.calibration + ")";
  }
  provenance.extra.emplace_back("dataset_file",
                                train.images_file.substr(train.images_file.rfind('/') + 1));
  provenance.extra.emplace_back("weights", weights);
  std::vector<uint8_t> bytes =
      dnz::build::BuildModel(net, calibration, provenance, build_options, &error);
  if (bytes.empty()) return fail("building the model: " + error);

  std::vector<float> noisy(test.images.size()), denoised(test.images.size());
  data::MakeNoisyTestImages(test.images.data(), static_cast<size_t>(test.count), kImagePixels,
                            noisy.data());
  std::printf("host_train --export: evaluating on %d noisy test digits (seed %llu)\n", test.count,
              static_cast<unsigned long long>(data::kTestNoiseSeed));
  std::string float_backend, int8_backend;
  if (!RunRuntime(bytes, DNZ_BACKEND_FLOAT, noisy.data(), test.count, denoised.data(),
                  &float_backend, &error)) {
    return fail(error);
  }
  const data::ImageMetrics f = data::EvaluateImages(denoised.data(), test.images.data(),
                                                    static_cast<size_t>(test.count), 28, 28);
  if (!RunRuntime(bytes, DNZ_BACKEND_AUTO, noisy.data(), test.count, denoised.data(), &int8_backend,
                  &error)) {
    return fail(error);
  }
  const data::ImageMetrics q = data::EvaluateImages(denoised.data(), test.images.data(),
                                                    static_cast<size_t>(test.count), 28, 28);
  provenance.float_test_bce = static_cast<float>(f.bce);
  provenance.float_test_psnr = static_cast<float>(f.psnr);
  provenance.float_test_ssim = static_cast<float>(f.ssim);
  provenance.int8_test_bce = static_cast<float>(q.bce);
  provenance.int8_test_psnr = static_cast<float>(q.psnr);
  provenance.int8_test_ssim = static_cast<float>(q.ssim);
  build_options.keep_float_weights = export_options.float_weights;
  bytes = dnz::build::BuildModel(net, calibration, provenance, build_options, &error);
  if (bytes.empty()) return fail("rebuilding the model with its metrics: " + error);
  if (!files::WriteFileAtomically(model_path, bytes, &error)) return fail(error);
  std::printf("float (%s): BCE %.4f  PSNR %.2f dB  SSIM %.4f\n", float_backend.c_str(), f.bce,
              f.psnr, f.ssim);
  std::printf("%-5s (%s): BCE %.4f  PSNR %.2f dB  SSIM %.4f\n", weights.c_str(),
              int8_backend.c_str(), q.bce, q.psnr, q.ssim);
  std::printf("wrote %s (%zu bytes%s; epochs %d, init seed %llu)\n", model_path.c_str(),
              bytes.size(), export_options.float_weights ? "" : ", no float weights",
              provenance.epochs, static_cast<unsigned long long>(provenance.init_seed));
  return 0;
}

}  // namespace dnz::train
