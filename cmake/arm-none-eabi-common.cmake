# Shared by the Cortex-M toolchain files (arm-none-eabi-cortex-m4.cmake, -m7.cmake), which set
# DNZ_ARM_CPU_FLAGS and DNZ_QEMU_MACHINE first. Debian's gcc-arm-none-eabi with newlib-nano;
# the images boot with firmware_demo/board's own start-up and linker script, not rdimon's.
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_C_COMPILER arm-none-eabi-gcc)
set(CMAKE_CXX_COMPILER arm-none-eabi-g++)
set(CMAKE_ASM_COMPILER arm-none-eabi-gcc)
# A test program cannot link without our start-up: try_compile builds static libraries.
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)

set(CMAKE_C_FLAGS_INIT "${DNZ_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "${DNZ_ARM_CPU_FLAGS} -ffunction-sections -fdata-sections")
set(CMAKE_ASM_FLAGS_INIT "${DNZ_ARM_CPU_FLAGS}")
# newlib-nano, no C start-up files (firmware_demo/board/startup.c is ours), unused sections gone.
set(CMAKE_EXE_LINKER_FLAGS_INIT "--specs=nano.specs -nostartfiles -Wl,--gc-sections")

# Never the host's headers or libraries; programs (flatc, QEMU) come from the host.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# CTest runs each image on the board: semihosting carries its output and exit code.
# -icount shift=0 makes virtual time advance 1 ns per instruction: the board's timers count
# instructions (firmware_demo/board/instruction_counter.h).
set(CMAKE_CROSSCOMPILING_EMULATOR
    qemu-system-arm -M ${DNZ_QEMU_MACHINE} -nographic -icount shift=0
    -semihosting-config enable=on,target=native -kernel)
