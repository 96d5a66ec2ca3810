/* Output and exit through Arm semihosting (the debugger, or QEMU with -semihosting-config
 * enable=on): text reaches QEMU's standard output and the exit status QEMU's. Used instead of
 * newlib's stdio, which allocates its buffers on first use. */
#ifndef DNZ_FIRMWARE_BOARD_SEMIHOSTING_H_
#define DNZ_FIRMWARE_BOARD_SEMIHOSTING_H_

#ifdef __cplusplus
extern "C" {
#endif

void board_write(const char* text); /* a NUL-terminated string */
__attribute__((noreturn)) void board_exit(int status);

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_SEMIHOSTING_H_ */
