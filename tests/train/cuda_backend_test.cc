// The GPU trainer (host_train/cuda/) against the CPU's double reference. Every test here
// needs a GPU and skips, saying why, where there is none (CTest label "gpu"; CI has no GPU,
// tests/skip_allowlist.txt; scripts/gpu_check.sh runs exactly these on a GPU machine).
// tests/gpu_emulation builds them a second time on a CPU emulation of the device, where they
// run in CI (label "gpu_emulated"): that checks the host code, not the GPU's arithmetic.
//
// Tolerances, f32 (cuDNN on CUDA cores, CUDNN_FMA_MATH): a conv's outputs and gradients
// within 1e-4 of the largest magnitude of their tensor, the network's loss within 1e-5
// relative; one Adam step within 1e-5 of the CPU's update from the same gradients.
#include "cuda/cuda_backend.h"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cuda/cudnn_conv.h"
#include "cuda/device_buffer.h"
#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"
#include "loop/activation_fake_quant.h"
#include "network/backend.h"
#include "network/seed_network.h"
#include "network/step_stages.h"
#include "optimize/adam.h"
#include "optimize/bce_loss.h"
#include "reference/reference_layers.h"
#include "reference/reference_network.h"
#include "tiny_batch.h"
#include "trainer_process.h"

#ifndef DNZ_GPU_TEST_TRAIN_LIMIT
#define DNZ_GPU_TEST_TRAIN_LIMIT 2048  // the short run's images (the emulation takes fewer)
#endif
#ifndef DNZ_GPU_TEST_BATCH
#define DNZ_GPU_TEST_BATCH 32  // its batch (the emulation takes smaller ones: more steps)
#endif

namespace dnz::train {
namespace {

using reference::Tensor;

class CudaBackendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    if (!GpuUsable(&why)) GTEST_SKIP() << "needs a GPU: " << why;
  }
};

double MaxAbs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

// |got - want| <= tolerance * max|want| everywhere.
void ExpectClose(const std::vector<float>& got, const std::vector<double>& want, double tolerance,
                 const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  const double bound = tolerance * std::max(MaxAbs(want), 1e-30);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], bound) << what << " at " << i;
  }
}

std::vector<double> Random(size_t count, uint64_t seed) {
  data::Xoshiro256 rng(seed);
  std::vector<double> v(count);
  for (double& x : v) x = static_cast<float>(rng.NextDouble() * 2.0 - 1.0);
  return v;
}

struct OnDevice {
  cuda::DeviceBuffer<float> buffer;
  bool Upload(const std::vector<double>& values, std::string* error) {
    const std::vector<float> f(values.begin(), values.end());
    return buffer.Reserve(f.size(), error) &&
           cudaMemcpy(buffer.get(), f.data(), f.size() * sizeof(float), cudaMemcpyHostToDevice) ==
               cudaSuccess;
  }
  std::vector<float> Download(size_t count) const {
    std::vector<float> f(count);
    cudaMemcpy(f.data(), buffer.get(), count * sizeof(float), cudaMemcpyDeviceToHost);
    return f;
  }
};

// Each conv shape of the seed network (and each polyphase one) on cuDNN: forward,
// backward-data and backward-weights against the reference layers.
TEST_F(CudaBackendTest, EveryConvShapeMatchesTheReference) {
  cudnnHandle_t handle = nullptr;
  ASSERT_EQ(cudnnCreate(&handle), CUDNN_STATUS_SUCCESS);
  std::vector<cuda::ConvShape> shapes;
  for (const SeedConv& s : kSeedConvs) {
    shapes.push_back({s.in_channels, s.in_side, s.out_channels, s.kernel, Padding(s)});
    if (s.fused_upsample_input)
      shapes.push_back({s.in_channels, s.in_side / 2, 4 * s.out_channels, 2, 1});
  }
  const int batch = 2;
  uint64_t seed = 100;
  for (const cuda::ConvShape& shape : shapes) {
    const std::string what = std::to_string(shape.kernel) + "x" + std::to_string(shape.kernel) +
                             " " + std::to_string(shape.in_channels) + "->" +
                             std::to_string(shape.out_channels) + " on " +
                             std::to_string(shape.in_side);
    std::string error;
    cuda::CudnnConv conv;
    size_t workspace_bytes = 0;
    ASSERT_TRUE(conv.Init(shape, cuda::Precision::kF32, &error) &&
                conv.Prepare(handle, batch, &workspace_bytes, &error))
        << what << ": " << error;
    Tensor in(batch, shape.in_channels, shape.in_side, shape.in_side);
    in.data = Random(in.data.size(), ++seed);
    const std::vector<double> weights = Random(
        static_cast<size_t>(shape.out_channels) * shape.in_channels * shape.kernel * shape.kernel,
        ++seed);
    Tensor want;
    reference::ConvForward(in, weights, std::vector<double>(shape.out_channels, 0.0),
                           shape.out_channels, shape.kernel, shape.padding, &want);
    Tensor diff_out(want.n, want.c, want.h, want.w);
    diff_out.data = Random(diff_out.data.size(), ++seed);
    Tensor want_diff_in;
    std::vector<double> want_diff_weights, want_diff_bias;
    reference::ConvBackward(in, weights, diff_out, shape.kernel, shape.padding, &want_diff_in,
                            &want_diff_weights, &want_diff_bias);

    OnDevice x, w, y, dy, dx, dw, workspace;
    ASSERT_TRUE(x.Upload(in.data, &error) && w.Upload(weights, &error) &&
                dy.Upload(diff_out.data, &error) && y.buffer.Reserve(want.data.size(), &error) &&
                dx.buffer.Reserve(in.data.size(), &error) &&
                dw.buffer.Reserve(weights.size(), &error) &&
                workspace.buffer.Reserve(workspace_bytes / sizeof(float) + 1, &error))
        << error;
    void* ws = workspace.buffer.get();
    const size_t ws_bytes = workspace.buffer.size() * sizeof(float);
    ASSERT_TRUE(conv.Forward(handle, batch, x.buffer.get(), w.buffer.get(), y.buffer.get(), ws,
                             ws_bytes, &error) &&
                conv.BackwardData(handle, batch, w.buffer.get(), dy.buffer.get(), dx.buffer.get(),
                                  ws, ws_bytes, &error) &&
                conv.BackwardFilter(handle, batch, x.buffer.get(), dy.buffer.get(), dw.buffer.get(),
                                    ws, ws_bytes, &error))
        << what << ": " << error;
    ASSERT_EQ(cudaDeviceSynchronize(), cudaSuccess);
    ExpectClose(y.Download(want.data.size()), want.data, 1e-4, what + " forward");
    ExpectClose(dx.Download(in.data.size()), want_diff_in.data, 1e-4, what + " backward data");
    ExpectClose(dw.Download(weights.size()), want_diff_weights, 1e-4, what + " backward weights");
  }
  cudnnDestroy(handle);
}

// A training step on images order[first .. first + batch) of the epoch order.
StepRequest MakeStep(int first, int batch, double noise, uint64_t noise_seed, uint64_t noise_epoch,
                     const AdamConfig& adam = AdamConfig{}) {
  StepRequest request;
  request.first = first;
  request.batch = batch;
  request.noise = noise;
  request.noise_seed = noise_seed;
  request.noise_epoch = noise_epoch;
  request.adam = adam;
  return request;
}

std::unique_ptr<TrainBackend> MakeGpuBackend(int batch, bool polyphase, bool step_graph = true,
                                             const std::string& precision = "f32") {
  BackendOptions options;
  options.device = "cuda";
  options.train_batch = batch;
  options.precision = precision;
  CudaBackendOptions cuda_options;
  cuda_options.polyphase_upsample = polyphase;
  cuda_options.step_graph = step_graph;
  std::string error;
  auto backend = CreateCudaBackend(options, cuda_options, &error);
  EXPECT_TRUE(backend) << error;
  return backend;
}

// The dead-bottleneck guard's measure, counted on the GPU: dead, alive, all positive.
TEST_F(CudaBackendTest, BottleneckFractionTellsDeadFromAlive) {
  auto backend = MakeGpuBackend(2, true);
  ASSERT_TRUE(backend);
  ExpectBottleneckFractionTellsDeadFromAlive(backend.get(), 2);
}

// The whole network, loss and every layer's gradients, against the double reference.
TEST_F(CudaBackendTest, LossAndGradientsMatchTheReference) {
  const int batch = 2;
  const ReferenceCase ref = MakeReferenceCase(batch);
  for (bool polyphase : {true, false}) {
    SCOPED_TRACE(polyphase ? "polyphase upsample" : "plain upsample");
    auto backend = MakeGpuBackend(batch, polyphase);
    ASSERT_TRUE(backend);
    std::string error;
    ASSERT_TRUE(backend->SetParameters(ref.FloatParams(), &error)) << error;
    double loss = 0.0;
    ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), batch,
                                          &loss, &error))
        << error;
    EXPECT_NEAR(loss, ref.loss, 1e-5 * ref.loss);
    std::vector<float> got;
    ASSERT_TRUE(backend->GetGradients(&got, &error)) << error;
    const ParamLayout& l = SeedParamLayout();
    for (int i = 0; i < kNumConvs; ++i) {
      const size_t begin = l.weight_offset[i];
      const size_t end = l.bias_offset[i] + kSeedConvs[static_cast<size_t>(i)].out_channels;
      ExpectClose(
          std::vector<float>(got.begin() + begin, got.begin() + end),
          std::vector<double>(ref.grads.begin() + begin, ref.grads.begin() + end), 1e-4,
          "layer " + std::to_string(kSeedConvs[static_cast<size_t>(i)].layer) + " gradients");
    }
    // The forward-only pass gives the same function, and the bottleneck is alive.
    std::vector<float> logits(static_cast<size_t>(batch) * kImagePixels);
    ASSERT_TRUE(backend->Forward(ref.images.noisy.data(), batch, logits.data(), &error)) << error;
    EXPECT_NEAR(
        SigmoidBceMean(logits.data(), ref.images.clean.data(), batch, kImagePixels, nullptr),
        ref.loss, 1e-5 * ref.loss);
    // Logit by logit, as the CPU's SeedNetwork.OnednnBackendMatchesReference: within 1e-4 of the
    // reference's, relative, plus 1e-7 (f32 on CUDA cores, CUDNN_FMA_MATH). Measured on the
    // emulated device only (its CPU loops); a real GPU was not at hand when this was written.
    ASSERT_EQ(ref.logits.size(), logits.size());
    for (size_t k = 0; k < logits.size(); ++k) {
      ASSERT_NEAR(logits[k], ref.logits[k], 1e-4 * std::fabs(ref.logits[k]) + 1e-7)
          << "logit " << k;
    }
    EXPECT_GT(backend->BottleneckPositiveFraction(), 0.05);
    std::vector<float> back;
    ASSERT_TRUE(backend->GetParameters(&back, &error)) << error;
    EXPECT_EQ(back, ref.FloatParams());
  }
}

// Quantization-aware training on the GPU: fake-quantized activations and their
// straight-through gradients against the double reference's (the CPU's test, the same case).
TEST_F(CudaBackendTest, FakeQuantizedActivationsMatchTheReference) {
  const int batch = 2;
  const QuantizedReferenceCase ref = MakeQuantizedReferenceCase(batch);
  for (bool polyphase : {true, false}) {
    SCOPED_TRACE(polyphase ? "polyphase upsample" : "plain upsample");
    auto backend = MakeGpuBackend(batch, polyphase);
    ASSERT_TRUE(backend);
    ExpectFakeQuantizedPassMatches(backend.get(), ref);
  }
}

// f16 and bf16 (16-bit activations and weights on tensor cores, f32 accumulation, f32 master
// weights; f16 with loss scaling): the same gradients, loosely, as the CPU's bf16 test: each
// layer's gradient within 0.99 cosine of the reference's direction and 5% of its length
// (bf16 keeps 8 significant bits, f16 11).
// One precision's check; a device below compute capability 8.0 has no bf16 and says so as a
// visible skip (not a silent pass).
void ExpectLowPrecisionGradientsCloseToTheReference(const char* precision) {
  const int batch = 2;
  const ReferenceCase ref = MakeReferenceCase(batch);
  {
    SCOPED_TRACE(precision);
    BackendOptions options;
    options.device = "cuda";
    options.train_batch = batch;
    options.precision = precision;
    std::string error;
    auto backend = CreateCudaBackend(options, CudaBackendOptions{}, &error);
    if (!backend && std::string(precision) == "bf16" &&
        error.find("compute capability") != std::string::npos) {
      GTEST_SKIP() << "bf16 needs compute capability 8.0 or more: " << error;
    }
    ASSERT_TRUE(backend) << error;
    EXPECT_EQ(backend->Info().name, std::string("cudnn-") + precision);
    ASSERT_TRUE(backend->SetParameters(ref.FloatParams(), &error)) << error;
    // f16 starts with a loss scale of 65,536, which this tiny batch's gradients may overflow:
    // such a step is skipped and the scale halved, as in training, until the gradients fit.
    double loss = 0.0;
    std::vector<float> got;
    int skipped = 0;
    for (;; ++skipped) {
      ASSERT_LT(skipped, 16) << "the loss scale never stopped overflowing";
      ASSERT_TRUE(backend->ComputeGradients(ref.images.noisy.data(), ref.images.clean.data(), batch,
                                            &loss, &error) &&
                  backend->GetGradients(&got, &error))
          << error;
      if (std::all_of(got.begin(), got.end(), [](float g) { return std::isfinite(g); })) break;
      ASSERT_TRUE(backend->ApplyAdam(AdamConfig{}, &error)) << error;  // skipped: halves the scale
    }
    EXPECT_NEAR(loss, ref.loss, 2e-3);
    ExpectLayerGradientsAlign(got, ref.grads, 0.99, 0.05);
    // Skipped steps left the f32 master weights alone and are not counted; this one moves them.
    std::vector<float> after;
    AdamState state;
    ASSERT_TRUE(backend->GetParameters(&after, &error) && backend->GetAdamState(&state, &error))
        << error;
    EXPECT_EQ(state.step, 0);
    EXPECT_EQ(after, ref.FloatParams());
    ASSERT_TRUE(backend->ApplyAdam(AdamConfig{}, &error)) << error;
    ASSERT_TRUE(backend->GetParameters(&after, &error) && backend->GetAdamState(&state, &error))
        << error;
    EXPECT_EQ(state.step, 1);
    EXPECT_NE(after, ref.FloatParams());
    ::testing::Test::RecordProperty(std::string(precision) + "_skipped_steps", skipped);
  }
}

TEST_F(CudaBackendTest, F16GradientsAreCloseToTheReference) {
  ExpectLowPrecisionGradientsCloseToTheReference("f16");
}

TEST_F(CudaBackendTest, Bf16GradientsAreCloseToTheReference) {
  ExpectLowPrecisionGradientsCloseToTheReference("bf16");
}

// The device-resident path: with noise factor 0 a gathered batch is the clean images
// themselves, so its gradients and summed loss equal the host path's on those images; with
// noise, each image gets its own noise whatever the batch it is in.
TEST_F(CudaBackendTest, DeviceResidentBatchesMatchHostBatches) {
  const int count = 6, batch = 3;
  const TinyBatch b = MakeBatch(count);
  const std::vector<double> start = AliveParams(b, count);
  const std::vector<float> params(start.begin(), start.end());
  auto host = MakeGpuBackend(batch, true);
  auto device = MakeGpuBackend(batch, true);
  ASSERT_TRUE(host && device);
  ASSERT_TRUE(device->Info().data_on_device);
  std::string error;
  const std::vector<int> order = {4, 1, 5, 0, 3, 2};
  ASSERT_TRUE(host->SetParameters(params, &error) && device->SetParameters(params, &error) &&
              device->SetTrainingSet(b.clean.data(), count, &error) &&
              device->SetEpochOrder(order, &error))
      << error;
  std::vector<float> chosen;
  for (int k = 3; k < 6; ++k) {
    const float* image = b.clean.data() + static_cast<size_t>(order[k]) * kImagePixels;
    chosen.insert(chosen.end(), image, image + kImagePixels);
  }
  double loss = 0.0, device_sum = 0.0;
  std::vector<float> want, got;
  ASSERT_TRUE(host->ComputeGradients(chosen.data(), chosen.data(), batch, &loss, &error) &&
              host->GetGradients(&want, &error))
      << error;
  // Learning rate 0: a step's Adam update leaves the weights as they were.
  AdamConfig still;
  still.learning_rate = 0.0f;
  ASSERT_TRUE(device->Step(MakeStep(3, batch, 0.0, 7, 1, still), &error) &&
              device->TakeLossSum(&device_sum, &error) && device->GetGradients(&got, &error))
      << error;
  EXPECT_NEAR(device_sum, loss * batch, 1e-9 * batch);
  // Equal when cuDNN's chosen algorithms are deterministic (preferred, cudnn_conv.cc); where
  // a shape has none, sums may differ in their last bits.
  ASSERT_EQ(got.size(), want.size());
  float largest = 0.0f;
  for (float g : want) largest = std::max(largest, std::fabs(g));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-6 * largest) << i;

  // With noise the loss differs from the clean one, is the same for the same images in
  // another order, and changes with the epoch.
  double first = 0.0, again = 0.0, other_epoch = 0.0;
  ASSERT_TRUE(device->SetEpochOrder({0, 1, 2, 3, 4, 5}, &error) &&
              device->Step(MakeStep(0, batch, 0.7, 7, 1, still), &error) &&
              device->TakeLossSum(&first, &error) &&
              device->SetEpochOrder({2, 0, 1, 3, 4, 5}, &error) &&
              device->Step(MakeStep(0, batch, 0.7, 7, 1, still), &error) &&
              device->TakeLossSum(&again, &error) &&
              device->Step(MakeStep(0, batch, 0.7, 7, 2, still), &error) &&
              device->TakeLossSum(&other_epoch, &error))
      << error;
  EXPECT_NEAR(again, first, 1e-9);
  EXPECT_NE(other_epoch, first);
}

// Device-resident steps replayed from CUDA graphs give the results of launching every
// kernel directly: three epochs of a 7-image set in batches of 3, 3 and 1 (two graphs, one
// per batch size), with a larger host batch in between that moves the buffers the graphs
// were captured with, and fake-quantized activations turned on from epoch 2 (graphs captured
// with the old grids must not replay). f32, and f16 for its loss scale kept on the GPU. The
// margins allow for
// a non-deterministic cuDNN algorithm (cudnn_conv.cc prefers deterministic ones); a graph
// that read a stale buffer would miss them by orders of magnitude.
TEST_F(CudaBackendTest, GraphStepsMatchDirectSteps) {
  const int count = 7, batch = 3;
  const TinyBatch b = MakeBatch(count);
  const std::vector<double> start = AliveParams(b, count);
  const std::vector<float> params(start.begin(), start.end());
  std::vector<std::vector<float>> images;
  for (int n = 0; n < count; ++n) {
    images.emplace_back(b.noisy.begin() + n * kImagePixels,
                        b.noisy.begin() + (n + 1) * kImagePixels);
  }
  dnz::build::ActivationRanges ranges = CalibrateTrainingRanges(params, images);
  for (float& hi : ranges.output_max) hi *= 0.7f;
  const AdamConfig adam;
  for (const char* precision : {"f32", "f16"}) {
    SCOPED_TRACE(precision);
    auto direct = MakeGpuBackend(batch, true, false, precision);
    auto graph = MakeGpuBackend(batch, true, true, precision);
    ASSERT_TRUE(direct && graph);
    std::vector<double> direct_losses, graph_losses;
    for (TrainBackend* backend : {direct.get(), graph.get()}) {
      std::vector<double>& losses = backend == direct.get() ? direct_losses : graph_losses;
      std::string error;
      ASSERT_TRUE(backend->SetParameters(params, &error) &&
                  backend->SetTrainingSet(b.clean.data(), count, &error))
          << error;
      for (int epoch = 1; epoch <= 3; ++epoch) {
        std::vector<int> order = {6, 2, 4, 0, 5, 1, 3};
        std::rotate(order.begin(), order.begin() + epoch, order.end());
        ASSERT_TRUE(backend->SetEpochOrder(order, &error)) << error;
        if (epoch == 2) {
          ASSERT_TRUE(backend->SetActivationQuant(ActivationQuantFor(ranges), &error)) << error;
        }
        for (int first = 0; first < count; first += batch) {
          const int n = std::min(batch, count - first);
          ASSERT_TRUE(backend->Step(MakeStep(first, n, 0.7, 11, epoch, adam), &error)) << error;
        }
        double sum = 0.0;
        ASSERT_TRUE(backend->TakeLossSum(&sum, &error)) << error;
        losses.push_back(sum);
        if (epoch == 2) {  // a host batch of all 7 images: the buffers grow and move
          double loss = 0.0;
          ASSERT_TRUE(
              backend->ComputeGradients(b.noisy.data(), b.clean.data(), count, &loss, &error) &&
              backend->ApplyAdam(adam, &error))
              << error;
          losses.push_back(loss);
        }
      }
    }
    EXPECT_EQ(direct->Info().launch_mode, "direct");
    EXPECT_EQ(graph->Info().launch_mode, "graph");
    ASSERT_EQ(graph_losses.size(), direct_losses.size());
    for (size_t i = 0; i < direct_losses.size(); ++i) {
      EXPECT_NEAR(graph_losses[i], direct_losses[i], 1e-7 * std::fabs(direct_losses[i])) << i;
    }
    std::vector<float> want, got;
    std::string error;
    ASSERT_TRUE(direct->GetParameters(&want, &error) && graph->GetParameters(&got, &error))
        << error;
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_NEAR(got[i], want[i], 1e-5 * std::max(1.0f, std::fabs(want[i]))) << i;
    }
  }
}

// Stage timing (host_train --bench-profile): device-resident steps and a host batch timed
// stage by stage between CUDA events give the parameters of untimed steps (replayed as
// graphs: the same margins as above), and every stage has a time.
TEST_F(CudaBackendTest, StageTimingCoversEveryStageAndChangesNothing) {
  const int count = 6, batch = 3;
  const TinyBatch b = MakeBatch(count);
  const std::vector<double> start = AliveParams(b, count);
  const std::vector<float> params(start.begin(), start.end());
  std::vector<std::vector<float>> results;
  for (bool timed : {false, true}) {
    SCOPED_TRACE(timed ? "timed" : "untimed");
    auto backend = MakeGpuBackend(batch, true);
    ASSERT_TRUE(backend);
    std::string error;
    StageTimes times;
    ASSERT_TRUE(backend->SetParameters(params, &error) &&
                backend->SetTrainingSet(b.clean.data(), count, &error) &&
                backend->SetEpochOrder({5, 0, 3, 1, 4, 2}, &error) &&
                backend->StageTiming(timed, &times, &error))
        << error;
    for (int step = 0; step < 4; ++step) {
      ASSERT_TRUE(backend->Step(MakeStep(step % 2 * batch, batch, 0.7, 5, 1), &error)) << error;
    }
    double loss = 0.0;
    ASSERT_TRUE(backend->ComputeGradients(b.noisy.data(), b.clean.data(), batch, &loss, &error) &&
                backend->ApplyAdam(AdamConfig{}, &error))
        << error;
    ASSERT_TRUE(backend->StageTiming(timed, &times, &error)) << error;
    results.emplace_back();
    ASSERT_TRUE(backend->GetParameters(&results.back(), &error)) << error;
    if (!timed) {
      EXPECT_EQ(backend->Info().launch_mode, "graph");
      EXPECT_EQ(times.steps, 0);
      continue;
    }
    EXPECT_EQ(times.steps, 5);
    for (int stage = 0; stage < kStageCount; ++stage) {
      EXPECT_GT(times.ms[static_cast<size_t>(stage)], 0.0) << StageName(stage);
    }
  }
  for (size_t i = 0; i < results[0].size(); ++i) {
    ASSERT_NEAR(results[1][i], results[0][i], 1e-5 * std::max(1.0f, std::fabs(results[0][i]))) << i;
  }
}

// One Adam step on the GPU against the CPU's update from the same gradients and state.
TEST_F(CudaBackendTest, AdamStepMatchesTheCpu) {
  const int batch = 4;
  const TinyBatch b = MakeBatch(batch);
  const std::vector<double> start = AliveParams(b, batch);
  auto backend = MakeGpuBackend(batch, true);
  ASSERT_TRUE(backend);
  std::string error;
  std::vector<float> params(start.begin(), start.end());
  AdamState state{std::vector<float>(params.size(), 1e-4f),
                  std::vector<float>(params.size(), 1e-6f), 7};
  ASSERT_TRUE(backend->SetParameters(params, &error) && backend->SetAdamState(state, &error))
      << error;
  double loss = 0.0;
  std::vector<float> grads;
  ASSERT_TRUE(backend->ComputeGradients(b.noisy.data(), b.clean.data(), batch, &loss, &error) &&
              backend->GetGradients(&grads, &error))
      << error;
  const AdamConfig config;
  ASSERT_TRUE(backend->ApplyAdam(config, &error)) << error;
  AdamUpdate(config, 8, params.size(), params.data(), grads.data(), state.m.data(), state.v.data());
  std::vector<float> got;
  AdamState got_state;
  ASSERT_TRUE(backend->GetParameters(&got, &error) && backend->GetAdamState(&got_state, &error))
      << error;
  EXPECT_EQ(got_state.step, 8);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_NEAR(got[i], params[i], 1e-5 * std::max(1.0f, std::fabs(params[i]))) << i;
    ASSERT_NEAR(got_state.m[i], state.m[i], 1e-5 * std::fabs(state.m[i]) + 1e-12) << i;
  }
}

int RunCommand(const std::string& command) {
  const int status = std::system((command + " > /dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// The export's PSNR over the noisy input's (7.42 dB on these 256 digits), in dB. Measured with
// --lr 0.003 (seed 1 starts slowly at the default 0.001: 128 digits in batches of 128 reached
// 6.37 dB, below the noisy input, and failed this): the emulation's sizes (256 digits, batch 8:
// 96 steps) give validation 0.294 -> 0.254 -> 0.233 and 12.58 dB on the CPU; a GPU's (2,048
// digits, batch 32: 192 steps) 0.261 -> 0.217 -> 0.197 and 13.50 dB. About 120 s on the
// emulation here (2 cores), most of it the export's calibration and float evaluation.
constexpr double kMinExportGainDb = 3.0;

// A short run that crosses devices, checked by its content: epoch 1 on the GPU, epoch 2 resumed
// on the CPU (where the CPU backend is built; else on the GPU again), epoch 3 resumed on the
// GPU. Each resumed run says where it resumed and on which device; the log holds epochs 1, 2, 3
// with the validation loss falling each epoch; the export of the final checkpoint beats the
// noisy input's PSNR on the same digits, and runtime_demo loads it.
TEST_F(CudaBackendTest, ShortRunExportsAModelAndResumesAcrossDevices) {
  const std::string out = ::testing::TempDir() + "/dnz_gpu_run";
  std::filesystem::remove_all(out);
  // Seed 7: its first weights keep layer 13 alive on the emulation's 128 images, so no time
  // goes to re-drawing them (six re-draws, 33 s, with the default seed).
  const std::vector<std::string> train = {"--data",
                                          DNZ_MNIST_DIR,
                                          "--train-limit",
                                          std::to_string(DNZ_GPU_TEST_TRAIN_LIMIT),
                                          "--val-limit",
                                          "256",
                                          "--batch",
                                          std::to_string(DNZ_GPU_TEST_BATCH),
                                          "--out",
                                          out,
                                          "--no-pictures",
                                          "--seed",
                                          "7"};
  const auto run = [&](const std::string& device, int epochs, bool resume) {
    std::vector<std::string> args = train;
    for (const std::string& a :
         {std::string("--device"), device, std::string("--epochs"), std::to_string(epochs)}) {
      args.push_back(a);
    }
    if (resume) args.push_back("--resume");
    return RunTrainer(DNZ_HOST_TRAIN_BIN, args);
  };
  std::string why;
  BackendOptions cpu;
  cpu.device = "cpu";
  const bool cpu_built = CreateBackend(cpu, &why) != nullptr;
  const char* devices[] = {"cuda", cpu_built ? "cpu" : "cuda", "cuda"};
  for (int epoch = 1; epoch <= 3; ++epoch) {
    SCOPED_TRACE("epoch " + std::to_string(epoch) + " on " + devices[epoch - 1]);
    const TrainerRun r = run(devices[epoch - 1], epoch, epoch > 1);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(std::string(devices[epoch - 1]) == "cpu" ? "host_train: onednn-"
                                                                     : "host_train: cudnn-"),
              std::string::npos)
        << r.output;
    if (epoch > 1) {
      EXPECT_NE(r.output.find("resumed at epoch " + std::to_string(epoch) + " step 0"),
                std::string::npos)
          << r.output;
    }
    EXPECT_NE(r.output.find("epoch " + std::to_string(epoch) + "/" + std::to_string(epoch) +
                            "  train BCE"),
              std::string::npos)
        << r.output;
  }
  const auto log = EpochLog(out);
  ASSERT_EQ(log.size(), 3u);
  for (size_t e = 0; e < log.size(); ++e) {
    EXPECT_EQ(log[e]["epoch"].get<int>(), int(e) + 1);
    if (e > 0) {
      EXPECT_LT(log[e]["val_bce"].get<double>(), log[e - 1]["val_bce"].get<double>());
    }
  }

  const TrainerRun exported =
      RunTrainer(DNZ_HOST_TRAIN_BIN, {"--data", DNZ_MNIST_DIR, "--val-limit", "256", "--out", out,
                                      "--export", out + "/model.dnz"});
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  const size_t int8 = exported.output.find("int8");
  const size_t psnr = exported.output.find("PSNR ", int8);
  ASSERT_NE(psnr, std::string::npos) << exported.output;
  data::MnistSet digits;
  ASSERT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, 256, &digits, &why)) << why;
  std::vector<float> noisy(digits.images.size());
  data::MakeNoisyTestImages(digits.images.data(), 256, data::kMnistPixels, noisy.data());
  const double noisy_psnr =
      data::EvaluateImages(noisy.data(), digits.images.data(), 256, 28, 28).psnr;
  EXPECT_GT(std::stod(exported.output.substr(psnr + 5)), noisy_psnr + kMinExportGainDb)
      << exported.output;
  ASSERT_EQ(RunCommand(std::string(DNZ_RUNTIME_DEMO_BIN) + " --model " + out + "/model.dnz " +
                       DNZ_EXAMPLE_PNG + " -o " + out + "/denoised.png"),
            0);
  EXPECT_TRUE(std::filesystem::exists(out + "/denoised.png"));
  std::filesystem::remove_all(out);
}

}  // namespace
}  // namespace dnz::train
