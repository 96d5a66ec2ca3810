#include "loop/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "checkpoint/checkpoint.h"
#include "checkpoint/export_model.h"
#include "checkpoint/model_source.h"
#include "cli/busy_cores.h"
#include "cli/pictures.h"
#include "cli/progress.h"
#include "cli/signals.h"
#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "loop/activation_fake_quant.h"
#include "loop/train_benchmark.h"
#include "loop/weight_fake_quant.h"
#include "network/backend.h"
#include "network/host_batch.h"
#include "network/seed_network.h"
#include "optimize/bce_loss.h"

namespace dnz::train {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "host_train: %s\n", message.c_str());
}

// Options that change the training trajectory must match the checkpoint on --resume.
bool MergeResumeOptions(const TrainOptions& given, TrainOptions* saved, std::string* error) {
  auto differs = [&](const char* name, bool different) {
    if (given.given.count(name) && different) {
      *error = std::string("--resume: --") + name + " differs from the checkpoint's value";
      return true;
    }
    return false;
  };
  if (differs("batch", given.batch != saved->batch) ||
      differs("lr", given.learning_rate != saved->learning_rate) ||
      differs("noise", given.noise != saved->noise) ||
      differs("noise-mode", given.noise_mode != saved->noise_mode) ||
      differs("train-limit", given.train_limit != saved->train_limit) ||
      differs("seed", given.seed != saved->seed) ||
      differs("precision", given.precision != saved->precision) ||
      differs("qat", given.qat != saved->qat)) {
    return false;
  }
  if (given.given.count("epochs")) saved->epochs = given.epochs;
  if (given.given.count("threads")) saved->threads = given.threads;
  if (given.given.count("data")) saved->data = given.data;
  if (given.given.count("val-limit")) saved->validation_limit = given.validation_limit;
  saved->out = given.out;
  saved->pictures = given.pictures;
  saved->device = given.device;
  saved->resume = true;
  saved->bench_steps = given.bench_steps;
  saved->bench_profile = given.bench_profile;
  return true;
}

// What one call of TrainEpoch ended with.
enum class EpochEnd { kDone, kInterrupted, kRestarted, kFailed };

// One training run, top-down: Execute -> Setup, StartFresh or resume, TrainEpoch and
// EndEpoch for each epoch, Finish. Every failure leaves its message in error_ and
// Execute prints it once.
class Run {
 public:
  explicit Run(const TrainOptions& options) : requested_(options) {}
  int Execute();

 private:
  int ExecuteOrFail();
  bool Setup();
  bool StartFresh();
  bool InitWeights(uint64_t init_seed);
  bool StartFromModel();
  bool StartWith(std::vector<float> params);
  bool Qat() const { return !o_.qat.empty(); }
  bool PushParameters();
  bool QatStepDone();
  bool CalibrateActivations();
  bool PushActivationQuant();
  bool RedrawDeadBottleneck(const std::string& why, nlohmann::json event);
  bool SaveState();
  void FillBatch(const std::vector<int>& order, int epoch, int first, int count);
  // The noise stream's epoch: 0 throughout for --noise-mode fixed, else epoch + 1.
  uint64_t NoiseEpoch(int epoch) const;
  EpochEnd TrainEpoch(int epoch);
  bool EndEpoch();
  bool Validate(double* bce, double* psnr, std::vector<float>* denoised);
  void AppendLog(const nlohmann::json& entry);
  int Interrupted();
  int Finish();

  TrainOptions requested_;
  TrainOptions o_;
  Checkpoint state_;
  data::MnistSet train_, test_;
  std::vector<float> test_noisy_;
  std::unique_ptr<TrainBackend> backend_;
  std::vector<float> batch_clean_, batch_noisy_;
  Progress progress_;
  std::string checkpoint_path_;
  std::string error_;
  bool created_out_ = false;  // --out did not exist before this run
  // --qat: state_.params are the master weights, the backend holds quantized_ (their
  // fake-quantized copy) between steps; after_ is scratch for a step's result.
  WeightFakeQuant qat_;
  std::vector<float> quantized_, after_;
  // --qat: the export's calibration images from this run's training set (made when first
  // needed: they take the run's noise seed).
  std::vector<std::vector<float>> calibration_;
};

bool Run::Setup() {
  o_ = requested_;
  if (!ValidateOptions(o_, &error_)) return false;
  std::error_code ec;
  if (o_.bench_steps == 0) {
    created_out_ = !std::filesystem::exists(o_.out, ec);
    std::filesystem::create_directories(o_.out, ec);
    if (ec || !std::filesystem::is_directory(o_.out)) {
      error_ = "--out " + o_.out + ": cannot create the folder (" + ec.message() + ")";
      return false;
    }
  }
  checkpoint_path_ = o_.out + "/" + kCheckpointName;
  if (o_.resume) {
    if (!LoadCheckpoint(checkpoint_path_, &state_, &error_)) return false;
    TrainOptions saved = state_.options;
    if (!MergeResumeOptions(requested_, &saved, &error_)) return false;
    o_ = saved;
    state_.options = o_;
  }
  // After the resume: a resumed QAT run takes --qat from its checkpoint.
  if (Qat() && !qat_.Init(o_.qat, &error_)) return false;
  if (!data::LoadMnist(o_.data, data::MnistSplit::kTrain, o_.train_limit, &train_, &error_) ||
      !data::LoadMnist(o_.data, data::MnistSplit::kTest, o_.validation_limit, &test_, &error_)) {
    return false;
  }
  test_noisy_.resize(test_.images.size());
  data::AddNoiseToImages(test_.images.data(), static_cast<size_t>(test_.count), kImagePixels,
                         o_.noise, data::kTestNoiseSeed, 0, 0, test_noisy_.data());
  BackendOptions backend_options;
  backend_options.device = o_.device;
  // --threads 0: the cores that are idle now (cli/busy_cores.h), so that another program's
  // busy core does not stall every step.
  backend_options.threads = o_.threads > 0 ? o_.threads : IdleCores(200);
  // The count a run starts with is kept for its resumes (the checkpoint saves it), since the
  // sums of the gradients, and so the last bits of a run, depend on it.
  o_.threads = backend_options.threads;
  backend_options.precision = o_.precision;
  backend_options.cuda_graph = o_.cuda_graph != "off";
  backend_options.train_batch = std::min(o_.batch, train_.count);
  std::string device_note;
  backend_ = CreateBackend(backend_options, &error_, &device_note);
  if (!backend_) return false;
  if (!device_note.empty()) progress_.Line("host_train: " + device_note);
  if (!backend_->SetTrainingSet(train_.images.data(), train_.count, &error_)) return false;
  batch_clean_.resize(static_cast<size_t>(o_.batch) * kImagePixels);
  batch_noisy_.resize(batch_clean_.size());
  return true;
}

uint64_t Run::NoiseEpoch(int epoch) const {
  return o_.noise_mode == "fixed" ? 0 : static_cast<uint64_t>(epoch) + 1;
}

void Run::FillBatch(const std::vector<int>& order, int epoch, int first, int count) {
  MakeHostBatch(train_.images.data(), order.data(), first, count, o_.noise, state_.noise_seed,
                NoiseEpoch(epoch), batch_clean_.data(), batch_noisy_.data());
}

bool Run::InitWeights(uint64_t init_seed) {
  state_.init_seed = init_seed;
  return StartWith(GlorotUniformInit(init_seed));
}

// `params` as the weights, fresh Adam moments.
bool Run::StartWith(std::vector<float> params) {
  state_.params = std::move(params);
  state_.adam = AdamState{std::vector<float>(state_.params.size(), 0.0f),
                          std::vector<float>(state_.params.size(), 0.0f), 0};
  return PushParameters() && backend_->SetAdamState(state_.adam, &error_);
}

// --from-model: the float weights a trained model keeps, fresh Adam moments, no dead-ReLU
// guard (the weights are trained already).
bool Run::StartFromModel() {
  dnz::build::FloatNetwork net;
  dnz::build::Provenance ignored;
  if (!NetworkFromModelFile(o_.init_model, &net, &ignored, &error_)) return false;
  std::vector<float> params;
  FromFloatNetwork(net, &params);
  state_.init_seed = 0;
  return StartWith(std::move(params));
}

// The backend gets the weights it trains on: state_.params, or with --qat their
// fake-quantized copy (loop/weight_fake_quant.h).
bool Run::PushParameters() {
  if (!Qat()) return backend_->SetParameters(state_.params, &error_);
  quantized_ = qat_.Apply(state_.params);
  return backend_->SetParameters(quantized_, &error_);
}

// --qat, after a step: its update becomes the master weights' (straight-through), and the
// backend gets their new fake-quantized copy.
bool Run::QatStepDone() {
  if (!backend_->GetParameters(&after_, &error_)) return false;
  WeightFakeQuant::UpdateMaster(quantized_, after_, &state_.params);
  return PushParameters();
}

// --qat, at the start of an epoch: the activation ranges of the network the training sees now
// (its fake-quantized weights), calibrated as the export calibrates (loop/activation_fake_quant.h).
bool Run::CalibrateActivations() {
  if (calibration_.empty()) {
    calibration_ =
        CalibrationImages(train_.images.data(), std::min(kCalibrationImages, train_.count),
                          o_.noise, state_.noise_seed);
  }
  const Clock::time_point start = Clock::now();
  state_.activation_ranges = CalibrateTrainingRanges(quantized_, calibration_);
  char line[160];
  std::snprintf(line, sizeof line,
                "epoch %d/%d: activation ranges calibrated on %zu noisy training images (%.1f s)",
                state_.epoch + 1, o_.epochs, calibration_.size(), SecondsSince(start));
  progress_.Line(line);
  return PushActivationQuant();
}

// The grids of state_.activation_ranges: the backend fake-quantizes activations to them, and
// the biases it trains on move to their int32 grids (which the input grids set).
bool Run::PushActivationQuant() {
  if (!ValidActivationRanges(state_.activation_ranges, &error_)) return false;
  qat_.SetInputScales(ConvInputScales(state_.activation_ranges));
  return PushParameters() &&
         backend_->SetActivationQuant(ActivationQuantFor(state_.activation_ranges), &error_);
}

// A fresh run: seeds, then the first weights whose layer-13 ReLU is alive on the first batch.
bool Run::StartFresh() {
  state_ = Checkpoint{};
  state_.options = o_;
  uint64_t mix = o_.seed;
  state_.shuffle_seed = data::SplitMix64(&mix);
  state_.noise_seed = data::SplitMix64(&mix);
  if (!o_.init_model.empty()) return StartFromModel();
  const std::vector<int> order = EpochPermutation(state_.shuffle_seed, 0, train_.count);
  const int count = std::min(o_.batch, train_.count);
  FillBatch(order, 0, 0, count);
  std::vector<float> logits(static_cast<size_t>(count) * kImagePixels);
  if (!InitWeights(o_.seed)) return false;
  for (;;) {
    const uint64_t init_seed = state_.init_seed;
    if (!backend_->Forward(batch_noisy_.data(), count, logits.data(), &error_)) return false;
    const double alive = backend_->BottleneckPositiveFraction();
    if (alive >= kDeadBottleneckFraction) return true;
    if (!RedrawDeadBottleneck("init seed " + std::to_string(init_seed) +
                                  ": layer-13 ReLU is dead (" + std::to_string(alive * 100.0) +
                                  "% positive outputs; no gradient would reach layers 1-13)",
                              {{"positive_fraction", alive}})) {
      return false;
    }
  }
}

// The dead-ReLU guard (docs/reference.md, "the dead layer-13 ReLU"): new weights from
// the next init seed, said on the console and in the log, at most kMaxInitRedraws times.
bool Run::RedrawDeadBottleneck(const std::string& why, nlohmann::json event) {
  if (state_.reinits >= kMaxInitRedraws) {
    error_ = why + "; the weights were re-drawn " + std::to_string(kMaxInitRedraws) +
             " times already: try another --seed or --lr";
    return false;
  }
  ++state_.reinits;
  const uint64_t next = state_.init_seed + 1;
  progress_.Line(why + "; re-drawing the weights with seed " + std::to_string(next));
  event["event"] = "dead_relu_redraw";
  event["init_seed"] = state_.init_seed;
  event["next_init_seed"] = next;
  AppendLog(event);
  return InitWeights(next);
}

bool Run::SaveState() {
  state_.options = o_;
  const BackendInfo info = backend_->Info();
  state_.backend = info.name;
  state_.device = info.device;
  // With --qat, state_.params are the master weights already (the backend holds their copy).
  return (Qat() || backend_->GetParameters(&state_.params, &error_)) &&
         backend_->GetAdamState(&state_.adam, &error_) &&
         SaveCheckpoint(checkpoint_path_, state_, &error_);
}

void Run::AppendLog(const nlohmann::json& entry) {
  std::ofstream log(o_.out + "/train_log.jsonl", std::ios::app);
  log << entry.dump() << "\n";
}

EpochEnd Run::TrainEpoch(int epoch) {
  const std::vector<int> order = EpochPermutation(state_.shuffle_seed, epoch, train_.count);
  const int steps = (train_.count + o_.batch - 1) / o_.batch;
  const Clock::time_point start = Clock::now();
  const double seconds_before = state_.epoch_seconds;
  const int first_step = state_.step_in_epoch;
  StepRequest request;
  request.noise = o_.noise;
  request.noise_seed = state_.noise_seed;
  request.noise_epoch = NoiseEpoch(epoch);
  request.adam.learning_rate = o_.learning_rate;
  // The backend makes each batch and sums the loss where its data lives; the sum is read
  // every loss_read_steps steps (1 on the CPU, 20 on the GPU), before the dead-ReLU checks,
  // on Ctrl-C and at the end of the epoch, so a GPU step waits for nothing.
  const int loss_read_steps = backend_->Info().loss_read_steps;
  if (!backend_->SetEpochOrder(order, &error_)) return EpochEnd::kFailed;
  int64_t images_not_read = 0;  // trained on, loss not read yet
  for (int step = first_step; step < steps; ++step) {
    request.first = step * o_.batch;
    request.batch = std::min(o_.batch, train_.count - request.first);
    const int count = request.batch;
    // The dead-ReLU guard, continued: every 10 steps of the first 50, a ReLU that died is
    // re-drawn too.
    const bool guard_step = epoch == 0 && (step + 1) % 10 == 0 && step < 50;
    if (!backend_->Step(request, &error_)) return EpochEnd::kFailed;
    if (Qat() && !QatStepDone()) return EpochEnd::kFailed;
    images_not_read += count;
    const bool loss_read =
        (step + 1 - first_step) % loss_read_steps == 0 || step + 1 == steps || guard_step;
    double loss_sum = 0.0;  // loss * images of the steps read now
    if (loss_read && !backend_->TakeLossSum(&loss_sum, &error_)) return EpochEnd::kFailed;
    if (loss_read) {
      if (!std::isfinite(loss_sum)) {
        error_ = "loss is " + std::to_string(loss_sum) + " at epoch " + std::to_string(epoch + 1) +
                 " step " + std::to_string(step + 1) +
                 " (or in the steps just before it); lower --lr";
        return EpochEnd::kFailed;
      }
      state_.epoch_loss_sum += loss_sum;
      images_not_read = 0;
    }
    state_.epoch_images += count;
    state_.step_in_epoch = step + 1;
    const double elapsed = SecondsSince(start);
    const double images_per_s =
        static_cast<double>(state_.epoch_images - static_cast<int64_t>(first_step) * o_.batch) /
        elapsed;
    const int64_t images_read = state_.epoch_images - images_not_read;
    progress_.Step(epoch + 1, o_.epochs, step + 1, steps, images_per_s,
                   (steps - step - 1) * elapsed / (step + 1 - first_step),
                   images_read > 0 ? std::optional<double>(state_.epoch_loss_sum /
                                                           static_cast<double>(images_read))
                                   : std::nullopt);
    if (guard_step && backend_->BottleneckPositiveFraction() < kDeadBottleneckFraction) {
      if (!RedrawDeadBottleneck("step " + std::to_string(step + 1) + ": layer-13 ReLU died",
                                {{"step", step + 1}})) {
        return EpochEnd::kFailed;
      }
      state_.ResetEpochProgress();
      return EpochEnd::kRestarted;
    }
    if (InterruptRequested()) {
      double rest = 0.0;  // the unread loss belongs to the checkpoint's sum
      if (images_not_read > 0 && !backend_->TakeLossSum(&rest, &error_)) return EpochEnd::kFailed;
      state_.epoch_loss_sum += rest;
      state_.epoch_seconds = seconds_before + SecondsSince(start);
      return EpochEnd::kInterrupted;
    }
  }
  state_.epoch_seconds = seconds_before + SecondsSince(start);
  return EpochEnd::kDone;
}

// Validation, the epoch's log line and entry, and the checkpoint.
bool Run::EndEpoch() {
  double val_bce = 0.0, val_psnr = 0.0;
  std::vector<float> denoised;
  if (!Validate(&val_bce, &val_psnr, &denoised)) return false;
  const double train_bce = state_.epoch_loss_sum / static_cast<double>(state_.epoch_images);
  AppendLog({{"epoch", state_.epoch + 1},
             {"train_bce", train_bce},
             {"val_bce", val_bce},
             {"val_psnr", val_psnr},
             {"seconds", state_.epoch_seconds},
             {"images_per_s",
              static_cast<double>(state_.epoch_images) / std::max(state_.epoch_seconds, 1e-9)}});
  char line[256];
  std::snprintf(line, sizeof line,
                "epoch %d/%d  train BCE %.4f  val BCE %.4f  val PSNR %.2f dB  %.1f s",
                state_.epoch + 1, o_.epochs, train_bce, val_bce, val_psnr, state_.epoch_seconds);
  progress_.Line(line);
  ++state_.epoch;
  state_.ResetEpochProgress();
  return SaveState();
}

int Run::Interrupted() {
  progress_.Line("interrupted: checkpoint saved to " + checkpoint_path_ +
                 " (continue with --resume --out " + o_.out + ")");
  return kExitInterrupted;
}

bool Run::Validate(double* bce, double* psnr, std::vector<float>* denoised) {
  const int count = test_.count;
  std::vector<float> logits(static_cast<size_t>(count) * kImagePixels);
  for (int first = 0; first < count; first += o_.batch) {
    const int n = std::min(o_.batch, count - first);
    const size_t offset = static_cast<size_t>(first) * kImagePixels;
    if (!backend_->Forward(test_noisy_.data() + offset, n, logits.data() + offset, &error_))
      return false;
  }
  *bce = SigmoidBceMean(logits.data(), test_.images.data(), static_cast<size_t>(count),
                        kImagePixels, nullptr);
  denoised->resize(logits.size());
  Sigmoid(logits.data(), logits.size(), denoised->data());
  if (Qat()) {
    // What the model file will give: each output on its 1/255 grid (the sigmoid's table),
    // scored as the export scores the runtime's outputs.
    const float step = 1.0f / 255.0f;
    for (float& y : *denoised) y = std::min(255.0f, std::round(y / step)) * step;
    *bce = data::MeanBce(denoised->data(), test_.images.data(), denoised->size());
  }
  double total = 0.0;
  for (int i = 0; i < count; ++i) {
    const size_t offset = static_cast<size_t>(i) * kImagePixels;
    total += data::ImagePsnr(denoised->data() + offset, test_.images.data() + offset, kImagePixels);
  }
  *psnr = total / count;
  return true;
}

int Run::Finish() {
  std::vector<float> denoised;
  double bce = 0.0, psnr = 0.0;
  if (!Validate(&bce, &psnr, &denoised)) return kExitError;
  if (o_.pictures) {
    const int shown = std::min(10, test_.count);
    std::string error;
    const std::string grid = o_.out + "/test_digits.png";
    if (WriteDigitGrid(grid, test_noisy_.data(), denoised.data(), test_.images.data(), shown,
                       &error)) {
      progress_.Line("digits (noisy / denoised / clean): " + grid);
    } else {
      progress_.Line("digits: " + error);
    }
    progress_.Line(PlotLossCurve(o_.out));
  }
  progress_.Line("done: " + std::to_string(o_.epochs) + " epochs; validation BCE " +
                 std::to_string(bce) + ", PSNR " + std::to_string(psnr) + " dB; checkpoint " +
                 checkpoint_path_);
  return kExitOk;
}

int Run::Execute() {
  const int code = ExecuteOrFail();
  if (code == kExitError) {
    PrintError(error_);
    // A failed run leaves nothing behind, not even the folder it made (remove() takes a
    // folder only when it is empty).
    std::error_code ignored;
    if (created_out_) std::filesystem::remove(requested_.out, ignored);
  }
  return code;
}

int Run::ExecuteOrFail() {
  if (!Setup()) return kExitError;
  if (!o_.resume) {
    if (o_.bench_steps == 0) std::remove((o_.out + "/train_log.jsonl").c_str());
    if (!StartFresh()) return kExitError;
  } else if (!PushParameters() || !backend_->SetAdamState(state_.adam, &error_)) {
    return kExitError;
  }
  if (o_.bench_steps > 0) {
    FillBatch(EpochPermutation(state_.shuffle_seed, 0, train_.count), 0, 0,
              std::min(o_.batch, train_.count));
    return BenchmarkTrainingSteps(*backend_, batch_clean_.data(), std::min(o_.batch, train_.count),
                                  o_.bench_steps, o_.bench_profile, &error_)
               ? kExitOk
               : kExitError;
  }
  progress_.Line(
      "host_train: " + backend_->Info().name + " on " + backend_->Info().device + "; " +
      std::to_string(train_.count) + " training images, batch " + std::to_string(o_.batch) +
      ", noise " + std::to_string(o_.noise) + " (" + o_.noise_mode + ")" +
      (o_.init_model.empty() ? ", init seed " + std::to_string(state_.init_seed)
                             : ", from " + o_.init_model) +
      (Qat() ? ", quantization-aware (" + o_.qat + " weights, int8 activations)" : std::string()) +
      (o_.resume ? ", resumed at epoch " + std::to_string(state_.epoch + 1) + " step " +
                       std::to_string(state_.step_in_epoch)
                 : std::string()));
  InstallInterruptHandler();
  // --qat resumed inside an epoch: the ranges that epoch started with (older checkpoints have
  // none: calibrated now).
  if (Qat() && state_.step_in_epoch > 0 && !state_.activation_ranges.output_max.empty() &&
      !PushActivationQuant()) {
    return kExitError;
  }
  while (state_.epoch < o_.epochs) {
    if (Qat() && (state_.step_in_epoch == 0 || state_.activation_ranges.output_max.empty()) &&
        !CalibrateActivations()) {
      return kExitError;
    }
    switch (TrainEpoch(state_.epoch)) {
      case EpochEnd::kFailed:
        return kExitError;
      case EpochEnd::kRestarted:
        continue;
      case EpochEnd::kInterrupted:
        return SaveState() ? Interrupted() : kExitError;
      case EpochEnd::kDone:
        break;
    }
    if (!EndEpoch()) return kExitError;
    if (InterruptRequested()) return Interrupted();
  }
  return Finish();
}

}  // namespace

std::vector<int> EpochPermutation(uint64_t shuffle_seed, int epoch, int count) {
  std::vector<int> order(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) order[static_cast<size_t>(i)] = i;
  data::Xoshiro256 rng(data::ImageNoiseSeed(shuffle_seed, static_cast<uint64_t>(epoch), 0x5eed));
  for (size_t i = order.size(); i > 1; --i) {
    std::swap(order[i - 1], order[rng.NextBelow(i)]);
  }
  return order;
}

int RunTraining(const TrainOptions& options) {
  try {
    Run run(options);
    return run.Execute();
  } catch (const std::exception& e) {
    PrintError(std::string("unexpected error: ") + e.what());
    return kExitError;
  }
}

}  // namespace dnz::train
