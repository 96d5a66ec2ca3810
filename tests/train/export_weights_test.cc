// host_train --export --weights int8|int4|mixed --from-model: the shipped model's float weights
// quantized again. The mixed file's formats, version and size; its int8 convs byte-identical to
// the shipped file's (the same float weights, the same calibration); its PSNR above the noisy
// input's; and the bad uses refused with one line and no file.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "dnz/dnz.hpp"
#include "dnz_model_generated.h"
#include "trainer_process.h"

namespace dnz::train {
namespace {

std::vector<uint8_t> ReadBytes(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TrainerRun Export(const std::string& out, std::vector<std::string> extra) {
  std::vector<std::string> args = {"--data", DNZ_MNIST_DIR, "--val-limit", "200", "--export", out};
  args.insert(args.end(), extra.begin(), extra.end());
  return RunTrainer(DNZ_HOST_TRAIN_BIN, args, "", Interrupt::kCtrlC);
}

double PsnrAfter(const std::string& output, const std::string& label) {
  const size_t line = output.find(label + " (");
  const size_t psnr = output.find("PSNR ", line);
  return line == std::string::npos || psnr == std::string::npos
             ? -1.0
             : std::stod(output.substr(psnr + 5));
}

TEST(ExportWeights, MixedFromTheShippedModelKeepsItsInt8ConvsAndDenoises) {
  const std::string dir =
      ::testing::TempDir() + "/dnz_export_weights_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string mixed = dir + "/mixed.dnz";
  const TrainerRun run = Export(
      mixed, {"--from-model", DNZ_DEFAULT_MODEL_PATH, "--weights", "mixed", "--no-float-weights"});
  ASSERT_EQ(run.exit_code, 0) << run.output;

  const std::vector<uint8_t> bytes = ReadBytes(mixed), shipped = ReadBytes(DNZ_DEFAULT_MODEL_PATH);
  const fb::Model* model = fb::GetModel(bytes.data());
  const fb::Model* original = fb::GetModel(shipped.data());
  EXPECT_EQ(model->format_version(), 2u);
  EXPECT_LT(bytes.size(), 180000u);  // int4: about half of the int8 file without floats
  std::string formats;
  for (flatbuffers::uoffset_t i = 0; i < model->ops()->size(); ++i) {
    const fb::Conv2D* conv = model->ops()->Get(i)->options_as_Conv2D();
    ASSERT_NE(conv, nullptr);
    EXPECT_EQ(conv->float_weights(), nullptr) << i;
    const bool int4 = conv->weight_format() == fb::WeightFormat::Int4;
    formats += int4 ? '4' : '8';
    if (int4) continue;
    const auto* before = original->ops()->Get(i)->options_as_Conv2D()->weights();
    ASSERT_EQ(conv->weights()->size(), before->size()) << i;
    EXPECT_TRUE(std::equal(conv->weights()->begin(), conv->weights()->end(), before->begin()))
        << "conv " << i << ": the int8 weights differ from the shipped model's";
  }
  EXPECT_EQ(formats, "84444488");
  // It loads and runs in the runtime like any model.
  const AlignedBuffer aligned(bytes.data(), bytes.size());
  dnz_model loaded;
  ASSERT_EQ(dnz_model_load(&loaded, aligned.data(), aligned.size()), DNZ_OK) << loaded.error;
  // Post-training int4 loses about 0.7 dB on the 10,000 digits (17.95 against 18.65 float); on
  // these 200 it must still be far above the noisy input (about 7.4 dB) and near float.
  const double float_psnr = PsnrAfter(run.output, "float"),
               mixed_psnr = PsnrAfter(run.output, "mixed");
  EXPECT_GT(mixed_psnr, 16.0) << run.output;
  EXPECT_GT(mixed_psnr, float_psnr - 1.5) << run.output;

  // A file without float weights cannot be quantized again; an unknown format is a usage
  // error: one line each, and no file.
  const std::string again = dir + "/again.dnz";
  const TrainerRun no_floats = Export(again, {"--from-model", mixed, "--weights", "int4"});
  EXPECT_EQ(no_floats.exit_code, 1);
  EXPECT_NE(no_floats.output.find("no float weights"), std::string::npos) << no_floats.output;
  const TrainerRun bad_format =
      Export(again, {"--from-model", DNZ_DEFAULT_MODEL_PATH, "--weights", "int3"});
  EXPECT_NE(bad_format.exit_code, 0);  // CLI11's validation error
  EXPECT_NE(bad_format.output.find("--weights: int3"), std::string::npos) << bad_format.output;
  EXPECT_FALSE(std::filesystem::exists(again));
  std::filesystem::remove_all(dir);
}

// A short QAT fine-tune from the shipped model (host_train --qat mixed --from-model): the log
// has its epoch, validation runs on the fake-quantized network (weights, biases and
// activations), and the export takes the run's format and activation ranges by default and
// scores what validation predicted: BCE within 0.0001 (measured 0.000015; before the biases and
// activations were fake-quantized and validation scored the 8-bit outputs, 0.0015).
TEST(ExportWeights, QatRunExportsItsFormatAndScoresWhatValidationPredicted) {
  const std::string dir = ::testing::TempDir() + "/dnz_qat_run_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  const TrainerRun train =
      RunTrainer(DNZ_HOST_TRAIN_BIN,
                 {"--data", DNZ_MNIST_DIR, "--out", dir, "--qat", "mixed", "--from-model",
                  DNZ_DEFAULT_MODEL_PATH, "--epochs", "1", "--train-limit", "640", "--val-limit",
                  "200", "--lr", "0.0001", "--threads", "2", "--no-pictures"},
                 "", Interrupt::kCtrlC);
  ASSERT_EQ(train.exit_code, 0) << train.output;
  EXPECT_NE(train.output.find("quantization-aware (mixed weights, int8 activations)"),
            std::string::npos)
      << train.output;
  EXPECT_NE(train.output.find("activation ranges calibrated on 640 noisy training images"),
            std::string::npos)
      << train.output;
  const auto log = EpochLog(dir);
  ASSERT_EQ(log.size(), 1u);
  const double val_bce = log[0]["val_bce"].get<double>();
  const TrainerRun exported = RunTrainer(
      DNZ_HOST_TRAIN_BIN,
      {"--out", dir, "--export", dir + "/m.dnz", "--val-limit", "200", "--no-float-weights"}, "",
      Interrupt::kCtrlC);
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const size_t line = exported.output.find("mixed (");
  ASSERT_NE(line, std::string::npos) << exported.output;
  const double bce = std::stod(exported.output.substr(exported.output.find("BCE ", line) + 4));
  EXPECT_NEAR(bce, val_bce, 0.0001) << exported.output;
  const std::vector<uint8_t> bytes = ReadBytes(dir + "/m.dnz");
  const fb::Provenance* provenance = fb::GetModel(bytes.data())->provenance();
  ASSERT_NE(provenance, nullptr);
  bool has_qat = false;
  for (const fb::KeyValue* kv : *provenance->extra()) {
    has_qat = has_qat || (kv->key()->str() == "qat" && kv->value()->str() == "mixed");
  }
  EXPECT_TRUE(has_qat);
  EXPECT_NE(
      provenance->calibration()->str().find("quantization-aware training's activation ranges"),
      std::string::npos)
      << provenance->calibration()->str();
  // --qat takes only the three formats, and never with --export.
  EXPECT_NE(RunTrainer(DNZ_HOST_TRAIN_BIN, {"--qat", "int3", "--out", dir}, "", Interrupt::kCtrlC)
                .exit_code,
            0);
  EXPECT_NE(RunTrainer(DNZ_HOST_TRAIN_BIN, {"--qat", "int4", "--out", dir, "--export", dir + "/x"},
                       "", Interrupt::kCtrlC)
                .exit_code,
            0);
  EXPECT_FALSE(std::filesystem::exists(dir + "/x"));
  std::filesystem::remove_all(dir);
}

// A QAT run stopped by Ctrl-C inside an epoch resumes with the activation ranges that epoch
// started with (kept in the checkpoint), not ranges calibrated again on the weights it had
// reached: its epoch ends bit for bit where an uninterrupted run's does.
TEST(ExportWeights, QatRunResumesMidEpochExactly) {
  const auto args = [](const std::string& out) {
    return std::vector<std::string>{
        "--data",       DNZ_MNIST_DIR, "--out",         out,
        "--qat",        "int4",        "--from-model",  DNZ_DEFAULT_MODEL_PATH,
        "--epochs",     "1",           "--train-limit", "1280",
        "--batch",      "64",          "--val-limit",   "200",
        "--lr",         "0.0001",      "--threads",     "2",
        "--no-pictures"};
  };
  const std::string whole = ::testing::TempDir() + "/dnz_qat_whole_" + std::to_string(::getpid());
  const std::string cut = ::testing::TempDir() + "/dnz_qat_cut_" + std::to_string(::getpid());
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(cut);
  const TrainerRun full = RunTrainer(DNZ_HOST_TRAIN_BIN, args(whole), "", Interrupt::kCtrlC);
  ASSERT_EQ(full.exit_code, 0) << full.output;
  ExpectCheckpointSavedMidEpoch(RunTrainer(DNZ_HOST_TRAIN_BIN, args(cut), "step 1/"), cut);
  if (HasFatalFailure()) return;
  const TrainerRun resumed = RunTrainer(
      DNZ_HOST_TRAIN_BIN, {"--out", cut, "--resume", "--no-pictures"}, "", Interrupt::kCtrlC);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_EQ(resumed.output.find("activation ranges calibrated"), std::string::npos)
      << resumed.output;
  const auto want = EpochLog(whole), got = EpochLog(cut);
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["train_bce"].get<double>(), want[0]["train_bce"].get<double>());
  EXPECT_EQ(got[0]["val_bce"].get<double>(), want[0]["val_bce"].get<double>());
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(cut);
}

}  // namespace
}  // namespace dnz::train
