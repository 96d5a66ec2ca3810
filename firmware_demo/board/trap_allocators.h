/* Allocation traps (trap_allocators.c, trap_new.cc). */
#ifndef DNZ_FIRMWARE_BOARD_TRAP_ALLOCATORS_H_
#define DNZ_FIRMWARE_BOARD_TRAP_ALLOCATORS_H_

#ifdef __cplusplus
extern "C" {
#endif

/* Prints "TRAP: <name> called" and exits with status 2. */
__attribute__((noreturn)) void trap_allocation(const char* name);

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_TRAP_ALLOCATORS_H_ */
