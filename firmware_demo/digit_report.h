/* What firmware_demo prints about one denoised digit: a checksum of the output, its PSNR
 * against the clean digit, and a small ASCII picture of noisy input and output. */
#ifndef DNZ_FIRMWARE_DEMO_DIGIT_REPORT_H_
#define DNZ_FIRMWARE_DEMO_DIGIT_REPORT_H_

#include <stddef.h>
#include <stdint.h>

enum { kDigitSide = 28 };

/* FNV-1a, 32 bits, of `size` bytes. */
uint32_t digit_checksum(const uint8_t* bytes, size_t size);

/* PSNR of `image` against `clean` (both [28][28] gray) in hundredths of a dB; -1 if equal. */
int32_t digit_psnr_centi_db(const uint8_t* image, const uint8_t* clean);

/* Noisy input and denoised output side by side, 14 text rows of 28 + 28 characters
 * (each character is two pixel rows, darker ink, denser character). */
void digit_print_pictures(const uint8_t* noisy, const uint8_t* denoised);

#endif /* DNZ_FIRMWARE_DEMO_DIGIT_REPORT_H_ */
