// The activations' fake quantization on the CPU (network/fake_quant.h) over a whole f32
// oneDNN buffer in whatever layout it has: one grid per tensor, so the layout does not
// matter, and the zeros in a blocked layout's padding stay zero.
#ifndef DNZ_HOST_TRAIN_ONEDNN_FAKE_QUANT_LOOPS_H_
#define DNZ_HOST_TRAIN_ONEDNN_FAKE_QUANT_LOOPS_H_

#include <cstddef>
#include <oneapi/dnnl/dnnl.hpp>

#include "network/fake_quant.h"

namespace dnz::train::onednn {

// values[i] = FakeQuantize(values[i]) for `count` floats (OpenMP threads).
void FakeQuantizeValues(float* values, size_t count, FakeQuantGrid grid);
// grad[i] = FakeQuantBackward(quantized[i], grad[i]).
void FakeQuantBackwardValues(const float* quantized, float* grad, size_t count, FakeQuantGrid grid);

// The same over a memory (f32), and a gradient in the same descriptor as `quantized`.
void FakeQuantizeMemory(const dnnl::memory& values, FakeQuantGrid grid);
void FakeQuantBackwardMemory(const dnnl::memory& quantized, const dnnl::memory& grad,
                             FakeQuantGrid grid);

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_FAKE_QUANT_LOOPS_H_
