// libFuzzer target: any bytes as an MNIST IDX file, read both as images and as labels.
// Read or refused with one line, never a crash or an unbounded allocation. Inputs that
// start with gzip's magic bytes (1f 8b) take the gzip path: decompressed, never beyond what
// the IDX header implies. The *.gz seeds in corpus/idx_reader/ are the plain seeds
// compressed (see make_fuzz_seeds.cc for the command), one cut short, and a label file
// with 64 KiB more than its header allows.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/idx_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/dnz_fuzz_idx_" + std::to_string(::getpid());
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) std::abort();
  if (size > 0 && std::fwrite(data, 1, size, file) != size) std::abort();
  std::fclose(file);
  std::string error;
  dnz::data::IdxImages images;
  if (!dnz::data::ReadIdxImages(path, &images, &error) && error.empty()) std::abort();
  if (!error.empty() && error.find('\n') != std::string::npos) std::abort();  // one line
  error.clear();
  std::vector<uint8_t> labels;
  if (!dnz::data::ReadIdxLabels(path, &labels, &error) && error.empty()) std::abort();
  if (!error.empty() && error.find('\n') != std::string::npos) std::abort();
  return 0;
}
