// The GPU's 16-bit storage types for element_ops.h: f16 (IEEE half, tensor cores on the T4
// and later) and bf16 (f32's range with 8 mantissa bits, Ampere and later). Values are
// rounded to nearest even when stored; arithmetic stays in float.
#ifndef DNZ_HOST_TRAIN_CUDA_HALF_TYPES_H_
#define DNZ_HOST_TRAIN_CUDA_HALF_TYPES_H_

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "cuda/element_ops.h"

namespace dnz::train::cuda {

template <>
struct Storage<__half> {
  static DNZ_HD float Load(__half v) { return __half2float(v); }
  static DNZ_HD __half Store(float v) { return __float2half_rn(v); }
};

template <>
struct Storage<__nv_bfloat16> {
  static DNZ_HD float Load(__nv_bfloat16 v) { return __bfloat162float(v); }
  static DNZ_HD __nv_bfloat16 Store(float v) { return __float2bfloat16_rn(v); }
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_HALF_TYPES_H_
