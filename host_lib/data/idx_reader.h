// Reads MNIST IDX files (images: magic 2051, labels: magic 2049), checking the magic
// number, the dimensions and the exact file length. A file that starts with gzip's magic
// bytes (1f 8b), such as MNIST's usual train-images-idx3-ubyte.gz, is decompressed first,
// never to more bytes than its IDX header implies (and never to more than
// kMaxGzipIdxBytes). Errors come back as a message, never as an exception, so every
// caller (trainer, benchmarks, runtime tests) can print one line.
#ifndef DNZ_HOST_LIB_DATA_IDX_READER_H_
#define DNZ_HOST_LIB_DATA_IDX_READER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::data {

// The most a gzip-compressed IDX file may decompress to, header included (MNIST's training
// images: 47,040,016 bytes).
constexpr uint64_t kMaxGzipIdxBytes = uint64_t{256} << 20;

struct IdxImages {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<uint8_t> pixels;  // [count][rows][cols], 0..255
};

// Reads an IDX3 image file, plain or gzip-compressed. On failure returns false and sets
// `error` to one line that names the file and says how to get MNIST.
bool ReadIdxImages(const std::string& path, IdxImages* images, std::string* error);

// Reads an IDX1 label file (labels 0..9), plain or gzip-compressed.
bool ReadIdxLabels(const std::string& path, std::vector<uint8_t>* labels, std::string* error);

// The file to read for `path`: `path` itself if it exists, else `path`.gz if that exists,
// else `path` (whose reading then fails with "cannot open").
std::string IdxFileToRead(const std::string& path);

}  // namespace dnz::data

#endif  // DNZ_HOST_LIB_DATA_IDX_READER_H_
