// runtime_demo's conversion of a phone photo to a 28x28 digit (issue 11): a 12-megapixel
// (4000x3000) page with a lighting gradient, sensor noise and a digit a third of its height,
// off-centre; and the largest input runtime_demo takes (8192x8192). The conversion is
// single-threaded. Each case also reports the heap allocations one conversion makes (every
// malloc, calloc and realloc in the process is counted; operator new goes through malloc).
//   conversion_bench [google benchmark flags]
#include <benchmark/benchmark.h>

#include <atomic>
#include <cmath>
#include <random>

#include "digit_conversion.h"
#include "image_decode.h"

extern "C" void* __libc_malloc(size_t size);
extern "C" void* __libc_calloc(size_t count, size_t size);
extern "C" void* __libc_realloc(void* pointer, size_t size);

namespace {
std::atomic<long> g_allocations{0};
std::atomic<long> g_allocated_bytes{0};
void Count(size_t bytes) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  g_allocated_bytes.fetch_add(long(bytes), std::memory_order_relaxed);
}
}  // namespace

extern "C" {
void* malloc(size_t size) {
  Count(size);
  return __libc_malloc(size);
}
void* calloc(size_t count, size_t size) {
  Count(count * size);
  return __libc_calloc(count, size);
}
void* realloc(void* pointer, size_t size) {
  Count(size);
  return __libc_realloc(pointer, size);
}
}  // extern "C"

namespace {

using dnz::demo::DigitConversion;
using dnz::demo::Framing;
using dnz::demo::LumaImage;

// Dark ink on light paper: a ring and a stem (a "9") a third of the height tall, its centre
// at (0.42, 0.4) of the page.
LumaImage PhonePhoto(int width, int height) {
  LumaImage photo;
  photo.width = width;
  photo.height = height;
  photo.luma.resize(size_t(width) * size_t(height));
  const float unit = float(height) / 3000.0f;  // sizes below are for a 3000-pixel height
  const float cx = 0.42f * float(width), cy = 0.4f * float(height);
  std::mt19937 rng(11);
  std::normal_distribution<float> noise(0.0f, 0.03f);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const float paper = 0.9f - 0.25f * float(x) / float(width);
      const float ring = std::hypot(float(x) - cx, float(y) - cy) - 250.0f * unit;
      const bool stem = float(x) >= cx + 200.0f * unit && float(x) < cx + 300.0f * unit &&
                        float(y) >= cy && float(y) < cy + 700.0f * unit;
      const bool ink = std::fabs(ring) < 50.0f * unit || stem;
      photo.luma[size_t(y) * size_t(width) + size_t(x)] = (ink ? 0.15f : paper) + noise(rng);
    }
  }
  return photo;
}

void BM_Convert(benchmark::State& state, int width, int height, Framing framing) {
  static LumaImage photo;
  if (photo.width != width || photo.height != height) photo = PhonePhoto(width, height);
  DigitConversion conversion;
  long allocations = 0, bytes = 0;
  for (auto _ : state) {
    const long before = g_allocations, bytes_before = g_allocated_bytes;
    std::vector<float> digit = dnz::demo::ToMnistDigit(photo, framing, &conversion);
    benchmark::DoNotOptimize(digit.data());
    allocations = g_allocations - before;
    bytes = g_allocated_bytes - bytes_before;
  }
  state.counters["allocations"] = double(allocations);
  state.counters["allocated_MB"] = double(bytes) / 1e6;
  state.counters["image_MB"] = double(photo.luma.size() * sizeof(float)) / 1e6;
  state.SetLabel(conversion.framed ? "framed" : "plain: " + conversion.why_plain);
}

BENCHMARK_CAPTURE(BM_Convert, photo_12MP_auto, 4000, 3000, Framing::kAuto)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Convert, photo_12MP_none, 4000, 3000, Framing::kNone)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Convert, photo_64MP_auto, 8192, 8192, Framing::kAuto)
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
