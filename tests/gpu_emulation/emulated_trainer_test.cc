// `host_train --device cuda` as a process on the emulated GPU.
//
// EmulatedGpuRun: Ctrl-C saves a checkpoint that resumes exactly.
//
// EmulatedOlderGpu: compute capability 7.5, without bf16.
//
// EmulatedGpuFaults: what the trainer does when the GPU fails it: no device, out of memory, a
// cuDNN call that fails mid-run. A real GPU machine cannot be made to fail on cue; the
// emulation can (DNZ_EMULATED_GPU_COUNT, DNZ_EMULATED_GPU_MEMORY_MIB,
// DNZ_EMULATED_CUDNN_FAIL_AFTER, emulated_runtime.cc and emulated_cudnn.cc). Each failure must
// be one line on stderr that names the CUDA or cuDNN status, exit 1, and no half-written file:
// a run that saved nothing leaves not even its folder; one that failed after an epoch keeps
// that epoch's checkpoint.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "checkpoint/checkpoint.h"
#include "trainer_process.h"

namespace dnz::train {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Runs the emulated host_train on 16 images (batches of 4) with `environment` set (the
// emulated cuDNN is set for every process by emulated_environment.cc), stdout and stderr apart.
Outcome RunEmulatedTrainer(const std::string& environment, const std::string& args,
                           const std::string& out_dir) {
  const std::string base = ::testing::TempDir() + "/dnz_faults_" + std::to_string(::getpid());
  const std::string command = "env " + environment + " " + DNZ_HOST_TRAIN_BIN + " --data " +
                              DNZ_MNIST_DIR +
                              " --train-limit 16 --val-limit 16 --batch 4 --no-pictures --out " +
                              out_dir + " " + args + " > " + base + ".out 2> " + base + ".err";
  const int status = std::system(command.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.out = ReadFile(base + ".out");
  o.err = ReadFile(base + ".err");
  return o;
}

std::string FreshPath(const std::string& name) {
  const std::string path =
      ::testing::TempDir() + "/dnz_faults_" + name + "_" + std::to_string(::getpid());
  std::filesystem::remove_all(path);
  return path;
}

// Exit 1 and exactly one line on stderr, naming `status`.
void ExpectOneErrorLine(const Outcome& o, const std::string& status) {
  EXPECT_EQ(o.exit_code, 1) << o.out << o.err;
  EXPECT_NE(o.err.find(status), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find('\n'), o.err.size() - 1) << "more than one line:\n" << o.err;
}

// Ctrl-C on the GPU: the loss still on the device goes into the checkpoint, and the resumed
// run ends where an uninterrupted one does (the weights bit for bit: the same validation loss;
// the epoch's training loss to the last bits of a double, its sums grouped otherwise).
TEST(EmulatedGpuRun, CtrlCSavesACheckpointThatResumesExactly) {
  const auto args = [](const std::string& out) {
    return std::vector<std::string>{
        "--data",   DNZ_MNIST_DIR, "--out",       out,  "--device",      "cuda",
        "--epochs", "1",           "--seed",      "7",  "--train-limit", "64",
        "--batch",  "4",           "--val-limit", "16", "--no-pictures"};
  };
  const std::string whole = FreshPath("whole"), cut = FreshPath("cut");
  const TrainerRun full = RunTrainer(DNZ_HOST_TRAIN_BIN, args(whole));
  ASSERT_EQ(full.exit_code, 0) << full.output;
  // The first progress line ("epoch 1/1 step 1/16"): 15 steps are still to come. (Seed 7:
  // the bottleneck lives, so no re-draw restarts the epoch and hides a lost partial loss.)
  ExpectCheckpointSavedMidEpoch(RunTrainer(DNZ_HOST_TRAIN_BIN, args(cut), "step 1/"), cut);
  if (HasFatalFailure()) return;
  const TrainerRun resumed =
      RunTrainer(DNZ_HOST_TRAIN_BIN, {"--out", cut, "--resume", "--no-pictures"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto want = EpochLog(whole), got = EpochLog(cut);
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]["val_bce"].get<double>(), want[0]["val_bce"].get<double>());
  EXPECT_NEAR(got[0]["train_bce"].get<double>(), want[0]["train_bce"].get<double>(),
              1e-12 * want[0]["train_bce"].get<double>());
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(cut);
}

// Quantization-aware training on the GPU (loop/weight_fake_quant.h and activation_fake_quant.h:
// the weights through SetParameters/GetParameters, the activations in the GPU's own kernels): a
// short fine-tune from the shipped model ends where the CPU's does, up to the two devices'
// float sums.
TEST(EmulatedGpuRun, QuantizationAwareTrainingMatchesTheCpu) {
  const auto args = [](const std::string& out, const char* device) {
    return std::vector<std::string>{
        "--data",        DNZ_MNIST_DIR, "--out",        out,
        "--device",      device,        "--epochs",     "1",
        "--train-limit", "32",          "--batch",      "8",
        "--val-limit",   "16",          "--lr",         "0.0001",
        "--qat",         "mixed",       "--from-model", DNZ_DEFAULT_MODEL_PATH,
        "--no-pictures"};
  };
  const std::string gpu = FreshPath("qat_gpu"), cpu = FreshPath("qat_cpu");
  const TrainerRun on_gpu = RunTrainer(DNZ_HOST_TRAIN_BIN, args(gpu, "cuda"));
  ASSERT_EQ(on_gpu.exit_code, 0) << on_gpu.output;
  EXPECT_NE(on_gpu.output.find("quantization-aware (mixed weights, int8 activations)"),
            std::string::npos)
      << on_gpu.output;
  const TrainerRun on_cpu = RunTrainer(DNZ_HOST_TRAIN_BIN, args(cpu, "cpu"));
  ASSERT_EQ(on_cpu.exit_code, 0) << on_cpu.output;
  const auto want = EpochLog(cpu), got = EpochLog(gpu);
  ASSERT_EQ(want.size(), 1u);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_LT(got[0]["val_bce"].get<double>(), 0.2);  // the trained model's level, not a fresh one
  // Measured 0.10643 (GPU) against 0.10597 (CPU): a value that the two devices' sums put on
  // either side of a level's edge moves every layer after it.
  EXPECT_NEAR(got[0]["val_bce"].get<double>(), want[0]["val_bce"].get<double>(), 1e-3);
  std::filesystem::remove_all(gpu);
  std::filesystem::remove_all(cpu);
}

// The dead-bottleneck guard on the GPU: seed 22's first draw is dead on the first batch (as
// on the CPU, HostTrainRun.ADeadBottleneckAtInitIsRedrawn), seed 23's is not.
TEST(EmulatedGpuRun, ADeadBottleneckAtInitIsRedrawn) {
  const std::string out = FreshPath("dead_init");
  ExpectOneRedrawAtInit(
      RunTrainer(DNZ_HOST_TRAIN_BIN, {"--data", DNZ_MNIST_DIR, "--out", out, "--device", "cuda",
                                      "--epochs", "1", "--seed", "22", "--train-limit", "128",
                                      "--batch", "64", "--val-limit", "16", "--no-pictures"}),
      out, 22);
  std::filesystem::remove_all(out);
}

TEST(EmulatedGpuFaults, NoDeviceIsOneLineAndLeavesNoFolder) {
  const std::string out = FreshPath("no_device");
  ExpectOneErrorLine(RunEmulatedTrainer("DNZ_EMULATED_GPU_COUNT=0", "--device cuda", out),
                     "cudaErrorNoDevice");
  EXPECT_FALSE(std::filesystem::exists(out));
}

#if DNZ_TRAIN_WITH_ONEDNN
TEST(EmulatedGpuFaults, NoDeviceWithDeviceAutoTrainsOnTheCpuAndSaysWhy) {
  const std::string out = FreshPath("auto");
  const Outcome o = RunEmulatedTrainer("DNZ_EMULATED_GPU_COUNT=0", "--device auto --epochs 1", out);
  EXPECT_EQ(o.exit_code, 0) << o.out << o.err;
  EXPECT_NE(o.out.find("training on the CPU (GPU: cuda: cudaGetDeviceCount: cudaErrorNoDevice"),
            std::string::npos)
      << o.out;
  EXPECT_TRUE(std::filesystem::exists(out + "/" + kCheckpointName));
  std::filesystem::remove_all(out);
}
#endif

TEST(EmulatedGpuFaults, OutOfMemoryIsOneLineAndLeavesNoFolder) {
  const std::string out = FreshPath("oom");
  ExpectOneErrorLine(RunEmulatedTrainer("DNZ_EMULATED_GPU_MEMORY_MIB=2", "--device cuda", out),
                     "cudaErrorMemoryAllocation (out of memory)");
  EXPECT_FALSE(std::filesystem::exists(out));
}

// A folder that was there before the run is the user's: it stays.
TEST(EmulatedGpuFaults, AFailedRunKeepsAFolderItDidNotMake) {
  const std::string out = FreshPath("existing");
  std::filesystem::create_directories(out);
  ExpectOneErrorLine(RunEmulatedTrainer("DNZ_EMULATED_GPU_MEMORY_MIB=2", "--device cuda", out),
                     "cudaErrorMemoryAllocation");
  EXPECT_TRUE(std::filesystem::is_directory(out));
  std::filesystem::remove_all(out);
}

TEST(EmulatedGpuFaults, CudnnFailureBeforeAnEpochLeavesNoFolder) {
  for (const char* graph : {"on", "off"}) {  // fails inside the first step's capture, or not
    const std::string out = FreshPath(std::string("cudnn_early_") + graph);
    ExpectOneErrorLine(RunEmulatedTrainer("DNZ_EMULATED_CUDNN_FAIL_AFTER=10",
                                          std::string("--device cuda --cuda-graph ") + graph, out),
                       "CUDNN_STATUS_EXECUTION_FAILED");
    EXPECT_FALSE(std::filesystem::exists(out)) << graph;
  }
}

// 250 convolution calls take the run into its second epoch (about 120 an epoch here, steps
// launched directly): the first epoch's checkpoint and log stay, whole.
TEST(EmulatedGpuFaults, CudnnFailureMidRunKeepsTheLastEpochsCheckpoint) {
  const std::string out = FreshPath("cudnn_mid");
  const Outcome o = RunEmulatedTrainer("DNZ_EMULATED_CUDNN_FAIL_AFTER=250",
                                       "--device cuda --cuda-graph off --epochs 3", out);
  ExpectOneErrorLine(o, "CUDNN_STATUS_EXECUTION_FAILED");
  EXPECT_NE(o.out.find("epoch 1/3  train"), std::string::npos) << o.out;
  EXPECT_EQ(o.out.find("epoch 2/3  train"), std::string::npos) << o.out;
  Checkpoint c;
  std::string error;
  ASSERT_TRUE(LoadCheckpoint(out + "/" + kCheckpointName, &c, &error)) << error;
  EXPECT_EQ(c.epoch, 1);
  for (const auto& entry : std::filesystem::directory_iterator(out)) {
    EXPECT_EQ(entry.path().string().find(".tmp"), std::string::npos) << entry.path();
  }
  std::filesystem::remove_all(out);
}

// A GPU older than Ampere (DNZ_EMULATED_GPU_CC=75: compute capability 7.5, Colab's T4):
// --precision auto trains in f16, and bf16 is refused in one line before anything is made
// (the emulated cuDNN, like the real one, has no bf16 convolutions there).
TEST(EmulatedOlderGpu, AutoTrainsInF16AndBf16IsRefusedInOneLine) {
  const std::string out = FreshPath("cc75");
  const Outcome refused = RunEmulatedTrainer("DNZ_EMULATED_GPU_CC=75",
                                             "--device cuda --precision bf16 --epochs 1", out);
  ExpectOneErrorLine(refused, "compute capability 8.0 or later (this one: 7.x)");
  EXPECT_FALSE(std::filesystem::exists(out));
  const Outcome trained = RunEmulatedTrainer("DNZ_EMULATED_GPU_CC=75",
                                             "--device cuda --precision auto --epochs 1", out);
  EXPECT_EQ(trained.exit_code, 0) << trained.out << trained.err;
  EXPECT_NE(trained.out.find("host_train: cudnn-f16"), std::string::npos) << trained.out;
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace dnz::train
