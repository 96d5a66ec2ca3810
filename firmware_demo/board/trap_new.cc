// C++'s allocation functions, every form, replaced by traps (see trap_allocators.c).
#include <cstddef>
#include <new>

#include "trap_allocators.h"

void* operator new(std::size_t) { trap_allocation("operator new"); }
void* operator new[](std::size_t) { trap_allocation("operator new[]"); }
void* operator new(std::size_t, const std::nothrow_t&) noexcept { trap_allocation("operator new"); }
void* operator new[](std::size_t, const std::nothrow_t&) noexcept {
  trap_allocation("operator new[]");
}
void* operator new(std::size_t, std::align_val_t) { trap_allocation("operator new"); }
void* operator new[](std::size_t, std::align_val_t) { trap_allocation("operator new[]"); }
void operator delete(void*) noexcept { trap_allocation("operator delete"); }
void operator delete[](void*) noexcept { trap_allocation("operator delete[]"); }
void operator delete(void*, std::size_t) noexcept { trap_allocation("operator delete"); }
void operator delete[](void*, std::size_t) noexcept { trap_allocation("operator delete[]"); }
void operator delete(void*, std::align_val_t) noexcept { trap_allocation("operator delete"); }
void operator delete[](void*, std::align_val_t) noexcept { trap_allocation("operator delete[]"); }
