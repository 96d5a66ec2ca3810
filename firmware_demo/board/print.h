/* Text output without stdio (newlib's allocates): strings and numbers through semihosting. */
#ifndef DNZ_FIRMWARE_BOARD_PRINT_H_
#define DNZ_FIRMWARE_BOARD_PRINT_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void print_text(const char* text);
void print_uint(uint64_t value);               /* decimal */
void print_grouped(uint64_t value);            /* decimal with thousands separators: 1,234,567 */
void print_hex32(uint32_t value);              /* 8 hex digits */
void print_fixed(int64_t value, int decimals); /* value / 10^decimals, e.g. 1853, 2 -> 18.53 */

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_PRINT_H_ */
