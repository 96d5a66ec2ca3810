#include "digit_report.h"

#include <math.h>

#include "print.h"

uint32_t digit_checksum(const uint8_t* bytes, size_t size) {
  uint32_t hash = 2166136261u;
  for (size_t i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 16777619u;
  return hash;
}

int32_t digit_psnr_centi_db(const uint8_t* image, const uint8_t* clean) {
  uint32_t squared_error = 0; /* at most 784 * 255^2 < 2^26 */
  for (int i = 0; i < kDigitSide * kDigitSide; ++i) {
    const int32_t d = (int32_t)image[i] - (int32_t)clean[i];
    squared_error += (uint32_t)(d * d);
  }
  if (squared_error == 0) return -1;
  const float mse = (float)squared_error / (float)(kDigitSide * kDigitSide);
  return (int32_t)lroundf(100.0f * 10.0f * log10f(255.0f * 255.0f / mse));
}

static char shade(const uint8_t* image, int row, int column) {
  static const char kRamp[] = " .:-=+*#%@"; /* 10 levels, light to dark ink */
  const int sum = image[row * kDigitSide + column] + image[(row + 1) * kDigitSide + column];
  return kRamp[sum * 9 / 510];
}

void digit_print_pictures(const uint8_t* noisy, const uint8_t* denoised) {
  char line[2 * kDigitSide + 8];
  for (int row = 0; row < kDigitSide; row += 2) {
    int n = 0;
    line[n++] = ' ';
    line[n++] = ' ';
    for (int column = 0; column < kDigitSide; ++column) line[n++] = shade(noisy, row, column);
    line[n++] = ' ';
    line[n++] = '|';
    line[n++] = ' ';
    for (int column = 0; column < kDigitSide; ++column) line[n++] = shade(denoised, row, column);
    line[n++] = '\n';
    line[n] = '\0';
    print_text(line);
  }
}
