// Streamed plans (a memory budget, runtime/src/stream_planner.h): every plan the planner
// picks under any budget gives exactly the bytes of the whole-tensor plan, in an arena no
// larger than the budget; a budget below the smallest plan is refused with that size named.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include "kernel_cases.h"
#include "test_models.h"

namespace dnz::test {
namespace {

struct Budgeted {
  dnz_status status = DNZ_OK;
  std::string error;
  size_t arena_bytes = 0;
  std::string plan;
  std::vector<uint8_t> output;
};

// Runs `inputs` (whole images, concatenated) through `backend` under `budget` (0: none).
Budgeted RunUnderBudget(const AlignedBuffer& bytes, dnz_backend backend, size_t budget,
                        const std::vector<uint8_t>& inputs, uint32_t images) {
  Budgeted result;
  dnz_model model;
  EXPECT_EQ(dnz_model_load(&model, bytes.data(), bytes.size()), DNZ_OK) << model.error;
  dnz_session session;
  dnz_session_options options = dnz_session_default_options();
  options.backend = backend;
  options.max_arena_bytes = budget;
  result.status = dnz_session_init(&session, &model, &options);
  if (result.status != DNZ_OK) {
    result.error = dnz_session_error(&session);
    return result;
  }
  result.arena_bytes = dnz_session_arena_bytes(&session);
  char text[256];
  result.plan = dnz_session_plan_text(&session, text, sizeof text);
  AlignedBuffer arena(result.arena_bytes);
  // Garbage in the arena: a ring row read before it is written would show.
  for (size_t i = 0; i < arena.size(); ++i) arena.data()[i] = uint8_t(i * 131 + 7);
  EXPECT_EQ(dnz_session_set_arena(&session, arena.data(), arena.size()), DNZ_OK);
  const dnz_tensor_info& out = *dnz_model_output(&model);
  result.output.resize(size_t(out.height) * size_t(out.width) * size_t(out.channels) * images);
  EXPECT_EQ(dnz_run_u8(&session, inputs.data(), result.output.data(), images), DNZ_OK)
      << dnz_session_error(&session);
  dnz_session_destroy(&session);
  return result;
}

bool Streams(const dnz_backend_info& info) { return info.streams != 0; }

size_t Smallest(const AlignedBuffer& bytes, dnz_backend backend, size_t* fastest) {
  dnz_model model;
  EXPECT_EQ(dnz_model_load(&model, bytes.data(), bytes.size()), DNZ_OK);
  size_t smallest = 0;
  EXPECT_EQ(dnz_model_arena_bytes(&model, backend, &smallest, fastest), DNZ_OK);
  return smallest;
}

// Every budget from the smallest plan to the fastest, on `images` inputs: the whole plan's
// bytes, an arena within the budget.
void ExpectEveryBudgetGivesTheSameBytes(const AlignedBuffer& bytes, dnz_backend backend,
                                        const std::vector<uint8_t>& inputs, uint32_t images,
                                        const std::vector<size_t>& extra_budgets) {
  size_t fastest = 0;
  const size_t smallest = Smallest(bytes, backend, &fastest);
  ASSERT_LE(smallest, fastest);
  const Budgeted whole = RunUnderBudget(bytes, backend, 0, inputs, images);
  ASSERT_EQ(whole.status, DNZ_OK) << whole.error;
  EXPECT_EQ(whole.arena_bytes, fastest);
  std::vector<size_t> budgets = {smallest, smallest + 64, (smallest + fastest) / 2, fastest - 1,
                                 fastest};
  budgets.insert(budgets.end(), extra_budgets.begin(), extra_budgets.end());
  for (const size_t budget : budgets) {
    if (budget < smallest) continue;
    const Budgeted streamed = RunUnderBudget(bytes, backend, budget, inputs, images);
    ASSERT_EQ(streamed.status, DNZ_OK) << "budget " << budget << ": " << streamed.error;
    EXPECT_LE(streamed.arena_bytes, budget) << streamed.plan;
    EXPECT_EQ(streamed.output, whole.output) << "budget " << budget << ": " << streamed.plan;
  }
}

std::vector<uint8_t> SyntheticInputs(uint64_t seed, int count) {
  std::vector<uint8_t> inputs;
  for (const auto& image : SyntheticImages(seed, count)) {
    const auto pixels = ToPixels(image);
    inputs.insert(inputs.end(), pixels.begin(), pixels.end());
  }
  return inputs;
}

class StreamingBackend : public ::testing::TestWithParam<dnz_backend> {};

TEST_P(StreamingBackend, SeedModelGivesTheWholePlansBytesUnderEveryBudget) {
  const std::vector<uint8_t> inputs = SyntheticInputs(21, 3);
  for (const char* weights : {"int8", "int4", "mixed"}) {
    SCOPED_TRACE(weights);
    // A float backend runs the float copy, which the formats share: one model is enough.
    if (!InfoOf(GetParam()).int8 && std::string(weights) != "int8") continue;
    const AlignedBuffer bytes = AlignedCopy(RandomSeedModelBytes(3, true, weights));
    ForEachKernelVariant(GetParam(), [&](const char* variant) {
      SCOPED_TRACE(variant);
      const size_t kib = GetParam() == DNZ_BACKEND_FLOAT ? 4096 : 1024;  // float: 4-byte elements
      ExpectEveryBudgetGivesTheSameBytes(bytes, GetParam(), inputs, 3,
                                         {16 * kib, 20 * kib, 24 * kib, 32 * kib, 40 * kib});
    });
  }
}

TEST_P(StreamingBackend, BudgetBelowTheSmallestPlanIsRefusedNamingIt) {
  const AlignedBuffer bytes = AlignedCopy(RandomSeedModelBytes(3));
  size_t fastest = 0;
  const size_t smallest = Smallest(bytes, GetParam(), &fastest);
  const Budgeted refused =
      RunUnderBudget(bytes, GetParam(), smallest - 1, SyntheticInputs(1, 1), 1);
  EXPECT_EQ(refused.status, DNZ_ERR_ARENA);
  EXPECT_NE(refused.error.find(std::to_string(smallest)), std::string::npos) << refused.error;
  EXPECT_NE(refused.error.find(std::to_string(fastest)), std::string::npos) << refused.error;
}

TEST_P(StreamingBackend, OddShapeModelsGiveTheWholePlansBytesUnderEveryBudget) {
  std::string error;
  const auto cases = firmware::MakeKernelCases(&error);
  ASSERT_FALSE(cases.empty()) << error;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    if (GetParam() == DNZ_BACKEND_FLOAT) continue;  // the cases have no float weights
    std::vector<uint8_t> inputs;
    for (const auto& input : c.inputs) inputs.insert(inputs.end(), input.begin(), input.end());
    ExpectEveryBudgetGivesTheSameBytes(AlignedCopy(c.model), GetParam(), inputs,
                                       uint32_t(c.inputs.size()), {});
  }
}

INSTANTIATE_TEST_SUITE_P(BuiltIn, StreamingBackend, ::testing::ValuesIn(BuiltInBackendIds(Streams)),
                         BackendParamName);

// The seed model on a microcontroller: the smallest mcu plan (docs/edge.md).
TEST(Streaming, SmallestMcuPlanOfTheSeedModelIsAtMost20KiB) {
  const AlignedBuffer bytes = AlignedCopy(RandomSeedModelBytes(3));
  size_t fastest = 0;
  const size_t smallest = Smallest(bytes, DNZ_BACKEND_MCU, &fastest);
  EXPECT_LE(smallest, 20u * 1024u);
  EXPECT_EQ(fastest, 51264u);  // today's whole-tensor plan, unchanged
  const Budgeted plan = RunUnderBudget(bytes, DNZ_BACKEND_MCU, smallest, SyntheticInputs(2, 1), 1);
  EXPECT_NE(plan.plan.find("streamed"), std::string::npos) << plan.plan;
  std::printf("smallest mcu plan: %s\n", plan.plan.c_str());
}

// Backends that keep whole tensors refuse a budget below their plan and say why.
TEST(Streaming, WholeTensorBackendsRefuseABudgetBelowTheirPlan) {
  const AlignedBuffer bytes = AlignedCopy(RandomSeedModelBytes(3));
  for (const dnz_backend backend : BuiltInBackendIds()) {
    if (InfoOf(backend).streams) continue;
    size_t smallest = 0, fastest = 0;
    dnz_model model;
    ASSERT_EQ(dnz_model_load(&model, bytes.data(), bytes.size()), DNZ_OK);
    ASSERT_EQ(dnz_model_arena_bytes(&model, backend, &smallest, &fastest), DNZ_OK);
    EXPECT_EQ(smallest, fastest);
    const Budgeted refused = RunUnderBudget(bytes, backend, fastest - 1, SyntheticInputs(1, 1), 1);
    EXPECT_EQ(refused.status, DNZ_ERR_ARENA);
    EXPECT_NE(refused.error.find("whole tensors"), std::string::npos) << refused.error;
    EXPECT_EQ(RunUnderBudget(bytes, backend, fastest, SyntheticInputs(1, 1), 1).status, DNZ_OK);
  }
}

// Random small chains: shapes, kernels, paddings, fused pools and upsamples, budgets. Breaking
// the ring indexing (rows.h) or the ring sizes (stream_planner.cc) fails this test.
build::FloatNetwork RandomChain(std::mt19937& rng) {
  build::FloatNetwork net;
  int h = 3 + int(rng() % 14), w = 3 + int(rng() % 10), c = 1 + int(rng() % 6);
  net.input_height = h;
  net.input_width = w;
  net.input_channels = c;
  const int convs = 2 + int(rng() % 4);
  for (int k = 0; k < convs; ++k) {
    const int kernel = 1 + int(rng() % 5);
    const bool upsample = rng() % 4 == 0 && h <= 16;
    const int vh = upsample ? 2 * h : h, vw = upsample ? 2 * w : w;
    const bool same = rng() % 3 != 0 || vh < kernel + 1 || vw < kernel + 1;
    int oh = same ? vh : vh - kernel + 1, ow = same ? vw : vw - kernel + 1;
    const bool pool = rng() % 4 == 0 && oh >= 2 && ow >= 2;
    if (pool) oh = (oh + 1) / 2, ow = (ow + 1) / 2;
    const int out_c = 1 + int(rng() % 7);
    const auto activation =
        k + 1 == convs && rng() % 2 == 0 ? build::Activation::kSigmoid : build::Activation::kRelu;
    build::FloatConv conv = build::ZeroConv(kernel, c, out_c, same, activation, upsample, pool);
    std::uniform_real_distribution<float> weight(-0.5f, 0.5f), bias(-0.1f, 0.1f);
    for (float& value : conv.weights) value = weight(rng);
    for (float& value : conv.bias) value = bias(rng);
    net.convs.push_back(conv);
    h = oh, w = ow, c = out_c;
  }
  return net;
}

// A model whose rings would hold whole tensors (5x5 'same' convs on 4 rows: a one-row band
// already reads every row) has no streamed plan: its smallest plan is its whole one, and a
// budget below it is refused naming that size.
TEST(Streaming, TensorsWhoseRingWouldBeWholeStayWhole) {
  build::FloatNetwork net;
  net.input_height = 4;
  net.input_width = 9;
  net.input_channels = 3;
  for (int k = 0; k < 3; ++k) {
    build::FloatConv conv =
        build::ZeroConv(5, k == 0 ? 3 : 6, 6, true, build::Activation::kRelu, false, false);
    for (size_t i = 0; i < conv.weights.size(); ++i) conv.weights[i] = float(i % 7) * 0.01f - 0.03f;
    net.convs.push_back(conv);
  }
  std::string error;
  const auto model = build::BuildModel(net, {std::vector<float>(4 * 9 * 3, 0.5f)},
                                       build::Provenance{}, build::BuildOptions{}, &error);
  ASSERT_FALSE(model.empty()) << error;
  const AlignedBuffer bytes = AlignedCopy(model);
  for (const dnz_backend backend : BuiltInBackendIds(Streams)) {
    size_t fastest = 0;
    const size_t smallest = Smallest(bytes, backend, &fastest);
    EXPECT_EQ(smallest, fastest) << dnz_backend_name(backend);
    const Budgeted refused =
        RunUnderBudget(bytes, backend, fastest - 1, std::vector<uint8_t>(4 * 9 * 3, 9), 1);
    EXPECT_EQ(refused.status, DNZ_ERR_ARENA);
    EXPECT_NE(refused.error.find("smallest needs " + std::to_string(fastest)), std::string::npos)
        << refused.error;
  }
}

TEST(Streaming, RandomChainsGiveTheWholePlansBytesUnderRandomBudgets) {
  std::mt19937 rng(20261207);
  int streamed_plans = 0;
  for (int trial = 0; trial < 60; ++trial) {
    const build::FloatNetwork net = RandomChain(rng);
    const size_t pixels =
        size_t(net.input_height) * size_t(net.input_width) * size_t(net.input_channels);
    std::vector<std::vector<float>> calibration(4, std::vector<float>(pixels));
    for (auto& image : calibration) {
      for (float& v : image) v = float(rng() % 256) / 255.0f;
    }
    std::string error;
    const auto model =
        build::BuildModel(net, calibration, build::Provenance{}, build::BuildOptions{}, &error);
    ASSERT_FALSE(model.empty()) << error;
    const AlignedBuffer bytes = AlignedCopy(model);
    std::vector<uint8_t> inputs(pixels * 2);
    for (uint8_t& p : inputs) p = uint8_t(rng() & 255);
    for (const dnz_backend backend : BuiltInBackendIds(Streams)) {
      SCOPED_TRACE(std::string(dnz_backend_name(backend)) + ", chain " + std::to_string(trial));
      size_t fastest = 0;
      const size_t smallest = Smallest(bytes, backend, &fastest);
      if (smallest < fastest) ++streamed_plans;
      const size_t budget = smallest + rng() % (fastest - smallest + 1);
      const Budgeted whole = RunUnderBudget(bytes, backend, 0, inputs, 2);
      const Budgeted streamed = RunUnderBudget(bytes, backend, budget, inputs, 2);
      ASSERT_EQ(streamed.status, DNZ_OK) << streamed.error;
      EXPECT_LE(streamed.arena_bytes, budget);
      EXPECT_EQ(streamed.output, whole.output) << streamed.plan;
      const Budgeted tightest = RunUnderBudget(bytes, backend, smallest, inputs, 2);
      EXPECT_EQ(tightest.output, whole.output) << tightest.plan;
    }
  }
  EXPECT_GT(streamed_plans, 60);  // most chains have a streamed plan smaller than the whole one
}

}  // namespace
}  // namespace dnz::test
