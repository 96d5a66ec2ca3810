# Cortex-M4F (single-precision FPU, DSP extension), run on QEMU's mps2-an386 board.
#   cmake -S . -B build-m4 --toolchain cmake/arm-none-eabi-cortex-m4.cmake
set(DNZ_ARM_CPU_FLAGS "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16")
set(DNZ_QEMU_MACHINE mps2-an386)
include(${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi-common.cmake)
