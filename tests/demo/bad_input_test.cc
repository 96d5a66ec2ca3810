// Bad inputs, outputs and models: exit code 1, exactly one line on stderr naming the file,
// and the directory exactly as it was (no output, not even a temporary file).
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <random>

#include "demo_runner.h"
#include "model/model_builder.h"
#include "test_images.h"

namespace dnz::demo_test {
namespace {

struct BadCase {
  std::string name;                                 // the test's label
  std::function<void(const TempDir&)> make_inputs;  // writes the bad file(s) into the dir
  std::vector<std::string> args;
  std::string named_in_error;  // the file the stderr line must name
};

// In `dir` (which holds digit_0_noisy.png): the run fails with one line naming the file and
// leaves the directory as it was.
void ExpectRejectedIn(const TempDir& dir, const BadCase& bad) {
  bad.make_inputs(dir);
  const std::set<std::string> before = ListDir(dir.path());
  const DemoResult run = RunDemo(dir.path(), bad.args);
  EXPECT_EQ(run.exit_code, 1) << bad.name << ": " << run.err;
  ASSERT_EQ(run.err_lines.size(), 1u) << bad.name << ": " << run.err;
  EXPECT_NE(run.err_lines[0].find(bad.named_in_error), std::string::npos)
      << bad.name << ": " << run.err;
  EXPECT_EQ(ListDir(dir.path()), before) << bad.name << ": files were left behind";
}

void ExpectRejected(const BadCase& bad) {
  TempDir dir;
  CopyExample("digit_0_noisy.png", dir.path());
  ExpectRejectedIn(dir, bad);
}

void Nothing(const TempDir&) {}

std::vector<uint8_t> FirstBytes(const std::vector<uint8_t>& bytes, size_t count) {
  return std::vector<uint8_t>(bytes.begin(), bytes.begin() + std::ptrdiff_t(count));
}

TEST(RuntimeDemoBadInput, MissingFile) {
  ExpectRejected({"missing", Nothing, {"no_such_digit.png"}, "no_such_digit.png"});
}

TEST(RuntimeDemoBadInput, Directory) {
  ExpectRejected({"directory",
                  [](const TempDir& dir) { std::filesystem::create_directory(dir / "folder"); },
                  {"folder"},
                  "folder"});
}

TEST(RuntimeDemoBadInput, TextFileNamedPng) {
  ExpectRejected({"text",
                  [](const TempDir& dir) { WriteText(dir / "notes.png", "just some text\n"); },
                  {"notes.png"},
                  "notes.png"});
}

TEST(RuntimeDemoBadInput, EmptyFile) {
  ExpectRejected({"empty",
                  [](const TempDir& dir) { WriteText(dir / "empty.png", ""); },
                  {"empty.png"},
                  "empty.png"});
}

TEST(RuntimeDemoBadInput, TruncatedPng) {
  ExpectRejected({"truncated",
                  [](const TempDir& dir) {
                    WriteBytes(dir / "cut.png",
                               FirstBytes(ReadBytes(dir / "digit_0_noisy.png"), 100));
                  },
                  {"cut.png"},
                  "cut.png"});
}

// A PGM, BMP or PNG whose pixels stop short of what its header says (stb_image would hand back
// the missing pixels uninitialised, or read zeros): refused, and the line says why. For
// 16-bit PGM samples (maximum value over 255) one byte per pixel is half of what is needed.
TEST(RuntimeDemoBadInput, TruncatedPgmBmpAndPng) {
  const std::vector<uint8_t> full = Pgm(28, 28, std::vector<uint8_t>(28 * 28, 200));
  ExpectRejected({"truncated pgm",
                  [&full](const TempDir& dir) {
                    WriteBytes(dir / "cut.pgm", FirstBytes(full, full.size() - 1));
                  },
                  {"cut.pgm"},
                  "pixel data truncated (783 of 784 bytes)"});
  ExpectRejected({"8-bit data in a 16-bit pgm",
                  [](const TempDir& dir) {
                    std::vector<uint8_t> bytes = {'P',  '5', '\n', '2', '8', ' ', '2', '8',
                                                  '\n', '6', '5',  '5', '3', '5', '\n'};
                    bytes.resize(bytes.size() + 28 * 28, 0x80);
                    WriteBytes(dir / "short16.pgm", bytes);
                  },
                  {"short16.pgm"},
                  "pixel data truncated (784 of 1568 bytes)"});
  ExpectRejected({"truncated bmp",
                  [](const TempDir& dir) {
                    DecodedImage digit;
                    ASSERT_TRUE(DecodeImage(dir / "digit_0_noisy.png", &digit));
                    ASSERT_TRUE(WriteBmp(dir / "whole.bmp", digit));
                    const std::vector<uint8_t> whole = ReadBytes(dir / "whole.bmp");
                    std::filesystem::remove(dir / "whole.bmp");
                    WriteBytes(dir / "cut.bmp", FirstBytes(whole, whole.size() - 1));
                  },
                  {"cut.bmp"},
                  "BMP pixel data truncated (2351 of 2352 bytes)"});
  // A PNG whose IDAT chunk claims 1 GiB in a 60-byte file (stb would first grow its buffer
  // to that size).
  ExpectRejected({"png chunk past the end",
                  [](const TempDir& dir) {
                    std::vector<uint8_t> png = PngHeaderOnly(28, 28);
                    png.resize(png.size() - 12);  // drop IEND
                    png.insert(png.end(), {0x40, 0, 0, 0, 'I', 'D', 'A', 'T', 1, 2, 3, 4, 5});
                    WriteBytes(dir / "long_idat.png", png);
                  },
                  {"long_idat.png"},
                  "PNG data truncated (a chunk at byte 33 claims 1073741824 bytes"});
}

TEST(RuntimeDemoBadInput, HugePngHeader) {
  ExpectRejected(
      {"huge",
       [](const TempDir& dir) { WriteBytes(dir / "huge.png", PngHeaderOnly(100000, 100000)); },
       {"huge.png"},
       "huge.png"});
}

// 9000 x 10 is only 90 kPixel but one side is over the 8192 limit.
TEST(RuntimeDemoBadInput, TooWidePgmHeader) {
  ExpectRejected({"wide",
                  [](const TempDir& dir) { WriteText(dir / "wide.pgm", "P5\n9000 10\n255\n"); },
                  {"wide.pgm"},
                  "wide.pgm"});
}

TEST(RuntimeDemoBadInput, ZeroSizedPngHeader) {
  ExpectRejected({"zero",
                  [](const TempDir& dir) { WriteBytes(dir / "zero.png", PngHeaderOnly(0, 0)); },
                  {"zero.png"},
                  "zero.png"});
}

// Tests run as root, whom chmod does not stop: a path below a regular file is never
// writable.
TEST(RuntimeDemoBadInput, OutputBelowARegularFile) {
  ExpectRejected({"unwritable",
                  [](const TempDir& dir) { WriteText(dir / "plain_file", "x"); },
                  {"digit_0_noisy.png", "-o", "plain_file/x.png"},
                  "plain_file/x.png"});
}

TEST(RuntimeDemoBadInput, OutputInMissingDirectory) {
  ExpectRejected(
      {"no dir", Nothing, {"digit_0_noisy.png", "-o", "/proc/nonexistent/x.png"}, "x.png"});
}

// A directory where the output should go: refused before anything is written. (A rename
// that fails after the temporary was written is reached by tests/host_lib/
// atomic_write_test.cc, which injects the failure.)
TEST(RuntimeDemoBadInput, OutputNameTakenByADirectory) {
  ExpectRejected({"rename fails",
                  [](const TempDir& dir) {
                    std::filesystem::create_directory(dir / "digit_0_noisy.denoised.png");
                  },
                  {"digit_0_noisy.png"},
                  "digit_0_noisy.denoised.png"});
}

// With --compare, a failure on the second output must not leave the first one behind.
TEST(RuntimeDemoBadInput, CompareOutputFailsSoNothingIsWritten) {
  ExpectRejected({"second output fails",
                  [](const TempDir& dir) {
                    std::filesystem::create_directory(dir / "digit_0_noisy.compare.png");
                  },
                  {"digit_0_noisy.png", "--compare"},
                  "digit_0_noisy.compare.png"});
}

TEST(RuntimeDemoBadInput, SeveralOutputsNeedAnExistingDirectory) {
  ExpectRejected({"-o file for several inputs",
                  [](const TempDir& dir) { CopyExample("digit_1_noisy.png", dir.path()); },
                  {"digit_0_noisy.png", "digit_1_noisy.png", "-o", "one.png"},
                  "one.png"});
}

TEST(RuntimeDemoBadModel, RandomBytes) {
  ExpectRejected({"random model",
                  [](const TempDir& dir) {
                    std::vector<uint8_t> noise(4096);
                    uint32_t state = 12345;
                    for (uint8_t& b : noise)
                      b = uint8_t((state = state * 1103515245u + 12345u) >> 24);
                    WriteBytes(dir / "random.dnz", noise);
                  },
                  {"digit_0_noisy.png", "--model", "random.dnz"},
                  "random.dnz"});
}

TEST(RuntimeDemoBadModel, TruncatedRealModel) {
  ExpectRejected({"truncated model",
                  [](const TempDir& dir) {
                    const std::vector<uint8_t> model = ReadBytes(DNZ_DEMO_MODEL_FILE);
                    ASSERT_GT(model.size(), 1000u);
                    WriteBytes(dir / "half.dnz", FirstBytes(model, model.size() / 2));
                  },
                  {"digit_0_noisy.png", "--model", "half.dnz"},
                  "half.dnz"});
}

TEST(RuntimeDemoBadModel, EmptyModel) {
  ExpectRejected({"empty model",
                  [](const TempDir& dir) { WriteText(dir / "empty.dnz", ""); },
                  {"digit_0_noisy.png", "--model", "empty.dnz"},
                  "empty.dnz"});
}

TEST(RuntimeDemoBadModel, MissingModel) {
  ExpectRejected(
      {"missing model", Nothing, {"digit_0_noisy.png", "--model", "nope.dnz"}, "nope.dnz"});
}

TEST(RuntimeDemoBadModel, CorruptModelWithVersion) {
  ExpectRejected({"--version, bad model",
                  [](const TempDir& dir) { WriteText(dir / "bad.dnz", "not a model at all"); },
                  {"--version", "--model", "bad.dnz"},
                  "bad.dnz"});
}

// A valid model for 14x14 images is still the wrong model for runtime_demo.
TEST(RuntimeDemoBadModel, WrongImageSize) {
  build::FloatNetwork net;
  net.input_height = net.input_width = 14;
  build::FloatConv conv;
  conv.in_channels = conv.out_channels = 1;
  conv.activation = build::Activation::kSigmoid;
  conv.weights.assign(9, 0.1f);
  conv.bias.assign(1, 0.0f);
  net.convs.push_back(conv);
  std::string error;
  const std::vector<uint8_t> model =
      build::BuildModel(net, {std::vector<float>(14 * 14, 0.5f)}, build::Provenance{}, {}, &error);
  ASSERT_FALSE(model.empty()) << error;
  ExpectRejected({"14x14 model",
                  [&model](const TempDir& dir) { WriteBytes(dir / "small.dnz", model); },
                  {"digit_0_noisy.png", "--model", "small.dnz"},
                  "small.dnz"});
}

// One bad file among good ones: the good ones are still denoised, the bad one reported.
TEST(RuntimeDemoBadInput, OneBadAmongSeveral) {
  TempDir dir;
  CopyExample("digit_0_noisy.png", dir.path());
  CopyExample("digit_1_noisy.png", dir.path());
  WriteText(dir / "bad.png", "not an image");
  const DemoResult run =
      RunDemo(dir.path(), {"digit_0_noisy.png", "bad.png", "missing.png", "digit_1_noisy.png"});
  EXPECT_EQ(run.exit_code, 1);
  ASSERT_EQ(run.err_lines.size(), 2u) << run.err;
  EXPECT_NE(run.err_lines[0].find("bad.png"), std::string::npos) << run.err;
  EXPECT_NE(run.err_lines[1].find("missing.png"), std::string::npos) << run.err;
  EXPECT_EQ(run.out_lines.size(), 2u) << run.out;
  EXPECT_EQ(ListDir(dir.path()),
            (std::set<std::string>{"digit_0_noisy.png", "digit_1_noisy.png", "bad.png",
                                   "digit_0_noisy.denoised.png", "digit_1_noisy.denoised.png"}));
}

// Two inputs with one name in two folders would write one output twice: the second is
// refused rather than silently overwriting the first.
// Two inputs whose outputs would be one file: refused before anything is written (a run
// that wrote the first and skipped the second would lose the user's earlier file anyway).
TEST(RuntimeDemoBadInput, TwoInputsWithTheSameOutput) {
  TempDir dir;
  std::filesystem::create_directory(dir / "a");
  std::filesystem::create_directory(dir / "b");
  std::filesystem::create_directory(dir / "out");
  CopyExample("digit_0_noisy.png", dir / "a");
  CopyExample("digit_0_noisy.png", dir / "b");
  const DemoResult run =
      RunDemo(dir.path(), {"a/digit_0_noisy.png", "b/digit_0_noisy.png", "-o", "out"});
  EXPECT_EQ(run.exit_code, 1);
  ASSERT_EQ(run.err_lines.size(), 1u) << run.err;
  EXPECT_NE(run.err_lines[0].find("a/digit_0_noisy.png"), std::string::npos) << run.err;
  EXPECT_NE(run.err_lines[0].find("b/digit_0_noisy.png"), std::string::npos) << run.err;
  EXPECT_TRUE(ListDir(dir / "out").empty());
}

// An output that is an input, named differently (-o ./NAME, a symbolic link, another input's
// default output name): refused before anything is written, the input unchanged.
TEST(RuntimeDemoBadInput, AnOutputThatIsAnInputIsRefused) {
  const auto symlink_to_input = [](const TempDir& dir) {
    std::filesystem::create_symlink("digit_0_noisy.png", dir / "link.png");
  };
  const auto second_input_named_like_an_output = [](const TempDir& dir) {
    std::filesystem::copy_file(dir / "digit_0_noisy.png", dir / "digit_0_noisy.denoised.png");
  };
  for (const BadCase& bad : {
           BadCase{"-o ./input",
                   Nothing,
                   {"digit_0_noisy.png", "-o", "./digit_0_noisy.png"},
                   "digit_0_noisy.png"},
           BadCase{"-o symlink to the input",
                   symlink_to_input,
                   {"digit_0_noisy.png", "-o", "link.png"},
                   "link.png"},
           BadCase{"an output is the next input",
                   second_input_named_like_an_output,
                   {"digit_0_noisy.png", "digit_0_noisy.denoised.png"},
                   "digit_0_noisy.denoised.png"},
       }) {
    TempDir dir;
    CopyExample("digit_0_noisy.png", dir.path());
    const std::vector<uint8_t> input = ReadBytes(dir / "digit_0_noisy.png");
    ExpectRejectedIn(dir, bad);
    EXPECT_EQ(ReadBytes(dir / "digit_0_noisy.png"), input) << bad.name;
  }
}

// A file that existed before the run survives a failure: here the denoised output already
// exists and the --compare output cannot be written, so neither is.
TEST(RuntimeDemoBadInput, AFailureKeepsTheFilesThatWereThere) {
  TempDir dir;
  CopyExample("digit_0_noisy.png", dir.path());
  const std::string old_output = dir / "digit_0_noisy.denoised.png";
  CopyExample("digit_1_noisy.png", dir.path());
  std::filesystem::rename(dir / "digit_1_noisy.png", old_output);
  const std::vector<uint8_t> before = ReadBytes(old_output);
  std::filesystem::create_directory(dir / "digit_0_noisy.compare.png");
  const DemoResult run = RunDemo(dir.path(), {"digit_0_noisy.png", "--compare"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  EXPECT_EQ(ReadBytes(old_output), before);
}

// Damaged files (a few random bytes changed, some also cut short) must each end in either a
// clean success or one error line with nothing written; never a crash.
TEST(RuntimeDemoBadInput, DamagedPngsNeverCrash) {
  TempDir dir;
  const std::vector<uint8_t> original = ReadBytes(CopyExample("digit_0_noisy.png", dir.path()));
  std::mt19937 random(7);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<uint8_t> damaged = original;
    for (int flip = 0; flip < 1 + trial % 6; ++flip) {
      damaged[random() % damaged.size()] = uint8_t(random());
    }
    if (trial % 3 == 0) damaged.resize(random() % damaged.size());
    WriteBytes(dir / "damaged.png", damaged);
    const DemoResult run = RunDemo(dir.path(), {"damaged.png"});
    ASSERT_TRUE(run.exit_code == 0 || run.exit_code == 1) << "trial " << trial << ": " << run.err;
    const bool written = ListDir(dir.path()).count("damaged.denoised.png") > 0;
    EXPECT_EQ(written, run.exit_code == 0) << "trial " << trial;
    EXPECT_EQ(run.err_lines.size(), run.exit_code == 0 ? 0u : 1u) << "trial " << trial;
    EXPECT_EQ(ListDir(dir.path()).size(), written ? 3u : 2u) << "trial " << trial;
    std::filesystem::remove(dir / "damaged.denoised.png");
  }
}

}  // namespace
}  // namespace dnz::demo_test
