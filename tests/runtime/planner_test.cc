// The static memory plan: tensors alive together never overlap, everything fits
// in the reported arena, and the seed model's int8 plan is 48 KiB.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>

#include "memory_planner.h"
#include "test_models.h"

namespace dnz::test {
namespace {

void ExpectValidPlan(const size_t* bytes, const size_t* offsets, uint32_t n, size_t arena) {
  for (uint32_t t = 0; t < n; ++t) {
    EXPECT_LE(offsets[t] + bytes[t], arena) << "tensor " << t << " outside the arena";
    EXPECT_EQ(offsets[t] % DNZ_ARENA_ALIGNMENT, 0u);
    for (uint32_t u = t + 1; u < n; ++u) {
      if (!ChainLifetimesOverlap(t, u)) continue;
      const bool disjoint =
          offsets[t] + bytes[t] <= offsets[u] || offsets[u] + bytes[u] <= offsets[t];
      EXPECT_TRUE(disjoint) << "live tensors " << t << " and " << u << " overlap";
    }
  }
}

TEST(Planner, RandomChainsNeverOverlapLiveTensors) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 2000; ++trial) {
    const uint32_t n = 2 + rng() % DNZ_MAX_OPS;
    size_t bytes[DNZ_MAX_OPS + 1], offsets[DNZ_MAX_OPS + 1];
    size_t peak_pair = 0;
    for (uint32_t t = 0; t < n; ++t) bytes[t] = 1 + rng() % 5000;
    for (uint32_t t = 0; t + 1 < n; ++t) peak_pair = std::max(peak_pair, bytes[t] + bytes[t + 1]);
    const size_t arena = PlanChainArena({n, bytes}, offsets);
    ExpectValidPlan(bytes, offsets, n, arena);
    EXPECT_GE(arena, peak_pair);  // can't beat the two largest neighbours
  }
}

// Scratch regions requested with random sizes and op ranges never overlap a tensor alive
// during their ops, nor another region whose ops meet theirs, and fit in the arena.
TEST(Planner, ScratchRegionsNeverOverlapWhatIsAliveWithThem) {
  Runner runner(RandomSeedModelBytes(3), DNZ_BACKEND_REF);
  ASSERT_EQ(runner.status, DNZ_OK);
  const uint32_t ops = runner.model.num_ops;
  std::mt19937 rng(11);
  for (int trial = 0; trial < 500; ++trial) {
    dnz_session session = runner.session;
    ScratchPlanner planner(&session);
    const uint32_t count = 1 + uint32_t(rng() % 6);
    size_t bytes[6];
    uint32_t first[6], last[6];
    for (uint32_t r = 0; r < count; ++r) {
      bytes[r] = rng() % 3 == 0 ? 0 : 1 + rng() % 40000;
      first[r] = uint32_t(rng() % ops);
      last[r] = first[r] + uint32_t(rng() % (ops - first[r]));
      planner.Request(r, bytes[r], first[r], last[r]);
    }
    const dnz_plan& plan = session.plan;
    for (uint32_t r = 0; r < count; ++r) {
      if (bytes[r] == 0) continue;
      const size_t begin = plan.scratch_offset[r], end = begin + bytes[r];
      EXPECT_EQ(begin % DNZ_ARENA_ALIGNMENT, 0u);
      EXPECT_LE(end, plan.arena_bytes);
      for (uint32_t t = 0; t <= ops; ++t) {
        if (!TensorAliveDuring(plan, ops, t, first[r], last[r])) continue;
        const size_t t_begin = plan.tensor_offset[t], t_end = t_begin + plan.tensor_bytes[t];
        EXPECT_TRUE(end <= t_begin || t_end <= begin) << "region " << r << ", tensor " << t;
      }
      for (uint32_t o = 0; o < r; ++o) {
        if (bytes[o] == 0 || first[o] > last[r] || first[r] > last[o]) continue;
        const size_t o_begin = plan.scratch_offset[o], o_end = o_begin + bytes[o];
        EXPECT_TRUE(end <= o_begin || o_end <= begin) << "regions " << o << " and " << r;
      }
    }
  }
}

TEST(Planner, SeedModelFitsIn48KiB) {
  Runner runner(RandomSeedModelBytes(3), DNZ_BACKEND_REF);
  ASSERT_EQ(runner.status, DNZ_OK);
  const dnz_plan& plan = runner.session.plan;
  // The largest neighbours: 16x16x64 (16 KiB) feeding 32x32x32 (32 KiB).
  EXPECT_EQ(plan.arena_bytes, 48u * 1024u);
  ExpectValidPlan(plan.tensor_bytes, plan.tensor_offset, runner.model.num_ops + 1,
                  plan.arena_bytes);
}

TEST(Planner, FloatPlanIsFourTimesTheInt8Plan) {
  Runner runner(RandomSeedModelBytes(3), DNZ_BACKEND_FLOAT);
  ASSERT_EQ(runner.status, DNZ_OK);
  EXPECT_EQ(runner.session.plan.arena_bytes, 4u * 48u * 1024u);
}

TEST(Planner, ArenaTooSmallOrMisalignedIsRefused) {
  Runner runner(RandomSeedModelBytes(3), DNZ_BACKEND_REF);
  ASSERT_EQ(runner.status, DNZ_OK);
  AlignedBuffer arena(48 * 1024 + 64);
  EXPECT_EQ(dnz_session_set_arena(&runner.session, arena.data(), 48 * 1024 - 1), DNZ_ERR_ARENA);
  EXPECT_EQ(dnz_session_set_arena(&runner.session, arena.data() + 1, 48 * 1024), DNZ_ERR_ARENA);
  EXPECT_EQ(dnz_session_set_arena(&runner.session, arena.data(), 48 * 1024), DNZ_OK);
}

}  // namespace
}  // namespace dnz::test
