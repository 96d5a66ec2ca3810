// ref's conv kernels on a band of output rows, reading and writing through Rows (whole
// tensors or ring buffers): what the op loop (run_chain.h) calls. The whole-tensor forms in
// dnz_internal/ref_kernels.h run the band [0, out.height).
#ifndef DNZ_RUNTIME_SRC_REF_CONV_ROWS_H_
#define DNZ_RUNTIME_SRC_REF_CONV_ROWS_H_

#include <cstdint>

#include "../rows.h"
#include "dnz/dnz.h"

namespace dnz::ref {

void ConvS8Rows(const dnz_op& op, const dnz_tensor_info& in, Rows<const int8_t> input,
                const dnz_tensor_info& out, Rows<int8_t> output, int32_t y0, int32_t y1);
void ConvF32Rows(const dnz_op& op, const dnz_tensor_info& in, Rows<const float> input,
                 const dnz_tensor_info& out, Rows<float> output, int32_t y0, int32_t y1);

}  // namespace dnz::ref

#endif  // DNZ_RUNTIME_SRC_REF_CONV_ROWS_H_
