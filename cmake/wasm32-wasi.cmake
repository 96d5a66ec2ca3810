# WebAssembly (wasm32) with Debian's clang-14, wasi-libc and libc++-14-dev-wasm32: the runtime
# (ref and mcu), the image conversion, the noise and the page's glue as standalone .wasm
# modules for Node and the browser (web/, docs/web.md).
#   cmake -S . -B build-web --toolchain cmake/wasm32-wasi.cmake
# Why clang and not emscripten: the same compiler as the host builds, prebuilt C and C++
# libraries from Debian (emscripten 3.1.6 builds its own on first use), and a module that
# imports nothing (no JS runtime to ship: web/dnz_wasm.js is the whole loader).
set(CMAKE_SYSTEM_NAME Generic)  # CMake has no WASI platform; DNZ_WASM says what this is
set(CMAKE_SYSTEM_PROCESSOR wasm32)
set(DNZ_WASM ON)
set(CMAKE_C_COMPILER clang-14)
set(CMAKE_CXX_COMPILER clang++-14)
set(CMAKE_C_COMPILER_TARGET wasm32-wasi)
set(CMAKE_CXX_COMPILER_TARGET wasm32-wasi)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

# A sysroot of two links, so that the compiler sees wasi-libc and libc++ and never the host's
# /usr/include (which --sysroot=/usr would add after them).
set(DNZ_WASI_SYSROOT ${CMAKE_BINARY_DIR}/wasi-sysroot)
file(MAKE_DIRECTORY ${DNZ_WASI_SYSROOT}/include ${DNZ_WASI_SYSROOT}/lib)
file(CREATE_LINK /usr/include/wasm32-wasi ${DNZ_WASI_SYSROOT}/include/wasm32-wasi SYMBOLIC)
file(CREATE_LINK /usr/lib/wasm32-wasi ${DNZ_WASI_SYSROOT}/lib/wasm32-wasi SYMBOLIC)
set(CMAKE_SYSROOT ${DNZ_WASI_SYSROOT})

# No -msimd128: clang's vectorization of the plain loops with SIMD128 gained nothing (ref
# 38.0-44.7 ms per digit with it, 33.7-39.9 without; mcu 11.9-14.4 and 11.8-14.0, Node 20,
# docs/web.md "Size and speed") and costs 5 KB. The mcu kernels' own SIMD128 instruction set,
# which does help, is built with -msimd128 on its own (runtime/CMakeLists.txt) into the SIMD128
# module; the portable module runs where WebAssembly has no SIMD. No exceptions anywhere: the
# runtime already builds without them, and the conversion's std::vector aborts on exhaustion.
set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "-ffunction-sections -fdata-sections -fno-exceptions")
# A reactor (a library with _initialize, no main); unused code gone; debug info stripped (the
# names go in wasm-opt's pass, web/CMakeLists.txt).
set(CMAKE_EXE_LINKER_FLAGS_INIT "-mexec-model=reactor -Wl,--gc-sections -Wl,--strip-debug")

set(CMAKE_FIND_ROOT_PATH ${DNZ_WASI_SYSROOT})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# CTest runs the module's tests with Node (tests/web).
set(CMAKE_CROSSCOMPILING_EMULATOR node)
