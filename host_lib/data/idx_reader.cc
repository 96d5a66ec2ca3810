#include "data/idx_reader.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <system_error>

#ifdef DNZ_HAVE_ZLIB
#include <zlib.h>
#endif

namespace dnz::data {
namespace {

constexpr uint32_t kImagesMagic = 2051;
constexpr uint32_t kLabelsMagic = 2049;
// Far above MNIST's 60,000 x 28 x 28; guards against absurd headers before allocating.
constexpr uint64_t kMaxPayloadBytes = uint64_t{1} << 31;

std::string FetchHint() { return " (run scripts/fetch_mnist.sh to get MNIST)"; }

struct FileCloser {
  void operator()(std::FILE* f) const { std::fclose(f); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

uint32_t BigEndian32(const uint8_t* b) {
  return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

enum class IdxKind { kImages, kLabels };

struct IdxHeader {
  uint64_t count = 0, rows = 0, cols = 0;
  uint64_t file_bytes = 0;  // header + payload
};

size_t HeaderBytes(IdxKind kind) { return kind == IdxKind::kImages ? 16 : 8; }

// Checks the header at `b` (HeaderBytes(kind) bytes); sets `error` if it is not one of `kind`.
bool ParseHeader(const std::string& path, IdxKind kind, const uint8_t* b, IdxHeader* header,
                 std::string* error) {
  const uint32_t magic = BigEndian32(b);
  if (kind == IdxKind::kLabels) {
    if (magic != kLabelsMagic) {
      *error = path + ": not an IDX label file (magic " + std::to_string(magic) +
               ", expected 2049)" + FetchHint();
      return false;
    }
    header->count = BigEndian32(b + 4);
    header->rows = header->cols = 1;
    header->file_bytes = 8 + header->count;
    return true;
  }
  if (magic != kImagesMagic) {
    *error = path + ": not an IDX image file (magic " + std::to_string(magic) + ", expected 2051)" +
             FetchHint();
    return false;
  }
  const uint64_t count = BigEndian32(b + 4);
  const uint64_t rows = BigEndian32(b + 8);
  const uint64_t cols = BigEndian32(b + 12);
  if (count == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096 ||
      count * rows * cols > kMaxPayloadBytes) {
    *error = path + ": implausible dimensions " + std::to_string(count) + "x" +
             std::to_string(rows) + "x" + std::to_string(cols) + FetchHint();
    return false;
  }
  header->count = count;
  header->rows = rows;
  header->cols = cols;
  header->file_bytes = 16 + count * rows * cols;
  return true;
}

// Reads the whole file; sets `error` on failure.
bool ReadWholeFile(const std::string& path, std::vector<uint8_t>* bytes, std::string* error) {
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    *error = path + ": cannot open" + FetchHint();
    return false;
  }
  if (std::fseek(file.get(), 0, SEEK_END) != 0) {
    *error = path + ": cannot seek" + FetchHint();
    return false;
  }
  const long size = std::ftell(file.get());
  if (size < 0 || static_cast<uint64_t>(size) > kMaxPayloadBytes) {
    *error = path + ": unreadable or too large" + FetchHint();
    return false;
  }
  std::rewind(file.get());
  bytes->resize(static_cast<size_t>(size));
  if (size > 0 && std::fread(bytes->data(), 1, bytes->size(), file.get()) != bytes->size()) {
    *error = path + ": read error" + FetchHint();
    return false;
  }
  return true;
}

bool IsGzip(const std::vector<uint8_t>& bytes) {
  return bytes.size() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b;
}

#ifdef DNZ_HAVE_ZLIB

struct Inflater {
  z_stream stream{};
  bool started = false;
  ~Inflater() {
    if (started) inflateEnd(&stream);
  }
};

// Decompresses the gzip file `gz` (one member or several, as `cat a.gz b.gz` makes) into
// `out`. Decompresses the IDX header first and then at most the bytes it implies, plus one
// to tell that there are more: a small file that inflates without end (a gzip bomb) costs
// at most about twice the memory of the file its header claims (the buffer grows by
// doubling), and that file is never larger than kMaxGzipIdxBytes.
bool Gunzip(const std::string& path, IdxKind kind, const std::vector<uint8_t>& gz,
            std::vector<uint8_t>* out, std::string* error) {
  Inflater z;
  if (inflateInit2(&z.stream, 15 + 16) != Z_OK) {  // 15 + 16: a gzip wrapper, 32 KiB window
    *error = path + ": cannot start zlib's decompressor";
    return false;
  }
  z.started = true;
  z.stream.next_in = const_cast<Bytef*>(gz.data());  // zlib never writes through next_in
  z.stream.avail_in = static_cast<uInt>(gz.size());  // ReadWholeFile caps it at 2 GiB
  const size_t header_bytes = HeaderBytes(kind);
  uint64_t capacity = header_bytes;  // until the header is known
  bool header_known = false;
  size_t produced = 0;
  out->assign(header_bytes, 0);
  for (;;) {
    if (!header_known && produced == header_bytes) {
      IdxHeader header;
      if (!ParseHeader(path, kind, out->data(), &header, error)) return false;
      if (header.file_bytes > kMaxGzipIdxBytes) {
        *error = path + ": header says " + std::to_string(header.file_bytes) +
                 " bytes, more than the " + std::to_string(kMaxGzipIdxBytes) +
                 " a gzip-compressed IDX file may decompress to" + FetchHint();
        return false;
      }
      header_known = true;
      capacity = header.file_bytes + 1;
    }
    if (produced == capacity) {
      *error = path + ": decompresses to more than the " + std::to_string(capacity - 1) +
               " bytes its IDX header implies (corrupt, or not MNIST)" + FetchHint();
      return false;
    }
    if (produced == out->size()) {
      // Grow with the output, never to more than the header allows.
      out->resize(static_cast<size_t>(
          std::min<uint64_t>(capacity, std::max<uint64_t>(uint64_t{out->size()} * 2, 1 << 16))));
    }
    z.stream.next_out = out->data() + produced;
    z.stream.avail_out = static_cast<uInt>(out->size() - produced);  // at most 256 MiB + 1
    const int rc = inflate(&z.stream, Z_NO_FLUSH);
    produced = out->size() - z.stream.avail_out;
    if (rc == Z_STREAM_END) {
      if (z.stream.avail_in == 0) break;
      if (z.stream.avail_in >= 2 && z.stream.next_in[0] == 0x1f && z.stream.next_in[1] == 0x8b) {
        inflateReset(&z.stream);  // the next gzip member
        continue;
      }
      *error = path + ": corrupt gzip file (" + std::to_string(z.stream.avail_in) +
               " bytes after the end of the compressed data)" + FetchHint();
      return false;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && z.stream.avail_in == 0) {
      *error = path + ": truncated gzip file (the compressed data ends early)" + FetchHint();
      return false;
    }
    if (rc == Z_MEM_ERROR) {
      *error = path + ": out of memory while decompressing";
      return false;
    }
    *error = path + ": corrupt gzip file (" +
             (z.stream.msg != nullptr ? z.stream.msg : "zlib error " + std::to_string(rc)) + ")" +
             FetchHint();
    return false;
  }
  // Shrink only (erase, not resize: GCC's -Wstringop-overflow cannot see that a resize here
  // never grows, and fails the sanitizer build).
  out->erase(out->begin() + static_cast<std::ptrdiff_t>(produced), out->end());
  return true;
}

#else  // !DNZ_HAVE_ZLIB (an Arm Linux cross build without the target's zlib)

bool Gunzip(const std::string& path, IdxKind, const std::vector<uint8_t>&, std::vector<uint8_t>*,
            std::string* error) {
  *error = path + ": gzip-compressed, but this build has no zlib (gunzip it first)";
  return false;
}

#endif  // DNZ_HAVE_ZLIB

// Reads the IDX file at `path` (decompressed first if it is gzip), checks its header and
// that its length is exactly what the header says.
bool ReadIdx(const std::string& path, IdxKind kind, std::vector<uint8_t>* bytes, IdxHeader* header,
             std::string* error) {
  if (!ReadWholeFile(path, bytes, error)) return false;
  const bool gzip = IsGzip(*bytes);
  if (gzip) {
    std::vector<uint8_t> plain;
    if (!Gunzip(path, kind, *bytes, &plain, error)) return false;
    bytes->swap(plain);
  }
  if (bytes->size() < HeaderBytes(kind)) {
    *error = path + ": truncated IDX header" + FetchHint();
    return false;
  }
  if (!ParseHeader(path, kind, bytes->data(), header, error)) return false;
  if (bytes->size() != header->file_bytes) {
    *error = path + (gzip ? ": decompresses to " : ": file is ") + std::to_string(bytes->size()) +
             " bytes, header says " + std::to_string(header->file_bytes) +
             " (truncated or corrupt)" + FetchHint();
    return false;
  }
  return true;
}

}  // namespace

bool ReadIdxImages(const std::string& path, IdxImages* images, std::string* error) {
  std::vector<uint8_t> bytes;
  IdxHeader header;
  if (!ReadIdx(path, IdxKind::kImages, &bytes, &header, error)) return false;
  images->count = static_cast<int>(header.count);
  images->rows = static_cast<int>(header.rows);
  images->cols = static_cast<int>(header.cols);
  images->pixels.assign(bytes.begin() + 16, bytes.end());
  return true;
}

bool ReadIdxLabels(const std::string& path, std::vector<uint8_t>* labels, std::string* error) {
  std::vector<uint8_t> bytes;
  IdxHeader header;
  if (!ReadIdx(path, IdxKind::kLabels, &bytes, &header, error)) return false;
  for (size_t i = 8; i < bytes.size(); ++i) {
    if (bytes[i] > 9) {
      *error = path + ": label " + std::to_string(bytes[i]) + " out of range" + FetchHint();
      return false;
    }
  }
  labels->assign(bytes.begin() + 8, bytes.end());
  return true;
}

std::string IdxFileToRead(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return path;
  const std::string gz = path + ".gz";
  if (std::filesystem::exists(gz, ec)) return gz;
  return path;
}

}  // namespace dnz::data
