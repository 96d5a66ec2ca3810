// Reads MNIST IDX files (images: magic 2051, labels: magic 2049), checking the magic
// number, the dimensions and the exact file length. Errors come back as a message, never
// as an exception, so every caller (trainer, benchmarks, runtime tests) can print one line.
#ifndef DNZ_HOST_LIB_DATA_IDX_READER_H_
#define DNZ_HOST_LIB_DATA_IDX_READER_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::data {

struct IdxImages {
  int count = 0;
  int rows = 0;
  int cols = 0;
  std::vector<uint8_t> pixels;  // [count][rows][cols], 0..255
};

// Reads an IDX3 image file. On failure returns false and sets `error` to one line that
// names the file and says how to get MNIST.
bool ReadIdxImages(const std::string& path, IdxImages* images, std::string* error);

// Reads an IDX1 label file (labels 0..9).
bool ReadIdxLabels(const std::string& path, std::vector<uint8_t>* labels, std::string* error);

}  // namespace dnz::data

#endif  // DNZ_HOST_LIB_DATA_IDX_READER_H_
