#include "header_checks.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

namespace dnz::demo {
namespace {

constexpr int kMaxDigits = 9;  // at most 999,999,999: fits an int

// A binary PGM/PPM (P5/P6) header, read the way stbi__pnm_info reads it.
struct PnmHeader {
  bool numbers_fit = true;  // every number has at most 9 digits
  int64_t width = 0, height = 0, max_value = 0;
  int channels = 0;        // 1 for P5, 3 for P6
  size_t data_offset = 0;  // where the pixels start
};

// A cursor with stb's end-of-data rule: reading past the end gives 0 and stays there.
class Cursor {
 public:
  explicit Cursor(const std::vector<uint8_t>& bytes) : bytes_(bytes) {}
  bool AtEnd() const { return position_ >= bytes_.size(); }
  char Next() { return AtEnd() ? '\0' : char(bytes_[position_++]); }
  size_t position() const { return position_; }

 private:
  const std::vector<uint8_t>& bytes_;
  size_t position_ = 0;
};

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Whitespace and '#' comments (to the end of the line), as stbi__pnm_skip_whitespace.
void SkipSpaceAndComments(Cursor* cursor, char* c) {
  for (;;) {
    while (!cursor->AtEnd() && IsSpace(*c)) *c = cursor->Next();
    if (cursor->AtEnd() || *c != '#') return;
    while (!cursor->AtEnd() && *c != '\n' && *c != '\r') *c = cursor->Next();
  }
}

// A decimal number, as stbi__pnm_getinteger, but counting digits instead of overflowing.
int64_t Number(Cursor* cursor, char* c, bool* fits) {
  int64_t value = 0;
  int digits = 0;
  while (!cursor->AtEnd() && *c >= '0' && *c <= '9') {
    if (++digits > kMaxDigits) {
      *fits = false;
    } else {
      value = value * 10 + (*c - '0');
    }
    *c = cursor->Next();
  }
  return value;
}

// False if `bytes` do not start with P5/P6 (not a binary PGM/PPM).
bool ReadPnmHeader(const std::vector<uint8_t>& bytes, PnmHeader* header) {
  Cursor cursor(bytes);
  const char magic = cursor.Next(), kind = cursor.Next();
  if (magic != 'P' || (kind != '5' && kind != '6')) return false;
  header->channels = kind == '6' ? 3 : 1;
  char c = cursor.Next();
  SkipSpaceAndComments(&cursor, &c);
  header->width = Number(&cursor, &c, &header->numbers_fit);
  SkipSpaceAndComments(&cursor, &c);
  header->height = Number(&cursor, &c, &header->numbers_fit);
  SkipSpaceAndComments(&cursor, &c);
  header->max_value = Number(&cursor, &c, &header->numbers_fit);
  // stb has consumed the one character after the last number: the pixels start here.
  header->data_offset = cursor.position();
  return true;
}

uint32_t Little(const std::vector<uint8_t>& bytes, size_t at, int count) {
  uint32_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = (value << 8) | bytes[at + size_t(i)];
  return value;
}

std::string Truncated(const char* format, uint64_t have, uint64_t need) {
  return std::string(format) + " pixel data truncated (" + std::to_string(have) + " of " +
         std::to_string(need) + " bytes)";
}

std::string PnmTruncation(const std::vector<uint8_t>& bytes, const PnmHeader& pnm) {
  const uint64_t sample_bytes = pnm.max_value > 255 ? 2 : 1;
  const uint64_t need =
      uint64_t(pnm.width) * uint64_t(pnm.height) * uint64_t(pnm.channels) * sample_bytes;
  const uint64_t have = bytes.size() - std::min(pnm.data_offset, bytes.size());
  return have < need ? Truncated("PGM/PPM", have, need) : std::string();
}

// Uncompressed BMP (BI_RGB or BI_BITFIELDS, what stb decodes): rows padded to 4 bytes,
// starting at the header's pixel offset.
std::string BmpTruncation(const std::vector<uint8_t>& bytes) {
  constexpr size_t kFileHeader = 14;
  if (bytes.size() < kFileHeader + 16 || bytes[0] != 'B' || bytes[1] != 'M') return "";
  const uint32_t info_size = Little(bytes, 14, 4);
  int64_t width = 0, height = 0;
  uint32_t bits = 0, compression = 0;
  if (info_size == 12) {  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    width = Little(bytes, 18, 2);
    height = Little(bytes, 20, 2);
    bits = Little(bytes, 24, 2);
  } else {
    if (bytes.size() < kFileHeader + 20) return "";
    width = int32_t(Little(bytes, 18, 4));
    height = int32_t(Little(bytes, 22, 4));
    bits = Little(bytes, 28, 2);
    compression = Little(bytes, 30, 4);
  }
  if (compression != 0 && compression != 3) return "";  // stb refuses the others itself
  constexpr int64_t kLargest = int64_t(1) << 20;        // larger sizes fail the size limits first
  if (std::abs(width) > kLargest || std::abs(height) > kLargest || bits > 64) return "";
  const uint64_t row = (uint64_t(std::abs(width)) * bits + 31) / 32 * 4;
  const uint64_t need = row * uint64_t(std::abs(height));
  const uint64_t offset = std::max<uint64_t>(Little(bytes, 10, 4), kFileHeader + info_size);
  const uint64_t have = bytes.size() - std::min<uint64_t>(offset, bytes.size());
  return have < need ? Truncated("BMP", have, need) : std::string();
}

uint32_t Big(const std::vector<uint8_t>& bytes, size_t at) {
  return uint32_t(bytes[at]) << 24 | uint32_t(bytes[at + 1]) << 16 | uint32_t(bytes[at + 2]) << 8 |
         uint32_t(bytes[at + 3]);
}

// A PNG chunk (up to IEND) whose length runs past the end of the file. stb would grow its
// compressed-data buffer to that length before reading (up to 2 GB for a 60-byte file).
std::string PngTruncation(const std::vector<uint8_t>& bytes) {
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (bytes.size() < 8 || !std::equal(kSignature, kSignature + 8, bytes.begin())) return "";
  constexpr size_t kFraming = 12;  // length, type, CRC
  for (size_t at = 8; at + 8 <= bytes.size();) {
    const uint64_t length = Big(bytes, at);
    if (std::equal(bytes.begin() + std::ptrdiff_t(at + 4), bytes.begin() + std::ptrdiff_t(at + 8),
                   "IEND")) {
      return "";
    }
    if (at + kFraming + length > bytes.size()) {
      return "PNG data truncated (a chunk at byte " + std::to_string(at) + " claims " +
             std::to_string(length) + " bytes; the file has " + std::to_string(bytes.size()) + ")";
    }
    at += kFraming + size_t(length);
  }
  return "";
}

}  // namespace

std::string HeaderNumberProblem(const std::vector<uint8_t>& bytes) {
  PnmHeader pnm;
  if (ReadPnmHeader(bytes, &pnm) && !pnm.numbers_fit) {
    return "a PGM/PPM header number is too large";
  }
  return "";
}

std::string TruncationProblem(const std::vector<uint8_t>& bytes) {
  PnmHeader pnm;
  if (ReadPnmHeader(bytes, &pnm)) return PnmTruncation(bytes, pnm);
  const std::string png = PngTruncation(bytes);
  return png.empty() ? BmpTruncation(bytes) : png;
}

}  // namespace dnz::demo
