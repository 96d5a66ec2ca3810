#include "isa.h"

#include <atomic>

namespace dnz::x86 {
namespace {

Isa BestOfCpu() {
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  if (avx512 && __builtin_cpu_supports("avx512vnni")) return Isa::kAvx512Vnni;
  if (avx512) return Isa::kAvx512;
  if (__builtin_cpu_supports("avx2")) return Isa::kAvx2;
  return Isa::kBaseline;
}

const Isa kCpuBest = BestOfCpu();
std::atomic<int> g_limit{int(Isa::kAvx512Vnni)};

}  // namespace

const char* IsaName(Isa isa) {
  switch (isa) {
    case Isa::kAvx2:
      return "avx2";
    case Isa::kAvx512:
      return "avx512";
    case Isa::kAvx512Vnni:
      return "avx512_vnni";
    default:
      return "baseline";
  }
}

bool CpuSupports(Isa isa) { return int(isa) <= int(kCpuBest); }

Isa ActiveIsa() {
  const int limit = g_limit.load(std::memory_order_relaxed);
  return limit < int(kCpuBest) ? Isa(limit) : kCpuBest;
}

void SetIsaLimit(Isa limit) { g_limit.store(int(limit), std::memory_order_relaxed); }

}  // namespace dnz::x86
