#include "print.h"

#include "semihosting.h"

void print_text(const char* text) { board_write(text); }

/* Writes `value` in decimal into the end of buffer[32]; returns the first digit. */
static char* decimal(uint64_t value, int min_digits, char* buffer) {
  char* p = buffer + 31;
  *p = '\0';
  do {
    *--p = (char)('0' + value % 10);
    value /= 10;
    --min_digits;
  } while (value != 0 || min_digits > 0);
  return p;
}

void print_uint(uint64_t value) {
  char buffer[32];
  board_write(decimal(value, 1, buffer));
}

void print_grouped(uint64_t value) {
  if (value >= 1000) {
    print_grouped(value / 1000);
    char buffer[32];
    board_write(",");
    board_write(decimal(value % 1000, 3, buffer));
    return;
  }
  print_uint(value);
}

void print_hex32(uint32_t value) {
  char text[9];
  for (int i = 7; i >= 0; --i, value >>= 4) text[i] = "0123456789abcdef"[value & 15u];
  text[8] = '\0';
  board_write(text);
}

void print_fixed(int64_t value, int decimals) {
  if (value < 0) board_write("-");
  const uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  uint64_t scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  char buffer[32];
  board_write(decimal(magnitude / scale, 1, buffer));
  if (decimals > 0) {
    board_write(".");
    board_write(decimal(magnitude % scale, decimals, buffer));
  }
}
