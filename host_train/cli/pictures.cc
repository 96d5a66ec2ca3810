#include "cli/pictures.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "files/atomic_write.h"

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb_image_write.h>

namespace dnz::train {
namespace {

constexpr int kSide = 28;
constexpr int kGap = 2;

void AppendToString(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data),
                                             static_cast<size_t>(size));
}

bool GnuplotAvailable() { return std::system("gnuplot --version > /dev/null 2>&1") == 0; }

}  // namespace

std::string PlotLossCurve(const std::string& out_dir) {
  std::ifstream log(out_dir + "/train_log.jsonl");
  std::string data;
  for (std::string line; std::getline(log, line);) {
    try {
      const auto j = nlohmann::json::parse(line);
      // A hand-edited log must not reach a float-to-int cast out of range.
      if (!j.contains("epoch") || !j["epoch"].is_number_integer() || !j.contains("train_bce"))
        continue;
      data += std::to_string(j["epoch"].get<int64_t>()) + " " +
              std::to_string(j["train_bce"].get<double>()) + " " +
              std::to_string(j["val_bce"].get<double>()) + "\n";
    } catch (const std::exception&) {
      continue;  // a line cut by a crash: skip it
    }
  }
  if (data.empty()) return "loss curve: no epochs in the log yet";
  if (!GnuplotAvailable()) {
    return "loss curve: gnuplot not installed; the losses are in " + out_dir + "/train_log.jsonl";
  }
  std::string error;
  const std::string data_path = out_dir + "/loss_curve.dat";
  const std::string png = out_dir + "/loss_curve.png";
  const std::string temp_png = png + ".tmp.png";
  if (!files::WriteFileAtomically(data_path, data, &error)) return "loss curve: " + error;
  const std::string script =
      "set terminal pngcairo size 800,500 noenhanced; set output '" + temp_png +
      "'; set title 'host_train: binary cross-entropy'; set xlabel 'epoch'; set ylabel 'BCE';"
      " set grid; plot '" +
      data_path +
      "' using 1:2 with linespoints title 'train', '' using 1:3"
      " with linespoints title 'validation (noisy test set)'";
  std::string command = "gnuplot -e \"" + script + "\" > /dev/null 2>&1";
  if (std::system(command.c_str()) != 0) {
    // Older or minimal gnuplot builds lack pngcairo; the plain png terminal is enough.
    const std::string plain = "set terminal png size 800,500" + script.substr(script.find(';'));
    command = "gnuplot -e \"" + plain + "\" > /dev/null 2>&1";
    if (std::system(command.c_str()) != 0) {
      std::remove(temp_png.c_str());
      return "loss curve: gnuplot failed; the losses are in " + out_dir + "/train_log.jsonl";
    }
  }
  if (std::rename(temp_png.c_str(), png.c_str()) != 0) return "loss curve: cannot write " + png;
  return "loss curve: " + png;
}

bool WriteDigitGrid(const std::string& path, const float* noisy, const float* denoised,
                    const float* clean, int count, std::string* error) {
  const int width = count * (kSide + kGap) + kGap;
  const int height = 3 * (kSide + kGap) + kGap;
  std::vector<unsigned char> pixels(static_cast<size_t>(width) * height, 96);  // grey gaps
  const float* rows[3] = {noisy, denoised, clean};
  for (int r = 0; r < 3; ++r) {
    for (int i = 0; i < count; ++i) {
      for (int y = 0; y < kSide; ++y) {
        for (int x = 0; x < kSide; ++x) {
          float v = rows[r][static_cast<size_t>(i) * kSide * kSide + y * kSide + x];
          v = v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
          const int py = kGap + r * (kSide + kGap) + y, px = kGap + i * (kSide + kGap) + x;
          pixels[static_cast<size_t>(py) * width + px] =
              static_cast<unsigned char>(v * 255.0f + 0.5f);
        }
      }
    }
  }
  std::string png;
  if (stbi_write_png_to_func(AppendToString, &png, width, height, 1, pixels.data(), width) == 0) {
    *error = path + ": PNG encoding failed";
    return false;
  }
  return files::WriteFileAtomically(path, png, error);
}

}  // namespace dnz::train
