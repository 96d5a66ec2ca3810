/* Counts executed instructions on QEMU's MPS2 boards. Run with -icount shift=0 (the
 * toolchain files' emulator line), QEMU advances virtual time by exactly 1 ns per
 * instruction; the board's CMSDK APB timer 0 (0x40000000) counts down at the 25 MHz system
 * clock, so one tick is 40 instructions. instruction_counter_calibrate() checks the
 * method on a loop of known length. Meaningless on real hardware or without -icount. */
#ifndef DNZ_FIRMWARE_BOARD_INSTRUCTION_COUNTER_H_
#define DNZ_FIRMWARE_BOARD_INSTRUCTION_COUNTER_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum { kInstructionsPerTick = 40 };

void instruction_counter_start(void);     /* the timer free-running from its maximum */
uint32_t instruction_counter_ticks(void); /* ticks since start (wraps after 2^32) */

/* Runs a subs/bne loop of `iterations` (2 instructions each) between two reads, and
 * returns the instructions the timer saw (a multiple of 40). */
uint64_t instruction_counter_measure_loop(uint32_t iterations);

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_INSTRUCTION_COUNTER_H_ */
