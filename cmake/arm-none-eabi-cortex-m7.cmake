# Cortex-M7 (double-precision FPU, DSP extension), run on QEMU's mps2-an500 board.
#   cmake -S . -B build-m7 --toolchain cmake/arm-none-eabi-cortex-m7.cmake
set(DNZ_ARM_CPU_FLAGS "-mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16")
set(DNZ_QEMU_MACHINE mps2-an500)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
