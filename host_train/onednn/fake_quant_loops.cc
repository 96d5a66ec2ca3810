#include "onednn/fake_quant_loops.h"

#include <cstdint>

namespace dnz::train::onednn {
namespace {

size_t FloatCount(const dnnl::memory& m) { return m.get_desc().get_size() / sizeof(float); }
float* Floats(const dnnl::memory& m) { return static_cast<float*>(m.get_data_handle()); }

}  // namespace

void FakeQuantizeValues(float* values, size_t count, FakeQuantGrid grid) {
  const int64_t n = static_cast<int64_t>(count);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) values[i] = FakeQuantize(values[i], grid);
}

void FakeQuantBackwardValues(const float* quantized, float* grad, size_t count,
                             FakeQuantGrid grid) {
  const int64_t n = static_cast<int64_t>(count);
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; ++i) grad[i] = FakeQuantBackward(quantized[i], grad[i], grid);
}

void FakeQuantizeMemory(const dnnl::memory& values, FakeQuantGrid grid) {
  FakeQuantizeValues(Floats(values), FloatCount(values), grid);
}

void FakeQuantBackwardMemory(const dnnl::memory& quantized, const dnnl::memory& grad,
                             FakeQuantGrid grid) {
  FakeQuantBackwardValues(Floats(quantized), Floats(grad), FloatCount(quantized), grid);
}

}  // namespace dnz::train::onednn
