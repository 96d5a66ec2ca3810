#include "data/idx_reader.h"

#include <cstdio>
#include <memory>

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

}  // namespace

bool ReadIdxImages(const std::string& path, IdxImages* images, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!ReadWholeFile(path, &bytes, error)) return false;
  if (bytes.size() < 16) {
    *error = path + ": truncated IDX header" + FetchHint();
    return false;
  }
  const uint32_t magic = BigEndian32(bytes.data());
  if (magic != kImagesMagic) {
    *error = path + ": not an IDX image file (magic " + std::to_string(magic) + ", expected 2051)" +
             FetchHint();
    return false;
  }
  const uint64_t count = BigEndian32(bytes.data() + 4);
  const uint64_t rows = BigEndian32(bytes.data() + 8);
  const uint64_t cols = BigEndian32(bytes.data() + 12);
  if (count == 0 || rows == 0 || cols == 0 || rows > 4096 || cols > 4096 ||
      count * rows * cols > kMaxPayloadBytes) {
    *error = path + ": implausible dimensions " + std::to_string(count) + "x" +
             std::to_string(rows) + "x" + std::to_string(cols) + FetchHint();
    return false;
  }
  const uint64_t expected = 16 + count * rows * cols;
  if (bytes.size() != expected) {
    *error = path + ": file is " + std::to_string(bytes.size()) + " bytes, header says " +
             std::to_string(expected) + " (truncated or corrupt)" + FetchHint();
    return false;
  }
  images->count = static_cast<int>(count);
  images->rows = static_cast<int>(rows);
  images->cols = static_cast<int>(cols);
  images->pixels.assign(bytes.begin() + 16, bytes.end());
  return true;
}

bool ReadIdxLabels(const std::string& path, std::vector<uint8_t>* labels, std::string* error) {
  std::vector<uint8_t> bytes;
  if (!ReadWholeFile(path, &bytes, error)) return false;
  if (bytes.size() < 8) {
    *error = path + ": truncated IDX header" + FetchHint();
    return false;
  }
  const uint32_t magic = BigEndian32(bytes.data());
  if (magic != kLabelsMagic) {
    *error = path + ": not an IDX label file (magic " + std::to_string(magic) + ", expected 2049)" +
             FetchHint();
    return false;
  }
  const uint64_t count = BigEndian32(bytes.data() + 4);
  if (bytes.size() != 8 + count) {
    *error = path + ": file is " + std::to_string(bytes.size()) + " bytes, header says " +
             std::to_string(8 + count) + " (truncated or corrupt)" + FetchHint();
    return false;
  }
  for (size_t i = 8; i < bytes.size(); ++i) {
    if (bytes[i] > 9) {
      *error = path + ": label " + std::to_string(bytes[i]) + " out of range" + FetchHint();
      return false;
    }
  }
  labels->assign(bytes.begin() + 8, bytes.end());
  return true;
}

}  // namespace dnz::data
