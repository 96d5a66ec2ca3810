// StepGraphs (host_train/cuda/step_graph.h) without a GPU: when does it run the work
// directly, and does a failed capture fall back to running it directly, with a reason?
// Capturing on the legacy default stream (null) fails on any machine (CUDA refuses it; with
// no driver every CUDA call fails), so these hold with and without a GPU.
// CudaBackendTest.GraphStepsMatchDirectSteps checks real graphs on a GPU.
#include <gtest/gtest.h>

#include <string>

#include "cuda/step_graph.h"

namespace dnz::train::cuda {
namespace {

struct CountingWork {
  int calls = 0;
  bool succeed = true;
  StepGraphs::Enqueue Enqueue() {
    return [this](std::string* error) {
      ++calls;
      if (!succeed) *error = "work failed";
      return succeed;
    };
  }
};

TEST(StepGraphs, FirstStepOfABatchSizeRunsDirectly) {
  StepGraphs graphs;
  CountingWork work;
  std::string error;
  ASSERT_TRUE(graphs.Run(128, nullptr, work.Enqueue(), &error)) << error;
  ASSERT_TRUE(graphs.Run(96, nullptr, work.Enqueue(), &error)) << error;
  EXPECT_EQ(work.calls, 2);
  EXPECT_TRUE(graphs.enabled());
  EXPECT_EQ(graphs.disabled_reason(), "");
  EXPECT_EQ(graphs.replays(), 0);
}

TEST(StepGraphs, FailedCaptureRunsTheStepDirectlyFromThenOn) {
  StepGraphs graphs;
  CountingWork work;
  std::string error;
  for (int step = 0; step < 4; ++step) {
    ASSERT_TRUE(graphs.Run(128, nullptr, work.Enqueue(), &error)) << step << ": " << error;
  }
  EXPECT_EQ(work.calls, 4);  // the failed capture's own attempt is not run twice
  EXPECT_FALSE(graphs.enabled());
  EXPECT_NE(graphs.disabled_reason().find("CUDA graph capture failed (cuda: "), std::string::npos)
      << graphs.disabled_reason();
  EXPECT_EQ(graphs.replays(), 0);
}

TEST(StepGraphs, WorkErrorsComeBackOnEveryPath) {
  StepGraphs graphs;
  CountingWork work;
  work.succeed = false;
  for (int step = 0; step < 3; ++step) {  // direct, capture (falls back), direct
    std::string error;
    EXPECT_FALSE(graphs.Run(128, nullptr, work.Enqueue(), &error)) << step;
    EXPECT_EQ(error, "work failed") << step;
  }
}

TEST(StepGraphs, TurnedOffRunsDirectlyWithoutAReason) {
  StepGraphs graphs;
  graphs.set_enabled(false);
  CountingWork work;
  std::string error;
  for (int step = 0; step < 3; ++step)
    ASSERT_TRUE(graphs.Run(128, nullptr, work.Enqueue(), &error));
  EXPECT_EQ(work.calls, 3);
  EXPECT_EQ(graphs.disabled_reason(), "");
}

}  // namespace
}  // namespace dnz::train::cuda
