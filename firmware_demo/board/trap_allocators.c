/* Every way to allocate, replaced by a trap: the runtime promises no heap on any path, error
 * paths included, and an image linked with this file proves it on each run (a call prints
 * "TRAP: <name>" and exits with status 2). Covers C's allocators, newlib's reentrant ones
 * (its stdio and float printing call _malloc_r directly) and _sbrk, which every newlib
 * allocator ends in; C++'s operator new and delete are in trap_new.cc. */
#include "trap_allocators.h"

#include <stddef.h>

#include "semihosting.h"

struct _reent;

void trap_allocation(const char* name) {
  board_write("TRAP: ");
  board_write(name);
  board_write(" called: nothing may allocate\n");
  board_exit(2);
}

void* malloc(size_t size) {
  (void)size;
  trap_allocation("malloc");
}
void* calloc(size_t count, size_t size) {
  (void)count, (void)size;
  trap_allocation("calloc");
}
void* realloc(void* pointer, size_t size) {
  (void)pointer, (void)size;
  trap_allocation("realloc");
}
void free(void* pointer) {
  (void)pointer;
  trap_allocation("free");
}
void* memalign(size_t alignment, size_t size) {
  (void)alignment, (void)size;
  trap_allocation("memalign");
}
void* aligned_alloc(size_t alignment, size_t size) {
  (void)alignment, (void)size;
  trap_allocation("aligned_alloc");
}
int posix_memalign(void** pointer, size_t alignment, size_t size) {
  (void)pointer, (void)alignment, (void)size;
  trap_allocation("posix_memalign");
}
void* _malloc_r(struct _reent* reent, size_t size) {
  (void)reent, (void)size;
  trap_allocation("_malloc_r");
}
void* _calloc_r(struct _reent* reent, size_t count, size_t size) {
  (void)reent, (void)count, (void)size;
  trap_allocation("_calloc_r");
}
void* _realloc_r(struct _reent* reent, void* pointer, size_t size) {
  (void)reent, (void)pointer, (void)size;
  trap_allocation("_realloc_r");
}
void _free_r(struct _reent* reent, void* pointer) {
  (void)reent, (void)pointer;
  trap_allocation("_free_r");
}
void* _sbrk(ptrdiff_t increment) {
  (void)increment;
  trap_allocation("_sbrk");
}
