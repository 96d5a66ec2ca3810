/* The on-target error-path checks (error_paths_test.c): each broken model and a too-small or
 * misaligned arena is refused with the status and the one line of text the host runtime gives,
 * without allocating (every allocator of the image traps). */
#ifndef DNZ_TESTS_FIRMWARE_ERROR_PATHS_H_
#define DNZ_TESTS_FIRMWARE_ERROR_PATHS_H_

#include <stddef.h>
#include <stdint.h>

#include "dnz/dnz.h"

/* The arena checks on a session that has a good arena (it keeps it). */
void check_arena_errors(dnz_session* session, uint8_t* arena, size_t arena_bytes);

/* The broken models, loaded into `model` (whatever it held is lost). */
void check_bad_models(dnz_model* model);

#endif /* DNZ_TESTS_FIRMWARE_ERROR_PATHS_H_ */
