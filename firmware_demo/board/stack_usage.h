/* The stack's high-water mark: start-up fills the unused stack with a pattern; the deepest
 * word no longer holding it shows how much stack the image has used so far. */
#ifndef DNZ_FIRMWARE_BOARD_STACK_USAGE_H_
#define DNZ_FIRMWARE_BOARD_STACK_USAGE_H_

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

void stack_usage_paint(void); /* from the stack's bottom to just below the caller */
size_t stack_usage_peak_bytes(void);
size_t stack_usage_size_bytes(void); /* what the linker script reserved (DNZ_STACK_BYTES) */

#ifdef __cplusplus
}
#endif

#endif /* DNZ_FIRMWARE_BOARD_STACK_USAGE_H_ */
