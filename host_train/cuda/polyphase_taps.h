// The polyphase map of runtime/src/polyphase.h (upsample + 3x3 conv as four 2x2 convs) as
// the GPU's kernels read it: for each parity, which 2x2 tap each 3x3 kernel row feeds.
#ifndef DNZ_HOST_TRAIN_CUDA_POLYPHASE_TAPS_H_
#define DNZ_HOST_TRAIN_CUDA_POLYPHASE_TAPS_H_

#include <cstdint>

#include "cuda/element_ops.h"
#include "dnz_internal/polyphase.h"

namespace dnz::train::cuda {

inline PolyphaseTaps MakePolyphaseTaps() {
  PolyphaseTaps taps{};
  for (int parity = 0; parity < 2; ++parity) {
    for (int tap = 0; tap < 2; ++tap) {
      int first = 0, last = 0;
      PolyphaseKernelRows(parity, tap, &first, &last);
      for (int row = first; row <= last; ++row) {
        taps.tap_of_row[parity][row] = static_cast<int8_t>(tap);
      }
    }
  }
  return taps;
}

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_POLYPHASE_TAPS_H_
