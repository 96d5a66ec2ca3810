// The C API's answers for the Python tests to match, byte for byte:
//   c_api_reference MNIST_DIR COUNT OUT_DIR MODEL F32_COUNT
// writes, for the first COUNT MNIST test digits: clean.u8 (the IDX pixels), noisy.u8 and
// noisy.f32 (the evaluation noise: factor 0.7, kTestNoiseSeed; u8 rounded as runtime_demo's
// ToPixels), and for every built-in backend of the table, out_NAME.u8 (dnz_run_u8 of noisy.u8,
// one call, max_batch 8) and out_NAME.f32 (dnz_run_f32 of the first F32_COUNT of noisy.f32: ref
// runs at about 20 ms a digit on our 2-core machine); arena_NAME.txt holds dnz_session_arena_bytes
// for max_batch 1. MODEL: the model file (CTest passes models/default.dnz).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "data/mnist.h"
#include "data/noise.h"
#include "digit_conversion.h"
#include "dnz/dnz.h"
#include "dnz/dnz.hpp"
#include "image_decode.h"

namespace {

bool Write(const std::string& path, const void* data, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(static_cast<const char*>(data), std::streamsize(bytes));
  return bool(out);
}

int Fail(const std::string& line) {
  std::fprintf(stderr, "c_api_reference: %s\n", line.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) return Fail("usage: c_api_reference MNIST_DIR COUNT OUT_DIR MODEL F32_COUNT");
  const int f32_count = std::min(std::stoi(argv[5]), std::stoi(argv[2]));
  const std::string out_dir = argv[3];
  dnz::data::MnistSet set;
  std::string error;
  if (!dnz::data::LoadMnist(argv[1], dnz::data::MnistSplit::kTest, std::stoi(argv[2]), &set,
                            &error)) {
    return Fail(error);
  }
  const size_t values = set.images.size();
  std::vector<float> noisy(values);
  dnz::data::MakeNoisyTestImages(set.images.data(), size_t(set.count), dnz::data::kMnistPixels,
                                 noisy.data());
  const std::vector<uint8_t> clean_u8 = dnz::demo::ToPixels(set.images);
  const std::vector<uint8_t> noisy_u8 = dnz::demo::ToPixels(noisy);
  if (!Write(out_dir + "/clean.u8", clean_u8.data(), values) ||
      !Write(out_dir + "/noisy.u8", noisy_u8.data(), values) ||
      !Write(out_dir + "/noisy.f32", noisy.data(), values * sizeof(float))) {
    return Fail("cannot write into " + out_dir);
  }
  std::vector<uint8_t> file;
  if (!dnz::demo::ReadRegularFile(argv[4], size_t(256) << 20, &file, &error)) return Fail(error);
  dnz::AlignedBuffer bytes(file.data(), file.size());
  dnz_model model;
  if (dnz_model_load(&model, bytes.data(), bytes.size()) != DNZ_OK) return Fail(model.error);
  for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
    const dnz_backend_info& info = *dnz_backend_info_at(i);
    if (!info.built_in) continue;
    for (uint32_t max_batch : {8u, 1u}) {
      const dnz_session_options options{info.backend, max_batch, 0, 0};
      dnz_session session;
      if (dnz_session_init(&session, &model, &options) != DNZ_OK) return Fail(session.error);
      dnz::AlignedBuffer arena(dnz_session_arena_bytes(&session));
      dnz_session_set_arena(&session, arena.data(), arena.size());
      const std::string name = out_dir + "/" + info.name;
      if (max_batch == 1) {
        const std::string text = std::to_string(dnz_session_arena_bytes(&session)) + "\n";
        Write(out_dir + "/arena_" + info.name + ".txt", text.data(), text.size());
        dnz_session_destroy(&session);
        continue;
      }
      std::vector<uint8_t> out_u8(values);
      std::vector<float> out_f32(values);
      if (dnz_run_u8(&session, noisy_u8.data(), out_u8.data(), uint32_t(set.count)) != DNZ_OK ||
          dnz_run_f32(&session, noisy.data(), out_f32.data(), uint32_t(f32_count)) != DNZ_OK) {
        return Fail(session.error);
      }
      dnz_session_destroy(&session);
      if (!Write(out_dir + "/out_" + info.name + ".u8", out_u8.data(), values) ||
          !Write(out_dir + "/out_" + info.name + ".f32", out_f32.data(),
                 size_t(f32_count) * dnz::data::kMnistPixels * sizeof(float))) {
        return Fail("cannot write into " + out_dir);
      }
    }
  }
  return 0;
}
