/* Reset and fault handlers for the MPS2 boards (linker script mps2.ld): the vector table at
 * 0x0, the FPU switched on, .data copied from flash, .bss zeroed, the stack painted (so that
 * its high-water mark can be measured), static constructors run, then exit(main()) through
 * semihosting. A fault prints its name and exits with status 3. */
#include <stdint.h>

#include "semihosting.h"
#include "stack_usage.h"

int main(void);

extern uint32_t __data_load[], __data_start[], __data_end[], __bss_start[], __bss_end[];
extern uint32_t __stack_top[];
extern void (*__init_array_start[])(void);
extern void (*__init_array_end[])(void);

__attribute__((noreturn)) void Reset_Handler(void);

static __attribute__((noreturn)) void fault(const char* name) {
  board_write("FAULT: ");
  board_write(name);
  board_write("\n");
  board_exit(3);
}
static void NMI_Handler(void) { fault("NMI"); }
static void HardFault_Handler(void) { fault("HardFault"); }
static void MemManage_Handler(void) { fault("MemManage"); }
static void BusFault_Handler(void) { fault("BusFault"); }
static void UsageFault_Handler(void) { fault("UsageFault"); }
static void Other_Handler(void) { fault("unexpected exception"); }

/* Initial stack pointer, then the 15 system exception handlers (no interrupts are used). */
__attribute__((section(".vectors"), used)) static void (*const vector_table[16])(void) = {
    (void (*)(void))(uintptr_t)__stack_top,
    Reset_Handler,
    NMI_Handler,
    HardFault_Handler,
    MemManage_Handler,
    BusFault_Handler,
    UsageFault_Handler,
    0,
    0,
    0,
    0,
    Other_Handler, /* SVCall */
    Other_Handler, /* DebugMonitor */
    0,
    Other_Handler, /* PendSV */
    Other_Handler, /* SysTick */
};

void Reset_Handler(void) {
  /* CPACR: full access to CP10 and CP11 (the FPU), before any floating-point instruction. */
  volatile uint32_t* const cpacr = (volatile uint32_t*)0xE000ED88u;
  *cpacr |= 0xFu << 20;
  __asm__ volatile("dsb\n\tisb" ::: "memory");

  for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;) *dst++ = *src++;
  for (uint32_t* dst = __bss_start; dst < __bss_end;) *dst++ = 0;
  stack_usage_paint();
  for (void (**ctor)(void) = __init_array_start; ctor < __init_array_end; ++ctor) (*ctor)();
  board_exit(main());
}
