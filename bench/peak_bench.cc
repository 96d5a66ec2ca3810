// Measures this machine's arithmetic peak, so that docs/benchmarks.md can say what share of it our
// kernels reach without assuming a clock rate or a number of execution pipes.
//   peak_bench [--seconds S] [--threads N]
// Each kernel is a loop of independent multiply-add instructions on registers only, run on every
// hardware thread at once (one std::thread each) and then on one thread. A measurement lasts about
// S seconds (default 0.5); the best of 3 counts. Every kernel is compiled for its own ISA with
// __attribute__((target)) and picked at run time with __builtin_cpu_supports, so this file builds
// with the project's default flags and runs on any x86-64; a kernel the CPU lacks reports null.
// stdout: one JSON object (scripts/run_benchmarks.sh saves it as bench/results/peak.json);
// stderr: a one-line summary.
//
// Counting: vpdpbusd zmm = 64 int8 multiply-adds (16 lanes x 4), ymm = 32; vpmaddubsw+vpmaddwd ymm
// = 32; vfmadd231ps zmm = 32 FLOP (16 lanes x 2), ymm = 16; vdpbf16ps zmm = 64 FLOP (16 lanes x 2
// products x 2).
#include <cpuid.h>
#include <immintrin.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

// Instructions between two looks at the stop flag: 12 x 4096 instructions take ~25 us.
constexpr uint64_t kBlock = 4096;
constexpr int kRuns = 3;

// Keeps a kernel's final accumulators alive so that the compiler cannot drop the loop. Lane 0 is
// read with a vector subscript (GCC/Clang): GCC 12 warns about _mm512_reduce_* and casts here.
std::atomic<uint64_t> g_sink{0};

// ---------------------------------------------------------------------------------------------
// Kernels. Each returns how many multiply-add instructions it issued before `stop` was set. The
// empty asm statement with "+v" operands tells the compiler the registers may have changed, so it
// keeps them in registers and cannot fold, hoist or merge the instructions; it emits no code.
// 12 independent accumulators cover a 4-5 cycle latency on two pipes.
// ---------------------------------------------------------------------------------------------

__attribute__((target("avx512f,avx512vnni"))) uint64_t Int8Vnni512(const std::atomic<bool>& stop) {
  __m512i a = _mm512_set1_epi8(1), b = _mm512_set1_epi8(2);
  __m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m512i c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm512_dpbusd_epi32(c0, a, b);
      c1 = _mm512_dpbusd_epi32(c1, a, b);
      c2 = _mm512_dpbusd_epi32(c2, a, b);
      c3 = _mm512_dpbusd_epi32(c3, a, b);
      c4 = _mm512_dpbusd_epi32(c4, a, b);
      c5 = _mm512_dpbusd_epi32(c5, a, b);
      c6 = _mm512_dpbusd_epi32(c6, a, b);
      c7 = _mm512_dpbusd_epi32(c7, a, b);
      c8 = _mm512_dpbusd_epi32(c8, a, b);
      c9 = _mm512_dpbusd_epi32(c9, a, b);
      c10 = _mm512_dpbusd_epi32(c10, a, b);
      c11 = _mm512_dpbusd_epi32(c11, a, b);
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(a), "+v"(b));
    }
    ++blocks;
  }
  __m512i sum = _mm512_add_epi32(_mm512_add_epi32(_mm512_add_epi32(c0, c1), c2),
                                 _mm512_add_epi32(_mm512_add_epi32(c3, c4), c5));
  sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_add_epi32(c6, c7), c8));
  sum = _mm512_add_epi32(sum, _mm512_add_epi32(_mm512_add_epi32(c9, c10), c11));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 12;
}

__attribute__((target("avx2,avxvnni"))) uint64_t Int8AvxVnni256(const std::atomic<bool>& stop) {
  __m256i a = _mm256_set1_epi8(1), b = _mm256_set1_epi8(2);
  __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m256i c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm256_dpbusd_avx_epi32(c0, a, b);
      c1 = _mm256_dpbusd_avx_epi32(c1, a, b);
      c2 = _mm256_dpbusd_avx_epi32(c2, a, b);
      c3 = _mm256_dpbusd_avx_epi32(c3, a, b);
      c4 = _mm256_dpbusd_avx_epi32(c4, a, b);
      c5 = _mm256_dpbusd_avx_epi32(c5, a, b);
      c6 = _mm256_dpbusd_avx_epi32(c6, a, b);
      c7 = _mm256_dpbusd_avx_epi32(c7, a, b);
      c8 = _mm256_dpbusd_avx_epi32(c8, a, b);
      c9 = _mm256_dpbusd_avx_epi32(c9, a, b);
      c10 = _mm256_dpbusd_avx_epi32(c10, a, b);
      c11 = _mm256_dpbusd_avx_epi32(c11, a, b);
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(a), "+v"(b));
    }
    ++blocks;
  }
  __m256i sum = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(c0, c1), c2),
                                 _mm256_add_epi32(_mm256_add_epi32(c3, c4), c5));
  sum = _mm256_add_epi32(sum, _mm256_add_epi32(_mm256_add_epi32(c6, c7), c8));
  sum = _mm256_add_epi32(sum, _mm256_add_epi32(_mm256_add_epi32(c9, c10), c11));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 12;
}

// Int8 without VNNI, as oneDNN does it on AVX2: u8 x s8 pairs to s16 (vpmaddubsw), pairs of s16 to
// s32 (vpmaddwd with ones), then add. One step = 32 multiply-adds in three instructions. 8
// accumulators leave room in the 16 ymm registers; the add's 1-cycle latency needs no more. `a`
// is made opaque after every step, or the compiler would compute vpmaddubsw(a, b) only once.
__attribute__((target("avx2"))) uint64_t Int8Avx2(const std::atomic<bool>& stop) {
  __m256i a = _mm256_set1_epi8(1), b = _mm256_set1_epi8(2), ones = _mm256_set1_epi16(1);
  __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0,
          c7 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm256_add_epi32(c0, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c1 = _mm256_add_epi32(c1, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c2 = _mm256_add_epi32(c2, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c3 = _mm256_add_epi32(c3, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c4 = _mm256_add_epi32(c4, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c5 = _mm256_add_epi32(c5, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c6 = _mm256_add_epi32(c6, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile("" : "+v"(a));
      c7 = _mm256_add_epi32(c7, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(a), "+v"(b), "+v"(ones));
    }
    ++blocks;
  }
  __m256i sum = _mm256_add_epi32(_mm256_add_epi32(_mm256_add_epi32(c0, c1), c2),
                                 _mm256_add_epi32(_mm256_add_epi32(c3, c4), c5));
  sum = _mm256_add_epi32(sum, _mm256_add_epi32(c6, c7));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 8;  // counted in vpmaddubsw+vpmaddwd steps
}

// a * b is small and positive, so the accumulators grow slowly and never reach inf or denormals.
__attribute__((target("avx512f"))) uint64_t F32Fma512(const std::atomic<bool>& stop) {
  __m512 a = _mm512_set1_ps(1e-3f), b = _mm512_set1_ps(1e-3f);
  __m512 c0 = _mm512_set1_ps(1.0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m512 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm512_fmadd_ps(a, b, c0);
      c1 = _mm512_fmadd_ps(a, b, c1);
      c2 = _mm512_fmadd_ps(a, b, c2);
      c3 = _mm512_fmadd_ps(a, b, c3);
      c4 = _mm512_fmadd_ps(a, b, c4);
      c5 = _mm512_fmadd_ps(a, b, c5);
      c6 = _mm512_fmadd_ps(a, b, c6);
      c7 = _mm512_fmadd_ps(a, b, c7);
      c8 = _mm512_fmadd_ps(a, b, c8);
      c9 = _mm512_fmadd_ps(a, b, c9);
      c10 = _mm512_fmadd_ps(a, b, c10);
      c11 = _mm512_fmadd_ps(a, b, c11);
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(a), "+v"(b));
    }
    ++blocks;
  }
  __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), c2),
                             _mm512_add_ps(_mm512_add_ps(c3, c4), c5));
  sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c6, c7), c8));
  sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c9, c10), c11));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 12;
}

__attribute__((target("avx2,fma"))) uint64_t F32Fma256(const std::atomic<bool>& stop) {
  __m256 a = _mm256_set1_ps(1e-3f), b = _mm256_set1_ps(1e-3f);
  __m256 c0 = _mm256_set1_ps(1.0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m256 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm256_fmadd_ps(a, b, c0);
      c1 = _mm256_fmadd_ps(a, b, c1);
      c2 = _mm256_fmadd_ps(a, b, c2);
      c3 = _mm256_fmadd_ps(a, b, c3);
      c4 = _mm256_fmadd_ps(a, b, c4);
      c5 = _mm256_fmadd_ps(a, b, c5);
      c6 = _mm256_fmadd_ps(a, b, c6);
      c7 = _mm256_fmadd_ps(a, b, c7);
      c8 = _mm256_fmadd_ps(a, b, c8);
      c9 = _mm256_fmadd_ps(a, b, c9);
      c10 = _mm256_fmadd_ps(a, b, c10);
      c11 = _mm256_fmadd_ps(a, b, c11);
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(a), "+v"(b));
    }
    ++blocks;
  }
  __m256 sum = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), c2),
                             _mm256_add_ps(_mm256_add_ps(c3, c4), c5));
  sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(c6, c7), c8));
  sum = _mm256_add_ps(sum, _mm256_add_ps(_mm256_add_ps(c9, c10), c11));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 12;
}

__attribute__((target("avx512f,avx512bf16"))) uint64_t Bf16Dot512(const std::atomic<bool>& stop) {
  const __m512 small = _mm512_set1_ps(1e-3f);
  __m512bh a = _mm512_cvtne2ps_pbh(small, small), b = a;
  __m512 c0 = _mm512_set1_ps(1.0f), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0;
  __m512 c6 = c0, c7 = c0, c8 = c0, c9 = c0, c10 = c0, c11 = c0;
  uint64_t blocks = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    for (uint64_t i = 0; i < kBlock; ++i) {
      c0 = _mm512_dpbf16_ps(c0, a, b);
      c1 = _mm512_dpbf16_ps(c1, a, b);
      c2 = _mm512_dpbf16_ps(c2, a, b);
      c3 = _mm512_dpbf16_ps(c3, a, b);
      c4 = _mm512_dpbf16_ps(c4, a, b);
      c5 = _mm512_dpbf16_ps(c5, a, b);
      c6 = _mm512_dpbf16_ps(c6, a, b);
      c7 = _mm512_dpbf16_ps(c7, a, b);
      c8 = _mm512_dpbf16_ps(c8, a, b);
      c9 = _mm512_dpbf16_ps(c9, a, b);
      c10 = _mm512_dpbf16_ps(c10, a, b);
      c11 = _mm512_dpbf16_ps(c11, a, b);
      asm volatile(""
                   : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7),
                     "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(a), "+v"(b));
    }
    ++blocks;
  }
  __m512 sum = _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(c0, c1), c2),
                             _mm512_add_ps(_mm512_add_ps(c3, c4), c5));
  sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c6, c7), c8));
  sum = _mm512_add_ps(sum, _mm512_add_ps(_mm512_add_ps(c9, c10), c11));
  g_sink += static_cast<uint64_t>(sum[0]);
  return blocks * kBlock * 12;
}

// ---------------------------------------------------------------------------------------------
// The table of kernels, in the order they are measured and printed.
// ---------------------------------------------------------------------------------------------

struct Kernel {
  const char* key;      // JSON key; the unit is in its name
  const char* label;    // for the summary on stderr
  double ops_per_step;  // multiply-adds (int8) or FLOP (f32, bf16) per counted step
  bool (*supported)();  // may this CPU run it?
  uint64_t (*run)(const std::atomic<bool>& stop);  // returns steps issued until stop
};

bool HasAvx512Vnni() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vnni");
}
// AVX-VNNI is CPUID leaf 7, subleaf 1, EAX bit 4: asked directly, since Clang before 16 has no
// "avxvnni" for __builtin_cpu_supports.
bool HasAvxVnni() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  if (!__builtin_cpu_supports("avx2") || !__get_cpuid_count(7, 1, &eax, &ebx, &ecx, &edx))
    return false;
  return (eax >> 4) & 1u;
}
bool HasAvx2() { return __builtin_cpu_supports("avx2"); }
bool HasAvx512() { return __builtin_cpu_supports("avx512f"); }
bool HasFma() { return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"); }
bool HasAvx512Bf16() {
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bf16");
}

const Kernel kKernels[] = {
    {"int8_vnni_gmacs", "int8 VNNI zmm", 64, HasAvx512Vnni, Int8Vnni512},
    {"int8_avxvnni_gmacs", "int8 AVX-VNNI ymm", 32, HasAvxVnni, Int8AvxVnni256},
    {"int8_avx2_gmacs", "int8 AVX2 ymm", 32, HasAvx2, Int8Avx2},
    {"f32_fma_gflops", "f32 FMA zmm", 32, HasAvx512, F32Fma512},
    {"f32_avx2_fma_gflops", "f32 FMA ymm", 16, HasFma, F32Fma256},
    {"bf16_dot_gflops", "bf16 dot zmm", 64, HasAvx512Bf16, Bf16Dot512},
};

// ---------------------------------------------------------------------------------------------
// Measurement
// ---------------------------------------------------------------------------------------------

// Giga-operations per second of one kernel on `threads` threads for about `seconds`: each thread
// times its own loop, and their rates add up.
double MeasureOnce(const Kernel& kernel, int threads, double seconds) {
  using Clock = std::chrono::steady_clock;
  std::atomic<bool> go{false}, stop{false};
  std::vector<double> rates(static_cast<size_t>(threads), 0.0);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      const Clock::time_point start = Clock::now();
      const uint64_t steps = kernel.run(stop);
      const std::chrono::duration<double> elapsed = Clock::now() - start;
      rates[static_cast<size_t>(t)] =
          static_cast<double>(steps) * kernel.ops_per_step / elapsed.count() / 1e9;
    });
  }
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true, std::memory_order_relaxed);
  for (std::thread& w : workers) w.join();
  double total = 0;
  for (double r : rates) total += r;
  return total;
}

double MeasureBest(const Kernel& kernel, int threads, double seconds) {
  double best = 0;
  for (int run = 0; run < kRuns; ++run)
    best = std::max(best, MeasureOnce(kernel, threads, seconds));
  return best;
}

// The CPUs this process may run on (a container may allow fewer than the machine has).
int UsableCpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0) return CPU_COUNT(&set);
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
}

std::string CpuName() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    const size_t colon = line.find(':');
    std::string name = colon == std::string::npos ? "" : line.substr(colon + 1);
    name.erase(0, name.find_first_not_of(" \t"));
    std::string escaped;  // JSON string: drop what would need escaping
    for (char ch : name)
      if (ch != '"' && ch != '\\' && static_cast<unsigned char>(ch) >= 0x20) escaped += ch;
    return escaped;
  }
  return "unknown";
}

void Usage() {
  std::fprintf(stderr, "usage: peak_bench [--seconds S] [--threads N]\n");
  std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 0.5;
  int threads = UsableCpus();
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      Usage();
    }
  }
  if (!(seconds > 0) || threads < 1) Usage();
  __builtin_cpu_init();

  std::string all = "", one = "", summary = "";
  for (const Kernel& kernel : kKernels) {
    std::string value_all = "null", value_one = "null";
    if (kernel.supported()) {
      const double rate_all = MeasureBest(kernel, threads, seconds);
      const double rate_one = threads == 1 ? rate_all : MeasureBest(kernel, 1, seconds);
      char text[64];
      std::snprintf(text, sizeof(text), "%.1f", rate_all);
      value_all = text;
      std::snprintf(text, sizeof(text), "%.1f", rate_one);
      value_one = text;
      std::snprintf(text, sizeof(text), "%s%s %.0f", summary.empty() ? "" : ", ", kernel.label,
                    rate_all);
      summary += text;
    }
    all += std::string(",\"") + kernel.key + "\":" + value_all;
    one += std::string(one.empty() ? "\"" : ",\"") + kernel.key + "\":" + value_one;
  }
  std::printf(
      "{\"cpu\":\"%s\",\"threads\":%d,\"seconds_per_run\":%g,\"runs\":%d%s,\"one_thread\":{%s}}\n",
      CpuName().c_str(), threads, seconds, kRuns, all.c_str(), one.c_str());
  std::fprintf(stderr, "peak_bench: %d threads: %s (int8 in GMAC/s, f32 and bf16 in GFLOP/s)\n",
               threads, summary.c_str());
  return 0;
}
