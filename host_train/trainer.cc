#include "trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "backend.h"
#include "bce_loss.h"
#include "checkpoint.h"
#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "pictures.h"
#include "progress.h"
#include "seed_network.h"
#include "signals.h"

namespace dnz::train {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

void PrintError(const std::string& message) {
  std::fprintf(stderr, "host_train: %s\n", message.c_str());
}

bool CheckOptions(const TrainOptions& o, std::string* error) {
  if (o.epochs < 1)
    *error = "--epochs must be at least 1";
  else if (o.batch < 1 || o.batch > 4096)
    *error = "--batch must be in 1..4096";
  else if (!(o.learning_rate > 0.0f))
    *error = "--lr must be positive";
  else if (!(o.noise >= 0.0f))
    *error = "--noise must be >= 0";
  else if (o.noise_mode != "fixed" && o.noise_mode != "fresh")
    *error = "--noise-mode must be fixed or fresh";
  else if (o.train_limit < 0)
    *error = "--train-limit must be >= 0";
  else if (o.threads < 0)
    *error = "--threads must be >= 0";
  return error->empty();
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
      differs("precision", given.precision != saved->precision)) {
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
  return true;
}

class Run {
 public:
  explicit Run(const TrainOptions& options) : requested_(options) {}
  int Execute();

 private:
  bool Setup();
  bool StartFresh();
  bool InitWeights(uint64_t init_seed);
  bool SaveState();
  void FillBatch(const std::vector<int>& order, int epoch, int first, int count);
  bool TrainEpoch(int epoch, bool* interrupted, bool* restarted);
  bool Validate(double* bce, double* psnr, std::vector<float>* denoised);
  void AppendLog(const nlohmann::json& entry);
  int Benchmark();
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
};

bool Run::Setup() {
  o_ = requested_;
  if (!CheckOptions(o_, &error_)) return false;
  std::error_code ec;
  if (o_.bench_steps == 0) {
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
  if (!data::LoadMnist(o_.data, data::MnistSplit::kTrain, o_.train_limit, &train_, &error_) ||
      !data::LoadMnist(o_.data, data::MnistSplit::kTest, o_.validation_limit, &test_, &error_)) {
    return false;
  }
  test_noisy_.resize(test_.images.size());
  data::AddNoiseToImages(test_.images.data(), static_cast<size_t>(test_.count), kImagePixels,
                         o_.noise, data::kTestNoiseSeed, 0, 0, test_noisy_.data());
  BackendOptions backend_options;
  backend_options.device = o_.device;
  backend_options.threads = o_.threads;
  backend_options.precision = o_.precision;
  backend_options.train_batch = std::min(o_.batch, train_.count);
  backend_ = CreateBackend(backend_options, &error_);
  if (!backend_) return false;
  batch_clean_.resize(static_cast<size_t>(o_.batch) * kImagePixels);
  batch_noisy_.resize(batch_clean_.size());
  return true;
}

void Run::FillBatch(const std::vector<int>& order, int epoch, int first, int count) {
  const uint64_t noise_epoch = o_.noise_mode == "fixed" ? 0 : static_cast<uint64_t>(epoch) + 1;
  // Each image has its own noise stream, so the threads cannot change the result.
#pragma omp parallel for schedule(static)
  for (int i = 0; i < count; ++i) {
    const int image = order[static_cast<size_t>(first + i)];
    const float* clean = train_.images.data() + static_cast<size_t>(image) * kImagePixels;
    std::copy(clean, clean + kImagePixels,
              batch_clean_.data() + static_cast<size_t>(i) * kImagePixels);
    data::AddNoiseToImage(
        clean, kImagePixels, o_.noise,
        data::ImageNoiseSeed(state_.noise_seed, noise_epoch, static_cast<uint64_t>(image)),
        batch_noisy_.data() + static_cast<size_t>(i) * kImagePixels);
  }
}

bool Run::InitWeights(uint64_t init_seed) {
  state_.init_seed = init_seed;
  state_.params = GlorotUniformInit(init_seed);
  state_.adam = AdamState{std::vector<float>(state_.params.size(), 0.0f),
                          std::vector<float>(state_.params.size(), 0.0f), 0};
  return backend_->SetParameters(state_.params, &error_) &&
         backend_->SetAdamState(state_.adam, &error_);
}

// A fresh run: seeds, then the first weights whose layer-13 ReLU is alive on the first batch.
bool Run::StartFresh() {
  state_ = Checkpoint{};
  state_.options = o_;
  uint64_t mix = o_.seed;
  state_.shuffle_seed = data::SplitMix64(&mix);
  state_.noise_seed = data::SplitMix64(&mix);
  const std::vector<int> order = EpochPermutation(state_.shuffle_seed, 0, train_.count);
  const int count = std::min(o_.batch, train_.count);
  FillBatch(order, 0, 0, count);
  std::vector<float> logits(static_cast<size_t>(count) * kImagePixels);
  for (uint64_t init_seed = o_.seed;; ++init_seed) {
    if (!InitWeights(init_seed)) return false;
    if (!backend_->Forward(batch_noisy_.data(), count, logits.data(), &error_)) return false;
    const double alive = backend_->BottleneckPositiveFraction();
    if (alive >= kDeadBottleneckFraction) break;
    if (state_.reinits >= kMaxInitRedraws) {
      error_ = "layer-13 ReLU dead at init for " + std::to_string(kMaxInitRedraws + 1) +
               " seeds in a row; try another --seed";
      return false;
    }
    ++state_.reinits;
    progress_.Line("init seed " + std::to_string(init_seed) + ": layer-13 ReLU is dead (" +
                   std::to_string(alive * 100.0) +
                   "% positive outputs; no gradient would reach layers 1-13, SEED.md); "
                   "re-drawing the weights with seed " +
                   std::to_string(init_seed + 1));
    AppendLog({{"event", "dead_relu_redraw"},
               {"init_seed", init_seed},
               {"positive_fraction", alive},
               {"next_init_seed", init_seed + 1}});
  }
  return true;
}

bool Run::SaveState() {
  state_.options = o_;
  return backend_->GetParameters(&state_.params, &error_) &&
         backend_->GetAdamState(&state_.adam, &error_) &&
         SaveCheckpoint(checkpoint_path_, state_, &error_);
}

void Run::AppendLog(const nlohmann::json& entry) {
  std::ofstream log(o_.out + "/train_log.jsonl", std::ios::app);
  log << entry.dump() << "\n";
}

bool Run::TrainEpoch(int epoch, bool* interrupted, bool* restarted) {
  const std::vector<int> order = EpochPermutation(state_.shuffle_seed, epoch, train_.count);
  const int steps = (train_.count + o_.batch - 1) / o_.batch;
  const Clock::time_point start = Clock::now();
  const double seconds_before = state_.epoch_seconds;
  const int first_step = state_.step_in_epoch;
  AdamConfig adam;
  adam.learning_rate = o_.learning_rate;
  for (int step = first_step; step < steps; ++step) {
    const int first = step * o_.batch;
    const int count = std::min(o_.batch, train_.count - first);
    FillBatch(order, epoch, first, count);
    double loss = 0.0;
    if (!backend_->ComputeGradients(batch_noisy_.data(), batch_clean_.data(), count, &loss,
                                    &error_) ||
        !backend_->ApplyAdam(adam, &error_)) {
      return false;
    }
    if (!std::isfinite(loss)) {
      error_ = "loss is " + std::to_string(loss) + " at epoch " + std::to_string(epoch + 1) +
               " step " + std::to_string(step + 1) + "; lower --lr";
      return false;
    }
    state_.epoch_loss_sum += loss * count;
    state_.epoch_images += count;
    state_.step_in_epoch = step + 1;
    const double elapsed = SecondsSince(start);
    const double images_per_s =
        static_cast<double>(state_.epoch_images - static_cast<int64_t>(first_step) * o_.batch) /
        elapsed;
    progress_.Step(epoch + 1, o_.epochs, step + 1, steps, images_per_s,
                   (steps - step - 1) * elapsed / (step + 1 - first_step),
                   state_.epoch_loss_sum / static_cast<double>(state_.epoch_images));
    // The dead-ReLU guard, continued: a ReLU that dies in the first steps is re-drawn too.
    if (epoch == 0 && (step + 1) % 10 == 0 && step < 50 &&
        backend_->BottleneckPositiveFraction() < kDeadBottleneckFraction) {
      if (state_.reinits >= kMaxInitRedraws) {
        error_ = "layer-13 ReLU died in the first steps too often; try another --seed or --lr";
        return false;
      }
      const uint64_t next = state_.init_seed + 1;
      progress_.Line("step " + std::to_string(step + 1) +
                     ": layer-13 ReLU died (SEED.md trap); "
                     "restarting with weights from seed " +
                     std::to_string(next));
      AppendLog({{"event", "dead_relu_redraw"},
                 {"init_seed", state_.init_seed},
                 {"step", step + 1},
                 {"next_init_seed", next}});
      ++state_.reinits;
      if (!InitWeights(next)) return false;
      state_.step_in_epoch = 0;
      state_.epoch_loss_sum = 0.0;
      state_.epoch_images = 0;
      state_.epoch_seconds = 0.0;
      *restarted = true;
      return true;
    }
    if (InterruptRequested()) {
      state_.epoch_seconds = seconds_before + SecondsSince(start);
      *interrupted = true;
      return true;
    }
  }
  state_.epoch_seconds = seconds_before + SecondsSince(start);
  return true;
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
  double total = 0.0;
  for (int i = 0; i < count; ++i) {
    const size_t offset = static_cast<size_t>(i) * kImagePixels;
    total += data::ImagePsnr(denoised->data() + offset, test_.images.data() + offset, kImagePixels);
  }
  *psnr = total / count;
  return true;
}

int Run::Benchmark() {
  const std::vector<int> order = EpochPermutation(state_.shuffle_seed, 0, train_.count);
  const int count = std::min(o_.batch, train_.count);
  AdamConfig adam;
  std::vector<double> step_ms;
  constexpr int kWarmup = 3;
  for (int i = 0; i < kWarmup + o_.bench_steps; ++i) {
    FillBatch(order, 0, 0, count);
    const Clock::time_point t0 = Clock::now();
    double loss = 0.0;
    if (!backend_->ComputeGradients(batch_noisy_.data(), batch_clean_.data(), count, &loss,
                                    &error_) ||
        !backend_->ApplyAdam(adam, &error_)) {
      PrintError(error_);
      return kExitError;
    }
    if (i >= kWarmup) step_ms.push_back(1e3 * SecondsSince(t0));
  }
  double total_ms = 0.0;
  for (double ms : step_ms) total_ms += ms;
  std::sort(step_ms.begin(), step_ms.end());
  std::printf("BENCH train backend=%s device=\"%s\" batch=%d img_per_s=%.1f median_step_ms=%.1f\n",
              backend_->Name().c_str(), backend_->Device().c_str(), count,
              1e3 * count * static_cast<double>(step_ms.size()) / total_ms,
              step_ms[step_ms.size() / 2]);
  return kExitOk;
}

int Run::Finish() {
  std::vector<float> denoised;
  double bce = 0.0, psnr = 0.0;
  if (!Validate(&bce, &psnr, &denoised)) {
    PrintError(error_);
    return kExitError;
  }
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
  if (!Setup()) {
    PrintError(error_);
    return kExitError;
  }
  if (!o_.resume) {
    if (o_.bench_steps == 0) std::remove((o_.out + "/train_log.jsonl").c_str());
    if (!StartFresh()) {
      PrintError(error_);
      return kExitError;
    }
  } else if (!backend_->SetParameters(state_.params, &error_) ||
             !backend_->SetAdamState(state_.adam, &error_)) {
    PrintError(error_);
    return kExitError;
  }
  if (o_.bench_steps > 0) return Benchmark();
  progress_.Line("host_train: " + backend_->Name() + " on " + backend_->Device() + "; " +
                 std::to_string(train_.count) + " training images, batch " +
                 std::to_string(o_.batch) + ", noise " + std::to_string(o_.noise) + " (" +
                 o_.noise_mode + "), init seed " + std::to_string(state_.init_seed) +
                 (o_.resume ? ", resumed at epoch " + std::to_string(state_.epoch + 1) + " step " +
                                  std::to_string(state_.step_in_epoch)
                            : std::string()));
  InstallInterruptHandler();
  while (state_.epoch < o_.epochs) {
    bool interrupted = false, restarted = false;
    if (!TrainEpoch(state_.epoch, &interrupted, &restarted)) {
      PrintError(error_);
      return kExitError;
    }
    if (restarted) continue;
    if (interrupted) {
      if (!SaveState()) {
        PrintError(error_);
        return kExitError;
      }
      progress_.Line("interrupted: checkpoint saved to " + checkpoint_path_ +
                     " (continue with --resume --out " + o_.out + ")");
      return kExitInterrupted;
    }
    double val_bce = 0.0, val_psnr = 0.0;
    std::vector<float> denoised;
    if (!Validate(&val_bce, &val_psnr, &denoised)) {
      PrintError(error_);
      return kExitError;
    }
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
    state_.step_in_epoch = 0;
    state_.epoch_loss_sum = 0.0;
    state_.epoch_images = 0;
    state_.epoch_seconds = 0.0;
    if (!SaveState()) {
      PrintError(error_);
      return kExitError;
    }
    if (InterruptRequested()) {
      progress_.Line("interrupted: checkpoint saved to " + checkpoint_path_ +
                     " (continue with --resume --out " + o_.out + ")");
      return kExitInterrupted;
    }
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
