// <immintrin.h> for our x86 kernels. GCC 12 warns inside its own AVX-512 headers
// (_mm512_undefined_*, GCC bug 105593); clang does not know that warning's name.
#ifndef DNZ_RUNTIME_SRC_ONEDNN_X86_INTRINSICS_H_
#define DNZ_RUNTIME_SRC_ONEDNN_X86_INTRINSICS_H_

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#endif  // DNZ_RUNTIME_SRC_ONEDNN_X86_INTRINSICS_H_
