// TrainBackend::Step on the CPU (network/backend.h): the batch made on the host with its noise
// (network/host_batch.h), then the two halves a caller can run itself (ComputeGradients,
// ApplyAdam), bit for bit; the loss sum it keeps, and the bounds it checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "network/backend.h"
#include "network/host_batch.h"
#include "network/seed_network.h"
#include "tiny_batch.h"

namespace dnz::train {
namespace {

#ifdef DNZ_TRAIN_WITH_ONEDNN
TEST(TrainStep, CpuStepIsTheHostBatchThenGradientsAndAdam) {
  const int count = 6, batch = 3;
  const TinyBatch b = MakeBatch(count);
  const std::vector<double> start = AliveParams(b, count);
  const std::vector<float> params(start.begin(), start.end());
  const std::vector<int> order = {4, 1, 5, 0, 3, 2};
  std::string error;
  auto stepped = MakeCpuBackend(batch, "f32", &error);
  auto halves = MakeCpuBackend(batch, "f32", &error);
  ASSERT_TRUE(stepped && halves) << error;
  ASSERT_TRUE(stepped->SetParameters(params, &error) && halves->SetParameters(params, &error) &&
              stepped->SetTrainingSet(b.clean.data(), count, &error) &&
              stepped->SetEpochOrder(order, &error))
      << error;
  StepRequest request;
  request.first = 3;
  request.batch = batch;
  request.noise = 0.7;
  request.noise_seed = 9;
  request.noise_epoch = 2;
  double sum = -1.0;
  ASSERT_TRUE(stepped->Step(request, &error) && stepped->TakeLossSum(&sum, &error)) << error;

  std::vector<float> clean(static_cast<size_t>(batch) * kImagePixels), noisy(clean.size());
  MakeHostBatch(b.clean.data(), order.data(), request.first, batch, request.noise,
                request.noise_seed, request.noise_epoch, clean.data(), noisy.data());
  EXPECT_NE(noisy, clean);
  double loss = 0.0;
  ASSERT_TRUE(halves->ComputeGradients(noisy.data(), clean.data(), batch, &loss, &error) &&
              halves->ApplyAdam(request.adam, &error))
      << error;
  EXPECT_EQ(sum, loss * batch);
  std::vector<float> want, got;
  AdamState want_state, got_state;
  ASSERT_TRUE(halves->GetParameters(&want, &error) && stepped->GetParameters(&got, &error) &&
              halves->GetAdamState(&want_state, &error) &&
              stepped->GetAdamState(&got_state, &error))
      << error;
  EXPECT_EQ(got, want);
  EXPECT_EQ(got_state.m, want_state.m);
  EXPECT_EQ(got_state.step, 1);
  // The sum was taken: the next take is empty.
  ASSERT_TRUE(stepped->TakeLossSum(&sum, &error)) << error;
  EXPECT_EQ(sum, 0.0);

  // Orders and batches outside the training set are refused.
  EXPECT_FALSE(stepped->SetEpochOrder({0, 1, 2}, &error));
  EXPECT_FALSE(stepped->SetEpochOrder({0, 1, 2, 3, 4, 6}, &error));
  request.first = 4;
  EXPECT_FALSE(stepped->Step(request, &error));
  EXPECT_NE(error.find("outside the training set"), std::string::npos) << error;
}
#endif

}  // namespace
}  // namespace dnz::train
