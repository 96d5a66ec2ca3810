#include "data/mnist.h"

#include <cstdint>

#include "data/idx_reader.h"

namespace dnz::data {

bool LoadMnist(const std::string& dir, MnistSplit split, int limit, MnistSet* set,
               std::string* error) {
  const std::string prefix = dir + "/" + (split == MnistSplit::kTrain ? "train" : "t10k");
  const std::string images_path = IdxFileToRead(prefix + "-images-idx3-ubyte");
  const std::string labels_path = IdxFileToRead(prefix + "-labels-idx1-ubyte");
  IdxImages idx;
  if (!ReadIdxImages(images_path, &idx, error)) return false;
  if (idx.rows != kMnistSide || idx.cols != kMnistSide) {
    *error = images_path + ": images are " + std::to_string(idx.rows) + "x" +
             std::to_string(idx.cols) + ", expected 28x28 (run scripts/fetch_mnist.sh)";
    return false;
  }
  std::vector<uint8_t> labels;
  if (!ReadIdxLabels(labels_path, &labels, error)) return false;
  if (static_cast<int>(labels.size()) != idx.count) {
    *error = labels_path + ": " + std::to_string(labels.size()) + " labels for " +
             std::to_string(idx.count) + " images (run scripts/fetch_mnist.sh)";
    return false;
  }
  const int count = (limit > 0 && limit < idx.count) ? limit : idx.count;
  set->count = count;
  set->images.resize(static_cast<size_t>(count) * kMnistPixels);
  for (size_t i = 0; i < set->images.size(); ++i) {
    set->images[i] = static_cast<float>(idx.pixels[i]) / 255.0f;
  }
  set->labels.assign(labels.begin(), labels.begin() + count);
  set->images_file = images_path;
  set->labels_file = labels_path;
  return true;
}

}  // namespace dnz::data
