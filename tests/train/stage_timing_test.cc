// Stage timing (host_train --bench-profile, network/step_stages.h): the stage names, and the
// oneDNN backend timing every stage of its steps without changing a result. The GPU's
// event-timed stages are tested in cuda_backend_test.cc.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "network/backend.h"
#include "network/step_stages.h"
#include "tiny_batch.h"

namespace dnz::train {
namespace {

TEST(StepStages, NameEveryStageOnceInStepOrder) {
  std::vector<std::string> names;
  for (int stage = 0; stage < kStageCount; ++stage) names.push_back(StageName(stage));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  EXPECT_EQ(names.front(), "setup");
  EXPECT_EQ(names[ForwardStage(0)], "layer 1 forward");
  EXPECT_EQ(names[ForwardStage(kBottleneckConv)], "layer 13 forward");
  EXPECT_EQ(names[kLossStage], "loss");
  EXPECT_EQ(names[BackwardStage(kNumConvs - 1)], "layer 14 backward");
  EXPECT_EQ(names.back(), "adam");
  EXPECT_EQ(ForwardStage(kNumConvs - 1) + 1, kLossStage);
  EXPECT_EQ(BackwardStage(kNumConvs - 1) + 1, kAdamStage);
}

#ifdef DNZ_TRAIN_WITH_ONEDNN
// Two steps with stage timing give the same parameters as two without, bit for bit, and
// time every conv's forward and backward, the loss and Adam; each call hands back the sums
// since the previous one.
TEST(StageTiming, OnednnTimesEveryStageAndChangesNothing) {
  const int batch = 2;
  const TinyBatch b = MakeBatch(batch);
  const std::vector<double> start = AliveParams(b, batch);
  const std::vector<float> params(start.begin(), start.end());
  std::vector<std::vector<float>> results;
  StageTimes times;
  for (bool timed : {false, true}) {
    std::string error;
    auto backend = MakeCpuBackend(batch, "f32", &error);
    ASSERT_TRUE(backend) << error;
    ASSERT_TRUE(backend->SetParameters(params, &error) &&
                backend->StageTiming(timed, &times, &error))
        << error;
    for (int step = 0; step < 2; ++step) {
      double loss = 0.0;
      ASSERT_TRUE(backend->ComputeGradients(b.noisy.data(), b.clean.data(), batch, &loss, &error) &&
                  backend->ApplyAdam(AdamConfig{}, &error))
          << error;
    }
    results.emplace_back();
    ASSERT_TRUE(backend->GetParameters(&results.back(), &error)) << error;
    ASSERT_TRUE(backend->StageTiming(timed, &times, &error)) << error;
    if (!timed) {
      EXPECT_EQ(times.steps, 0);
      continue;
    }
    EXPECT_EQ(times.steps, 2);
    for (int stage = ForwardStage(0); stage < kStageCount; ++stage) {
      EXPECT_GT(times.ms[static_cast<size_t>(stage)], 0.0) << StageName(stage);
    }
    StageTimes again;
    ASSERT_TRUE(backend->StageTiming(timed, &again, &error)) << error;
    EXPECT_EQ(again.steps, 0);
    for (double ms : again.ms) EXPECT_EQ(ms, 0.0);
  }
  EXPECT_EQ(results[0], results[1]);
}
#endif

}  // namespace
}  // namespace dnz::train
