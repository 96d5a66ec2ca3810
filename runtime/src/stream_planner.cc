#include "stream_planner.h"

#include <cstdint>

#include "error_message.h"
#include "memory_planner.h"
#include "rows.h"

namespace dnz {
namespace {

constexpr uint32_t kMaxCandidates = 10;  // streamable tensors searched (2^10 sets at most)
// Layouts the band growth may try in all (each a placement of the arena): bounds the time
// session init spends on a model of many convs. Every set that fits has its one-row plan
// tried first, so the bound never turns a budget that fits into a refusal.
constexpr uint32_t kMaxGrowthLayouts = 4096;

struct Choice {
  uint32_t streamed = 0;           // bit k: candidate tensor k is a ring
  int32_t band[DNZ_MAX_OPS] = {};  // output rows per step; 0: all at once
};

struct Search {
  dnz_session* session;
  const StreamCosts& costs;
  uint32_t candidates[kMaxCandidates];  // tensor indices
  uint32_t count = 0;
  uint32_t growth_layouts_left = kMaxGrowthLayouts;
};

int32_t OutputHeight(const dnz_model& model, uint32_t op) { return model.tensors[op + 1].height; }

// Tensors between two convs, largest first (ties: lower index), at most kMaxCandidates.
void FindCandidates(Search* search) {
  const dnz_model& model = *search->session->model;
  for (uint32_t t = 1; t < model.num_ops; ++t) {
    if (model.ops[t - 1].kind != DNZ_OP_CONV || model.ops[t].kind != DNZ_OP_CONV) continue;
    const size_t bytes = TensorImageBytes(model, t, 1);
    uint32_t k = search->count < kMaxCandidates ? search->count++ : kMaxCandidates;
    for (; k > 0 && TensorImageBytes(model, search->candidates[k - 1], 1) < bytes; --k) {
      if (k < kMaxCandidates) search->candidates[k] = search->candidates[k - 1];
    }
    if (k < kMaxCandidates) search->candidates[k] = t;
  }
}

// Ring rows of streamed tensor t: the most rows a band of its reader needs at once, plus the
// rows its writer may run ahead (its band less one). 0 when that is the whole tensor.
uint32_t RingRows(const dnz_model& model, uint32_t t, const Choice& choice) {
  const dnz_op& reader = model.ops[t];
  const int32_t band = choice.band[t], height = OutputHeight(model, t);
  int32_t most = 0;
  for (int32_t y0 = 0; y0 < height; y0 += band) {
    const RowSpan span = InputRowsOf(reader, model.tensors[t], model.tensors[t + 1], y0,
                                     y0 + band < height ? y0 + band : height);
    if (span.last - span.first + 1 > most) most = span.last - span.first + 1;
  }
  const int32_t rows = most + choice.band[t - 1] - 1;
  return rows < model.tensors[t].height ? uint32_t(rows) : 0;
}

uint64_t Cost(const dnz_model& model, const Choice& choice, const StreamCosts& costs) {
  uint64_t cost = 0;
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    if (model.ops[i].kind != DNZ_OP_CONV) continue;
    const int32_t height = OutputHeight(model, i),
                  band = choice.band[i] > 0 ? choice.band[i] : height;
    for (int32_t y0 = 0; y0 < height; y0 += band) {
      cost += costs.band_cost(model, i, y0, y0 + band < height ? y0 + band : height);
    }
  }
  return cost;
}

// Lays the choice out in session->plan; false when a ring would hold its whole tensor (the
// same plan as streaming one tensor fewer, tried on its own).
bool Lay(const Search& search, const Choice& choice) {
  dnz_session* session = search.session;
  const StreamCosts& costs = search.costs;
  const dnz_model& model = *session->model;
  dnz_plan& plan = session->plan;
  for (uint32_t t = 0; t <= model.num_ops; ++t) plan.ring_rows[t] = 0;
  for (uint32_t i = 0; i < model.num_ops; ++i) plan.band_rows[i] = uint32_t(choice.band[i]);
  for (uint32_t k = 0; k < search.count; ++k) {
    if ((choice.streamed >> k & 1u) == 0) continue;
    const uint32_t t = search.candidates[k];
    plan.ring_rows[t] = RingRows(model, t, choice);
    if (plan.ring_rows[t] == 0) return false;
  }
  PlanActivations(session, costs.element_bytes, 1);
  ScratchPlanner scratch(session);
  for (uint32_t i = 0; i < model.num_ops;) {  // one region per run, shared by its ops
    const uint32_t last = RunLastOp(plan, model.num_ops, i);
    size_t bytes = 0;
    for (uint32_t j = i; j <= last; ++j) {
      if (model.ops[j].kind != DNZ_OP_CONV) continue;
      const size_t op_bytes = costs.scratch_bytes(model, j);
      bytes = op_bytes > bytes ? op_bytes : bytes;
    }
    scratch.Request(i, bytes, i, last);
    for (uint32_t j = i + 1; j <= last; ++j) plan.scratch_offset[j] = plan.scratch_offset[i];
    i = last + 1;
  }
  plan.cost = Cost(model, choice, costs);
  return true;
}

// Every op next to a streamed tensor gets `rows`-row bands; the rest run whole.
Choice WithBands(const Search& search, uint32_t streamed, int32_t rows) {
  Choice choice;
  choice.streamed = streamed;
  for (uint32_t k = 0; k < search.count; ++k) {
    if ((streamed >> k & 1u) == 0) continue;
    choice.band[search.candidates[k] - 1] = rows;
    choice.band[search.candidates[k]] = rows;
  }
  return choice;
}

// Better: less work, then less memory.
bool Better(uint64_t cost, size_t bytes, uint64_t best_cost, size_t best_bytes) {
  return cost < best_cost || (cost == best_cost && bytes < best_bytes);
}

// The next band height of op i above `band` (doubling, then the whole height) that costs less
// work, or 0 when none does. Work only: no layout.
int32_t NextCheaperBand(const Search& search, const Choice& choice, uint32_t i) {
  const dnz_model& model = *search.session->model;
  const int32_t height = OutputHeight(model, i);
  Choice trial = choice;
  const uint64_t cost = Cost(model, choice, search.costs);
  for (int32_t band = choice.band[i]; band < height;) {
    band = 2 * band < height ? 2 * band : height;
    trial.band[i] = band;
    if (Cost(model, trial, search.costs) < cost) return band;
  }
  return 0;
}

// Raises band heights of `choice` while the arena stays within `budget` (and the search has
// layouts left): each step takes, of every op's next cheaper height, the one that saves the
// most work per byte it adds. Leaves the plan of the result laid out.
void GrowBands(Search& search, Choice* choice, size_t budget) {
  const dnz_model& model = *search.session->model;
  const dnz_plan& plan = search.session->plan;
  for (;;) {
    const uint64_t cost = plan.cost;
    const size_t bytes = plan.arena_bytes;
    int32_t best_op = -1, best_band = 0;
    uint64_t best_gain = 0, best_added = 1;
    for (uint32_t i = 0; i < model.num_ops && search.growth_layouts_left > 0; ++i) {
      if (choice->band[i] == 0) continue;
      const int32_t band = choice->band[i], next = NextCheaperBand(search, *choice, i);
      if (next == 0) continue;
      --search.growth_layouts_left;
      choice->band[i] = next;
      if (Lay(search, *choice) && plan.arena_bytes <= budget) {
        const uint64_t gain = cost - plan.cost;
        const uint64_t added = plan.arena_bytes > bytes ? plan.arena_bytes - bytes : 1;
        if (gain * best_added > best_gain * added) {  // gain / added, the larger
          best_gain = gain, best_added = added, best_op = int32_t(i), best_band = next;
        }
      }
      choice->band[i] = band;
    }
    if (best_op >= 0) choice->band[best_op] = best_band;
    Lay(search, *choice);
    if (best_op < 0) return;
  }
}

}  // namespace

dnz_status PlanForBudget(dnz_session* session, const StreamCosts& costs) {
  Search search{session, costs, {}, 0};
  FindCandidates(&search);
  Lay(search, Choice{});
  const size_t budget = session->max_arena_bytes;
  if (budget == 0 || session->plan.arena_bytes <= budget) return DNZ_OK;
  const size_t fastest = session->plan.arena_bytes;
  // One-row bands first: which sets of streamed tensors fit at all (their smallest arenas).
  uint32_t fits[(1u << kMaxCandidates) / 32] = {};
  bool found = false;
  for (uint32_t streamed = 1; streamed < (1u << search.count); ++streamed) {
    if (Lay(search, WithBands(search, streamed, 1)) && session->plan.arena_bytes <= budget) {
      fits[streamed / 32] |= 1u << (streamed % 32);
      found = true;
    }
  }
  // Then each of those with its bands grown, the least work kept.
  Choice best;
  uint64_t best_cost = 0;
  size_t best_bytes = 0;
  bool have_best = false;
  for (uint32_t streamed = 1; found && streamed < (1u << search.count); ++streamed) {
    if ((fits[streamed / 32] >> (streamed % 32) & 1u) == 0) continue;
    Choice choice = WithBands(search, streamed, 1);
    Lay(search, choice);
    GrowBands(search, &choice, budget);
    if (!have_best ||
        Better(session->plan.cost, session->plan.arena_bytes, best_cost, best_bytes)) {
      have_best = true;
      best = choice;
      best_cost = session->plan.cost;
      best_bytes = session->plan.arena_bytes;
    }
  }
  if (found) {
    Lay(search, best);
    return DNZ_OK;
  }
  const size_t smallest = PlanSmallest(session, costs);
  return DNZ_FAIL(session, DNZ_ERR_ARENA,
                  "no plan fits an arena of %zu bytes: the smallest needs %zu, the fastest %zu",
                  budget, smallest, fastest);
}

size_t PlanSmallest(dnz_session* session, const StreamCosts& costs) {
  Search search{session, costs, {}, 0};
  FindCandidates(&search);
  Lay(search, Choice{});
  Choice best;
  uint64_t best_cost = session->plan.cost;
  size_t best_bytes = session->plan.arena_bytes;
  for (uint32_t streamed = 1; streamed < (1u << search.count); ++streamed) {
    const Choice choice = WithBands(search, streamed, 1);
    if (!Lay(search, choice)) continue;
    const dnz_plan& plan = session->plan;
    if (plan.arena_bytes < best_bytes ||
        (plan.arena_bytes == best_bytes && plan.cost < best_cost)) {
      best = choice;
      best_cost = plan.cost;
      best_bytes = plan.arena_bytes;
    }
  }
  Lay(search, best);
  return session->plan.arena_bytes;
}

}  // namespace dnz
