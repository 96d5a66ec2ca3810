#include "instruction_counter.h"

/* CMSDK APB timer 0. */
typedef struct {
  volatile uint32_t control; /* bit 0: enable */
  volatile uint32_t value;   /* counts down */
  volatile uint32_t reload;
  volatile uint32_t interrupt;
} cmsdk_timer;
#define TIMER0 ((cmsdk_timer*)0x40000000u)

void instruction_counter_start(void) {
  TIMER0->control = 0;
  TIMER0->reload = 0xFFFFFFFFu;
  TIMER0->value = 0xFFFFFFFFu;
  TIMER0->control = 1;
}

uint32_t instruction_counter_ticks(void) { return 0xFFFFFFFFu - TIMER0->value; }

uint64_t instruction_counter_measure_loop(uint32_t iterations) {
  const uint32_t before = instruction_counter_ticks();
  __asm__ volatile(
      "1: subs %0, %0, #1\n\t"
      "bne 1b"
      : "+r"(iterations)
      :
      : "cc");
  const uint32_t after = instruction_counter_ticks();
  return (uint64_t)(after - before) * kInstructionsPerTick;
}
