// Checkpoint files: round trip, and every kind of damage gives one clear error.
#include "checkpoint/checkpoint.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "files/atomic_write.h"
#include "network/seed_network.h"

namespace dnz::train {
namespace {

Checkpoint Sample() {
  Checkpoint c;
  c.options.batch = 64;
  c.options.noise_mode = "fixed";
  c.init_seed = 12;
  c.shuffle_seed = 34;
  c.noise_seed = 56;
  c.epoch = 3;
  c.step_in_epoch = 17;
  c.epoch_loss_sum = 1.25;
  c.epoch_images = 17 * 64;
  c.params = GlorotUniformInit(7);
  c.adam.m.assign(c.params.size(), 0.5f);
  c.adam.v.assign(c.params.size(), 0.25f);
  c.adam.step = 1234;
  c.activation_ranges.output_max = {1.5f, 2.25f, 0.1f, 3.0f, 4.0f, 5.0f, 0.7f, 0.0f};
  c.activation_ranges.logit_min = -11.125f;
  c.activation_ranges.logit_max = 3.3333333f;
  return c;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

TEST(Checkpoint, RoundTrips) {
  const std::string path =
      ::testing::TempDir() + "/dnz_ckpt_roundtrip_" + std::to_string(::getpid());
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, Sample(), &error)) << error;
  Checkpoint loaded;
  ASSERT_TRUE(LoadCheckpoint(path, &loaded, &error)) << error;
  const Checkpoint want = Sample();
  EXPECT_EQ(loaded.params, want.params);
  EXPECT_EQ(loaded.adam.m, want.adam.m);
  EXPECT_EQ(loaded.adam.v, want.adam.v);
  EXPECT_EQ(loaded.adam.step, 1234);
  EXPECT_EQ(loaded.options.batch, 64);
  EXPECT_EQ(loaded.options.noise_mode, "fixed");
  EXPECT_EQ(loaded.epoch, 3);
  EXPECT_EQ(loaded.step_in_epoch, 17);
  EXPECT_EQ(loaded.noise_seed, 56u);
  // --qat's activation ranges, bit for bit (the export stores the grids they give).
  EXPECT_EQ(loaded.activation_ranges.output_max, want.activation_ranges.output_max);
  EXPECT_EQ(loaded.activation_ranges.logit_min, want.activation_ranges.logit_min);
  EXPECT_EQ(loaded.activation_ranges.logit_max, want.activation_ranges.logit_max);
  // A run without them saves none and loads none.
  Checkpoint plain = Sample();
  plain.activation_ranges = dnz::build::ActivationRanges();
  ASSERT_TRUE(SaveCheckpoint(path, plain, &error)) << error;
  ASSERT_TRUE(LoadCheckpoint(path, &loaded, &error)) << error;
  EXPECT_TRUE(loaded.activation_ranges.output_max.empty());
}

TEST(Checkpoint, DamagedFilesGiveOneClearError) {
  const std::string path = ::testing::TempDir() + "/dnz_ckpt_damaged_" + std::to_string(::getpid());
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, Sample(), &error)) << error;
  const std::string good = ReadAll(path);
  const auto check = [&](const std::string& bytes, const char* expect) {
    std::ofstream(path, std::ios::binary) << bytes;
    Checkpoint c;
    std::string e;
    EXPECT_FALSE(LoadCheckpoint(path, &c, &e));
    EXPECT_NE(e.find(expect), std::string::npos) << e;
  };
  check(good.substr(0, good.size() / 2), "corrupt");
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x10;
  check(flipped, "checksum");
  check("not a checkpoint at all, just text", "corrupt");
  check("", "corrupt");
  Checkpoint none;
  EXPECT_FALSE(LoadCheckpoint(path + ".missing", &none, &error));
  EXPECT_NE(error.find("no checkpoint"), std::string::npos) << error;
}

// Numbers of the wrong kind or size in the metadata are refused by name rather than cast
// (a float-to-int cast out of range is undefined behaviour; the checkpoint fuzzer found it).
TEST(Checkpoint, MetadataNumbersOutOfRangeAreRefused) {
  const std::string path = ::testing::TempDir() + "/dnz_ckpt_numbers_" + std::to_string(::getpid());
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, Sample(), &error)) << error;
  const std::string bytes = ReadAll(path);
  uint64_t json_bytes = 0;
  for (int i = 0; i < 8; ++i) json_bytes |= uint64_t{static_cast<uint8_t>(bytes[8 + i])} << (8 * i);
  const nlohmann::json good = nlohmann::json::parse(bytes.substr(16, json_bytes));
  Checkpoint c;
  ASSERT_TRUE(ParseCheckpointMetadata(good.dump(), "ckpt", &c, &error)) << error;

  const auto refused = [&](const nlohmann::json::json_pointer& where, const nlohmann::json& value) {
    nlohmann::json bad = good;
    bad[where] = value;
    Checkpoint out;
    std::string e;
    EXPECT_FALSE(ParseCheckpointMetadata(bad.dump(), "ckpt", &out, &e)) << bad.dump();
    EXPECT_NE(e.find(where.back()), std::string::npos) << e;
  };
  using Ptr = nlohmann::json::json_pointer;
  refused(Ptr("/options/epochs"), 6.44444e+26);
  refused(Ptr("/options/batch"), -1e30);
  refused(Ptr("/options/batch"), 64.5);
  refused(Ptr("/options/seed"), -1);
  refused(Ptr("/options/threads"), "two");
  refused(Ptr("/options/learning_rate"), 1e300);
  refused(Ptr("/epoch"), int64_t{1} << 40);
  refused(Ptr("/epoch_images"), 1e19);
  refused(Ptr("/noise_seed"), 3.5);
  refused(Ptr("/activation_ranges/logit_min"), 1e300);
  refused(Ptr("/activation_ranges/logit_min"), 100.0);  // above logit_max: an empty range
  refused(Ptr("/activation_ranges/output_max"), nlohmann::json::array({1.0, 2.0}));
  refused(Ptr("/activation_ranges/output_max/3"), -1.0);
  refused(Ptr("/activation_ranges/output_max/3"), "big");
}

// Saving goes through the atomic writer (its own failure paths: tests/host_lib/
// atomic_write_test.cc): after a save, and after a save that fails, the folder holds the
// checkpoint and nothing else.
TEST(Checkpoint, SavingLeavesOnlyTheCheckpointInItsFolder) {
  namespace fs = std::filesystem;
  const fs::path dir =
      fs::path(::testing::TempDir()) / ("dnz_ckpt_folder_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / kCheckpointName).string();
  std::string error;
  ASSERT_TRUE(SaveCheckpoint(path, Sample(), &error)) << error;
  ASSERT_TRUE(SaveCheckpoint(path, Sample(), &error)) << error;  // replaces
  const auto listing = [&dir] {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  };
  EXPECT_EQ(listing(), std::vector<std::string>{kCheckpointName});
  Checkpoint bad = Sample();
  bad.params.pop_back();  // the wrong size: refused before anything is written
  EXPECT_FALSE(SaveCheckpoint(path, bad, &error));
  EXPECT_EQ(listing(), std::vector<std::string>{kCheckpointName});
  Checkpoint loaded;
  EXPECT_TRUE(LoadCheckpoint(path, &loaded, &error)) << error;
  EXPECT_FALSE(SaveCheckpoint("/nonexistent_dir_dnz/x", Sample(), &error));
  EXPECT_NE(error.find("/nonexistent_dir_dnz/x"), std::string::npos) << error;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace dnz::train
