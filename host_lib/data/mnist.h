// Loads one MNIST split (train or test) from a folder of IDX files as floats in [0, 1]. Each
// file may also be gzip-compressed (`train-images-idx3-ubyte.gz`, as MNIST is usually
// distributed): the plain file is read if present, else the .gz.
#ifndef DNZ_HOST_LIB_DATA_MNIST_H_
#define DNZ_HOST_LIB_DATA_MNIST_H_

#include <cstdint>
#include <string>
#include <vector>

namespace dnz::data {

constexpr int kMnistSide = 28;
constexpr int kMnistPixels = kMnistSide * kMnistSide;

enum class MnistSplit { kTrain, kTest };

struct MnistSet {
  int count = 0;
  std::vector<float> images;    // [count][28][28], pixel / 255
  std::vector<uint8_t> labels;  // [count]
  // The files read: DIR/NAME, or DIR/NAME.gz when only that exists (data/idx_reader.h).
  std::string images_file, labels_file;
};

// Reads DIR/{train,t10k}-{images-idx3,labels-idx1}-ubyte, each plain if present, else its
// .gz. `limit` > 0 keeps only the first `limit` images. Returns false with a one-line `error`
// naming the file on failure.
bool LoadMnist(const std::string& dir, MnistSplit split, int limit, MnistSet* set,
               std::string* error);

}  // namespace dnz::data

#endif  // DNZ_HOST_LIB_DATA_MNIST_H_
