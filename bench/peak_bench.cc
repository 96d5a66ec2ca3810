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

// Keeps a kernel's final accumulators alive (the sum of their lanes 0) so that the compiler cannot
// drop the loop. Lane 0 is read with a vector subscript (GCC/Clang): GCC 12 warns about
// _mm512_reduce_* and casts here.
std::atomic<uint64_t> g_sink{0};

// ---------------------------------------------------------------------------------------------
// The loop, written once. A kernel runs `step` on each of its independent accumulators c0, c1, ...
// (12 cover a 4-5 cycle latency on two pipes) until `stop` is set, and returns how many steps it
// issued. Each step is one multiply-add instruction (three for int8 AVX2, see the table).
// After every step, an empty asm statement with the accumulator and the inputs as "+v" operands
// tells the compiler the registers may have changed, so it keeps them in registers and cannot fold,
// hoist or merge the instructions, and no two steps can share work (the int8 AVX2 kernel would
// otherwise compute vpmaddubsw(a, b) only once); it emits no code.
// The loop is a macro because it must be compiled inside each kernel's __attribute__((target)):
// GCC does not inline an intrinsic into a template or lambda compiled for the default ISA, and
// Clang rejects a zmm/ymm "+v" operand there.
// ---------------------------------------------------------------------------------------------

// clang-format off
// PEAK_ACCS_n(X, ...) expands X(i, ...) for each accumulator c<i>, i < n.
#define PEAK_ACCS_8(X, ...)                                                     \
  X(0, __VA_ARGS__) X(1, __VA_ARGS__) X(2, __VA_ARGS__) X(3, __VA_ARGS__)       \
  X(4, __VA_ARGS__) X(5, __VA_ARGS__) X(6, __VA_ARGS__) X(7, __VA_ARGS__)
#define PEAK_ACCS_12(X, ...)                                                    \
  PEAK_ACCS_8(X, __VA_ARGS__)                                                   \
  X(8, __VA_ARGS__) X(9, __VA_ARGS__) X(10, __VA_ARGS__) X(11, __VA_ARGS__)
// PEAK_RW(x, y[, z]): the asm operands "+v"(x), "+v"(y)[, "+v"(z)].
#define PEAK_RW(...) PEAK_RW_PICK(__VA_ARGS__, PEAK_RW_3, PEAK_RW_2, )(__VA_ARGS__)
#define PEAK_RW_PICK(x, y, z, pick, ...) pick
#define PEAK_RW_2(x, y) "+v"(x), "+v"(y)
#define PEAK_RW_3(x, y, z) "+v"(x), "+v"(y), "+v"(z)
#define PEAK_START(i, start) auto c##i = start;
#define PEAK_STEP(i, step, ...) \
  { const auto c = c##i; c##i = step; } asm volatile("" : "+v"(c##i), PEAK_RW(__VA_ARGS__));
#define PEAK_SINK(i, sum) sum += static_cast<uint64_t>(c##i[0]);
#define PEAK_UNPAREN(...) __VA_ARGS__

// Defines uint64_t Run_<key>(const std::atomic<bool>& stop) from one row of the table below.
#define PEAK_DEFINE(key, label, ops, supported, isa, accs, start, inputs, step, ...)  \
  __attribute__((target(isa))) uint64_t Run_##key(const std::atomic<bool>& stop) {   \
    PEAK_UNPAREN inputs;                                                              \
    PEAK_ACCS_##accs(PEAK_START, start)                                               \
    uint64_t blocks = 0;                                                              \
    while (!stop.load(std::memory_order_relaxed)) {                                   \
      for (uint64_t i = 0; i < kBlock; ++i) {                                         \
        PEAK_ACCS_##accs(PEAK_STEP, step, __VA_ARGS__)                                \
      }                                                                               \
      ++blocks;                                                                       \
    }                                                                                 \
    uint64_t sink = 0;                                                                \
    PEAK_ACCS_##accs(PEAK_SINK, sink)                                                 \
    g_sink += sink;                                                                   \
    return blocks * kBlock * accs;                                                    \
  }
// clang-format on

// ---------------------------------------------------------------------------------------------
// The kernels
// ---------------------------------------------------------------------------------------------

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

// The kernels, one row each, in the order they are measured and printed. A row is
//   X(JSON key (it names the unit), label for the summary on stderr, operations per step,
//     may this CPU run it?, ISA, accumulators, their start value, (the inputs),
//     step: the new value of accumulator c, the inputs to keep opaque)
// Operations per step are int8 multiply-adds or f32/bf16 FLOP, counted as at the top of this file.
// int8 AVX2 is int8 without VNNI, as oneDNN does it on AVX2: u8 x s8 pairs to s16 (vpmaddubsw),
// pairs of s16 to s32 (vpmaddwd with ones), then add. One step = 32 multiply-adds in three
// instructions. 8 accumulators leave room in the 16 ymm registers; the add's 1-cycle latency needs
// no more.
// f32 and bf16: a * b is small and positive, so the accumulators grow slowly and never reach inf
// or denormals.
// clang-format off
#define PEAK_KERNELS(X)                                                                          \
  X(int8_vnni_gmacs, "int8 VNNI zmm", 64, HasAvx512Vnni, "avx512f,avx512vnni", 12,               \
    _mm512_setzero_si512(), (__m512i a = _mm512_set1_epi8(1), b = _mm512_set1_epi8(2)),          \
    _mm512_dpbusd_epi32(c, a, b), a, b)                                                          \
  X(int8_avxvnni_gmacs, "int8 AVX-VNNI ymm", 32, HasAvxVnni, "avx2,avxvnni", 12,                 \
    _mm256_setzero_si256(), (__m256i a = _mm256_set1_epi8(1), b = _mm256_set1_epi8(2)),          \
    _mm256_dpbusd_avx_epi32(c, a, b), a, b)                                                      \
  X(int8_avx2_gmacs, "int8 AVX2 ymm", 32, HasAvx2, "avx2", 8,                                    \
    _mm256_setzero_si256(),                                                                      \
    (__m256i a = _mm256_set1_epi8(1), b = _mm256_set1_epi8(2), ones = _mm256_set1_epi16(1)),     \
    _mm256_add_epi32(c, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones)), a, b, ones)        \
  X(f32_fma_gflops, "f32 FMA zmm", 32, HasAvx512, "avx512f", 12,                                 \
    _mm512_set1_ps(1.0f), (__m512 a = _mm512_set1_ps(1e-3f), b = a),                             \
    _mm512_fmadd_ps(a, b, c), a, b)                                                              \
  X(f32_avx2_fma_gflops, "f32 FMA ymm", 16, HasFma, "avx2,fma", 12,                              \
    _mm256_set1_ps(1.0f), (__m256 a = _mm256_set1_ps(1e-3f), b = a),                             \
    _mm256_fmadd_ps(a, b, c), a, b)                                                              \
  X(bf16_dot_gflops, "bf16 dot zmm", 64, HasAvx512Bf16, "avx512f,avx512bf16", 12,                \
    _mm512_set1_ps(1.0f),                                                                        \
    (__m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f)), b = a),     \
    _mm512_dpbf16_ps(c, a, b), a, b)
// clang-format on

PEAK_KERNELS(PEAK_DEFINE)

struct Kernel {
  const char* key;      // JSON key; the unit is in its name
  const char* label;    // for the summary on stderr
  double ops_per_step;  // multiply-adds (int8) or FLOP (f32, bf16) per counted step
  bool (*supported)();  // may this CPU run it?
  uint64_t (*run)(const std::atomic<bool>& stop);  // returns steps issued until stop
};

#define PEAK_ROW(key, label, ops, supported, ...) {#key, label, ops, supported, Run_##key},
const Kernel kKernels[] = {PEAK_KERNELS(PEAK_ROW)};

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
