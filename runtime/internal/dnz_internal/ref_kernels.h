// The `ref` backend's conv kernels: plain loops, portable C++, no allocation. They
// are the specification every other backend must match byte for byte (int8) or
// follow (float). conv_s8.cc and conv_f32.cc; the pool and upsample are templates
// shared with the other backends (maxpool.h, upsample.h).
#ifndef DNZ_INTERNAL_REF_KERNELS_H_
#define DNZ_INTERNAL_REF_KERNELS_H_

#include <cstdint>

#include "dnz/dnz.h"

namespace dnz::ref {

// int8 conv with optional fused nearest-upsample of its input and fused 2x2
// ceil-mode max-pool of its output; ReLU, sigmoid (table) or no activation.
// input [in.H][in.W][in.C], output [out.H][out.W][out.C].
void ConvS8(const dnz_op& op, const dnz_tensor_info& in, const int8_t* input,
            const dnz_tensor_info& out, int8_t* output);

// The float32 reference path (needs op.float_weights).
void ConvF32(const dnz_op& op, const dnz_tensor_info& in, const float* input,
             const dnz_tensor_info& out, float* output);

}  // namespace dnz::ref

#endif  // DNZ_INTERNAL_REF_KERNELS_H_
