// Where a kernel's scratch goes in the arena: the lowest aligned offset at which it overlaps
// neither tensor its op reads nor the one it writes, so that it usually fits in the room the
// activation plan leaves free (memory_planner.h) and the arena does not grow.
#ifndef DNZ_RUNTIME_SRC_MCU_SCRATCH_PLACEMENT_H_
#define DNZ_RUNTIME_SRC_MCU_SCRATCH_PLACEMENT_H_

#include <cstddef>
#include <cstdint>

#include "../memory_planner.h"

namespace dnz::mcu {

inline size_t ScratchOffset(const dnz_plan& plan, uint32_t op, size_t bytes) {
  size_t offset = 0;
  for (bool moved = true; moved;) {
    moved = false;
    for (uint32_t t = op; t <= op + 1; ++t) {
      const size_t begin = plan.tensor_offset[t], end = begin + plan.tensor_bytes[t];
      if (offset < end && begin < offset + bytes) {
        offset = AlignUp(end, DNZ_ARENA_ALIGNMENT);
        moved = true;
      }
    }
  }
  return offset;
}

}  // namespace dnz::mcu

#endif  // DNZ_RUNTIME_SRC_MCU_SCRATCH_PLACEMENT_H_
