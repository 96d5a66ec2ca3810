// dnz_data: IDX reader errors (plain and gzip-compressed files), MNIST loading,
// deterministic noise, metrics.
#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "data/idx_reader.h"
#include "data/metrics.h"
#include "data/mnist.h"
#include "data/noise.h"

namespace dnz::data {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/dnz_data_test_" + std::to_string(::getpid()) + "_" + name;
}

void WriteBytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
}

std::vector<uint8_t> IdxImageFile(uint32_t magic, uint32_t count, uint32_t rows, uint32_t cols,
                                  size_t payload) {
  std::vector<uint8_t> bytes;
  for (uint32_t v : {magic, count, rows, cols}) {
    for (int s = 24; s >= 0; s -= 8) bytes.push_back(static_cast<uint8_t>(v >> s));
  }
  bytes.resize(16 + payload, 7);
  return bytes;
}

TEST(IdxReader, ReadsAWellFormedFile) {
  const std::string path = TempPath("good");
  WriteBytes(path, IdxImageFile(2051, 2, 3, 4, 24));
  IdxImages images;
  std::string error;
  ASSERT_TRUE(ReadIdxImages(path, &images, &error)) << error;
  EXPECT_EQ(images.count, 2);
  EXPECT_EQ(images.rows, 3);
  EXPECT_EQ(images.cols, 4);
  EXPECT_EQ(images.pixels.size(), 24u);
}

TEST(IdxReader, MissingFileNamesTheFileAndTheFetchScript) {
  IdxImages images;
  std::string error;
  EXPECT_FALSE(ReadIdxImages(TempPath("does_not_exist"), &images, &error));
  EXPECT_NE(error.find("does_not_exist"), std::string::npos) << error;
  EXPECT_NE(error.find("scripts/fetch_mnist.sh"), std::string::npos) << error;
}

TEST(IdxReader, RejectsWrongMagic) {
  const std::string path = TempPath("labels_as_images");
  WriteBytes(path, IdxImageFile(2049, 2, 3, 4, 24));
  IdxImages images;
  std::string error;
  EXPECT_FALSE(ReadIdxImages(path, &images, &error));
  EXPECT_NE(error.find("magic 2049"), std::string::npos) << error;
}

TEST(IdxReader, RejectsTruncatedAndOverlongFiles) {
  IdxImages images;
  std::string error;
  const std::string truncated = TempPath("truncated");
  WriteBytes(truncated, IdxImageFile(2051, 2, 3, 4, 23));
  EXPECT_FALSE(ReadIdxImages(truncated, &images, &error));
  EXPECT_NE(error.find("truncated"), std::string::npos) << error;
  const std::string overlong = TempPath("overlong");
  WriteBytes(overlong, IdxImageFile(2051, 2, 3, 4, 25));
  EXPECT_FALSE(ReadIdxImages(overlong, &images, &error));
  const std::string header_only = TempPath("header_only");
  WriteBytes(header_only, {0, 0, 8});
  EXPECT_FALSE(ReadIdxImages(header_only, &images, &error));
  EXPECT_NE(error.find("header"), std::string::npos) << error;
}

TEST(IdxReader, RejectsBadLabels) {
  const std::string path = TempPath("labels");
  WriteBytes(path, {0, 0, 8, 1, 0, 0, 0, 2, 3, 12});
  std::vector<uint8_t> labels;
  std::string error;
  EXPECT_FALSE(ReadIdxLabels(path, &labels, &error));
  EXPECT_NE(error.find("out of range"), std::string::npos) << error;
  WriteBytes(path, {0, 0, 8, 1, 0, 0, 0, 2, 3, 1});
  ASSERT_TRUE(ReadIdxLabels(path, &labels, &error)) << error;
  EXPECT_EQ(labels, (std::vector<uint8_t>{3, 1}));
}

// `bytes` gzip-compressed (zlib's deflate with a gzip wrapper, as `gzip -9n` writes it).
std::vector<uint8_t> Gzip(const std::vector<uint8_t>& bytes) {
  z_stream s{};
  EXPECT_EQ(deflateInit2(&s, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::vector<uint8_t> out(deflateBound(&s, static_cast<uLong>(bytes.size())));
  s.next_in = const_cast<Bytef*>(bytes.data());
  s.avail_in = static_cast<uInt>(bytes.size());
  s.next_out = out.data();
  s.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&s, Z_FINISH), Z_STREAM_END);
  out.resize(s.total_out);
  deflateEnd(&s);
  return out;
}

// An image file whose pixels differ (i * 37), so that a wrong byte anywhere shows.
std::vector<uint8_t> PatternedImageFile(uint32_t count, uint32_t rows, uint32_t cols) {
  std::vector<uint8_t> bytes = IdxImageFile(2051, count, rows, cols, 0);
  for (size_t i = 0; i < size_t{count} * rows * cols; ++i) {
    bytes.push_back(static_cast<uint8_t>(i * 37));
  }
  return bytes;
}

void ExpectOneLineNaming(const std::string& error, const std::string& path,
                         const std::string& what) {
  EXPECT_NE(error.find(path), std::string::npos) << error;
  EXPECT_NE(error.find(what), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos) << error;
}

TEST(IdxReaderGzip, ReadsTheSameAsThePlainFile) {
  const std::vector<uint8_t> plain_images = PatternedImageFile(3, 5, 7);
  const std::string plain = TempPath("images_plain");
  const std::string gz = TempPath("images.gz");
  WriteBytes(plain, plain_images);
  WriteBytes(gz, Gzip(plain_images));
  IdxImages a, b;
  std::string error;
  ASSERT_TRUE(ReadIdxImages(plain, &a, &error)) << error;
  ASSERT_TRUE(ReadIdxImages(gz, &b, &error)) << error;
  EXPECT_EQ(b.count, 3);
  EXPECT_EQ(b.rows, 5);
  EXPECT_EQ(b.cols, 7);
  EXPECT_EQ(b.pixels, a.pixels);
  // Two gzip members one after the other (`cat a.gz b.gz`) are one file, as for gunzip.
  const size_t half = plain_images.size() / 2;
  std::vector<uint8_t> two = Gzip({plain_images.begin(), plain_images.begin() + long(half)});
  const std::vector<uint8_t> second = Gzip({plain_images.begin() + long(half), plain_images.end()});
  two.insert(two.end(), second.begin(), second.end());
  WriteBytes(gz, two);
  IdxImages c;
  ASSERT_TRUE(ReadIdxImages(gz, &c, &error)) << error;
  EXPECT_EQ(c.pixels, a.pixels);
  // Labels too.
  const std::vector<uint8_t> labels_file = {0, 0, 8, 1, 0, 0, 0, 4, 3, 1, 4, 1};
  WriteBytes(gz, Gzip(labels_file));
  std::vector<uint8_t> labels;
  ASSERT_TRUE(ReadIdxLabels(gz, &labels, &error)) << error;
  EXPECT_EQ(labels, (std::vector<uint8_t>{3, 1, 4, 1}));
}

TEST(IdxReaderGzip, IsDetectedByItsMagicBytesNotByItsName) {
  const std::vector<uint8_t> plain_images = PatternedImageFile(2, 3, 4);
  const std::string gzip_without_suffix = TempPath("gzip_named_plain");
  const std::string plain_with_suffix = TempPath("plain_named.gz");
  WriteBytes(gzip_without_suffix, Gzip(plain_images));
  WriteBytes(plain_with_suffix, plain_images);
  IdxImages a, b;
  std::string error;
  ASSERT_TRUE(ReadIdxImages(gzip_without_suffix, &a, &error)) << error;
  ASSERT_TRUE(ReadIdxImages(plain_with_suffix, &b, &error)) << error;
  EXPECT_EQ(a.pixels, b.pixels);
  EXPECT_EQ(a.pixels, std::vector<uint8_t>(plain_images.begin() + 16, plain_images.end()));
}

TEST(IdxReaderGzip, TruncatedFilesGiveOneClearLine) {
  const std::vector<uint8_t> gz = Gzip(PatternedImageFile(4, 28, 28));
  const std::string path = TempPath("truncated.gz");
  // Inside the gzip header, inside the compressed data, and without the 8-byte trailer.
  for (const size_t keep : {size_t{5}, size_t{12}, gz.size() / 2, gz.size() - 8, gz.size() - 1}) {
    WriteBytes(path, {gz.begin(), gz.begin() + long(keep)});
    IdxImages images;
    std::string error;
    EXPECT_FALSE(ReadIdxImages(path, &images, &error)) << "kept " << keep << " bytes";
    ExpectOneLineNaming(error, path, "truncated gzip file");
  }
}

TEST(IdxReaderGzip, CorruptFilesGiveOneClearLine) {
  const std::vector<uint8_t> gz = Gzip(PatternedImageFile(4, 28, 28));
  const std::string path = TempPath("corrupt.gz");
  std::vector<std::vector<uint8_t>> corrupt(4, gz);
  corrupt[0][2] = 7;                  // compression method 7: not deflate
  corrupt[1][10] |= 0x06;             // first block of type 3 (reserved)
  corrupt[2][gz.size() - 6] ^= 0x01;  // a bit of the CRC-32 in the trailer
  corrupt[3].push_back(0);            // a byte after the end of the gzip member
  for (const std::vector<uint8_t>& bytes : corrupt) {
    WriteBytes(path, bytes);
    IdxImages images;
    std::string error;
    EXPECT_FALSE(ReadIdxImages(path, &images, &error));
    ExpectOneLineNaming(error, path, "corrupt gzip file");
  }
}

TEST(IdxReaderGzip, DecompressesNoMoreThanTheHeaderAllows) {
  const std::string path = TempPath("bomb.gz");
  IdxImages images;
  std::string error;
  // A 2x3x4 header (a 40-byte file) followed by 16 MiB of zeros: about 16 KiB of gzip.
  std::vector<uint8_t> bomb = PatternedImageFile(2, 3, 4);
  bomb.resize(bomb.size() + (size_t{16} << 20), 0);
  WriteBytes(path, Gzip(bomb));
  EXPECT_FALSE(ReadIdxImages(path, &images, &error));
  ExpectOneLineNaming(error, path, "decompresses to more than the 40 bytes its IDX header implies");
  // Labels: a header for 3 labels, then a megabyte.
  std::vector<uint8_t> labels_bomb = {0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3};
  labels_bomb.resize(labels_bomb.size() + (size_t{1} << 20), 1);
  WriteBytes(path, Gzip(labels_bomb));
  std::vector<uint8_t> labels;
  EXPECT_FALSE(ReadIdxLabels(path, &labels, &error));
  ExpectOneLineNaming(error, path, "decompresses to more than the 11 bytes");
  // A header whose own dimensions exceed the gzip cap (400,000 28x28 images: 299 MiB) is
  // refused before anything past it is decompressed.
  const std::vector<uint8_t> huge = IdxImageFile(2051, 400000, 28, 28, 784);
  WriteBytes(path, Gzip(huge));
  EXPECT_FALSE(ReadIdxImages(path, &images, &error));
  ExpectOneLineNaming(
      error, path,
      "header says 313600016 bytes, more than the " + std::to_string(kMaxGzipIdxBytes));
  // A file that stops short of its header's size is refused as the plain one is.
  const std::vector<uint8_t> short_file = IdxImageFile(2051, 2, 3, 4, 23);
  WriteBytes(path, Gzip(short_file));
  EXPECT_FALSE(ReadIdxImages(path, &images, &error));
  ExpectOneLineNaming(error, path, "decompresses to 39 bytes, header says 40 (truncated");
}

TEST(Mnist, ReadsTheGzipFileWhenThePlainOneIsMissing) {
  const std::string dir = TempPath("mnist_dir");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::vector<uint8_t> images = PatternedImageFile(3, 28, 28);
  WriteBytes(dir + "/t10k-images-idx3-ubyte.gz", Gzip(images));
  WriteBytes(dir + "/t10k-labels-idx1-ubyte", {0, 0, 8, 1, 0, 0, 0, 3, 7, 2, 1});
  MnistSet set;
  std::string error;
  ASSERT_TRUE(LoadMnist(dir, MnistSplit::kTest, 0, &set, &error)) << error;
  EXPECT_EQ(set.count, 3);
  EXPECT_EQ(set.labels, (std::vector<uint8_t>{7, 2, 1}));
  EXPECT_EQ(set.images[1], static_cast<float>(images[17]) / 255.0f);
  EXPECT_EQ(set.images_file, dir + "/t10k-images-idx3-ubyte.gz");
  EXPECT_EQ(set.labels_file, dir + "/t10k-labels-idx1-ubyte");
  // With both, the plain file is read (here it differs: its first pixel is 7, not 0).
  WriteBytes(dir + "/t10k-images-idx3-ubyte", IdxImageFile(2051, 3, 28, 28, 3 * 784));
  ASSERT_TRUE(LoadMnist(dir, MnistSplit::kTest, 0, &set, &error)) << error;
  EXPECT_EQ(set.images_file, dir + "/t10k-images-idx3-ubyte");
  EXPECT_EQ(set.images[0], 7.0f / 255.0f);
  // With neither, the error names the plain file.
  EXPECT_FALSE(LoadMnist(dir, MnistSplit::kTrain, 0, &set, &error));
  ExpectOneLineNaming(error, dir + "/train-images-idx3-ubyte: cannot open", "fetch_mnist.sh");
  std::filesystem::remove_all(dir);
}

TEST(Mnist, LoadsTheRealFiles) {
  MnistSet train, test;
  std::string error;
  if (!LoadMnist(DNZ_MNIST_DIR, MnistSplit::kTrain, 0, &train, &error)) {
    GTEST_SKIP() << "MNIST not fetched: " << error;
  }
  ASSERT_TRUE(LoadMnist(DNZ_MNIST_DIR, MnistSplit::kTest, 5, &test, &error)) << error;
  EXPECT_EQ(train.count, 60000);
  EXPECT_EQ(test.count, 5);
  EXPECT_EQ(std::vector<uint8_t>(train.labels.begin(), train.labels.begin() + 5),
            (std::vector<uint8_t>{5, 0, 4, 1, 9}));
  EXPECT_EQ(test.labels, (std::vector<uint8_t>{7, 2, 1, 0, 4}));
  for (float v : test.images) ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
}

TEST(Noise, XoshiroMatchesTheReferenceSequence) {
  // splitmix64 from state 0 gives 0xe220a8397b1dcdaf first (Vigna's reference output).
  uint64_t state = 0;
  EXPECT_EQ(SplitMix64(&state), 0xe220a8397b1dcdafULL);
  // Known outputs, not only determinism: xoshiro256** 1.0 seeded by four splitmix64 draws from
  // 42, computed by an independent implementation of Blackman and Vigna's reference code (which
  // gives rand_xoshiro's published 11520, 0, 1509978240, 1215971899390074240 from state
  // {1, 2, 3, 4}).
  const uint64_t known[5] = {0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
                             0xecb8ad4703b360a1ULL, 0xfde6dc7fe2ec5e64ULL};
  Xoshiro256 reference(42);
  for (const uint64_t expected : known) EXPECT_EQ(reference.Next(), expected);
  Xoshiro256 a(42), b(42), c(43);
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
}

TEST(Noise, GaussianHasUnitMomentsAndIsDeterministic) {
  Xoshiro256 rng(7);
  double sum = 0, squares = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = rng.NextGaussian();
    sum += z;
    squares += z * z;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(squares / n, 1.0, 0.01);
}

TEST(Noise, NoisyImagesAreClippedAndReproducible) {
  std::vector<float> clean(3 * 784);
  for (size_t i = 0; i < clean.size(); ++i) clean[i] = static_cast<float>(i % 256) / 255.0f;
  std::vector<float> a(clean.size()), b(clean.size()), c(clean.size());
  MakeNoisyTestImages(clean.data(), 3, 784, a.data());
  AddNoiseToImages(clean.data(), 3, 784, 0.7, kTestNoiseSeed, 0, 0, b.data());
  AddNoiseToImages(clean.data(), 3, 784, 0.7, kTestNoiseSeed, 1, 0, c.data());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  int clipped = 0;
  for (float v : a) {
    ASSERT_TRUE(v >= 0.0f && v <= 1.0f);
    clipped += (v == 0.0f || v == 1.0f) ? 1 : 0;
  }
  EXPECT_GT(clipped, 100);  // 0.7 sigma clips a large share of pixels
  // Image 2 alone equals image 2 of the set: streams are per image.
  std::vector<float> single(784);
  AddNoiseToImage(clean.data() + 2 * 784, 784, 0.7, ImageNoiseSeed(kTestNoiseSeed, 0, 2),
                  single.data());
  EXPECT_TRUE(std::equal(single.begin(), single.end(), a.begin() + 2 * 784));
}

TEST(Metrics, BceMatchesHandComputedValues) {
  const float p[] = {0.5f, 0.9f, 0.0f};
  const float t[] = {1.0f, 0.0f, 0.0f};
  const double expected = (std::log(2.0) - std::log(1.0 - 0.9f) - std::log(1.0 - 1e-7)) / 3.0;
  EXPECT_NEAR(MeanBce(p, t, 3), expected, 1e-6);
}

TEST(Metrics, PsnrOfAUniformError) {
  std::vector<float> a(784, 0.5f), b(784, 0.6f);
  EXPECT_NEAR(ImagePsnr(a.data(), b.data(), 784), 20.0, 1e-4);
  EXPECT_EQ(ImagePsnr(a.data(), a.data(), 784), kPsnrCapDb);
}

TEST(Metrics, SsimIsOneForEqualImagesAndFallsWithNoise) {
  std::vector<float> img(784), noisy(784);
  for (int i = 0; i < 784; ++i) img[i] = static_cast<float>((i * 37) % 101) / 100.0f;
  EXPECT_NEAR(ImageSsim(img.data(), img.data(), 28, 28), 1.0, 1e-12);
  AddNoiseToImage(img.data(), 784, 0.3, 1, noisy.data());
  const double s = ImageSsim(noisy.data(), img.data(), 28, 28);
  EXPECT_LT(s, 0.9);
  EXPECT_GT(s, 0.0);
}

TEST(Metrics, SsimAveragesInnerWindowsWithSampleCovariance) {
  // 8x8 ramp vs its square: 2x2 window positions, each with the N/(N-1) covariance.
  std::vector<float> a(64), b(64);
  for (int i = 0; i < 64; ++i) {
    a[i] = static_cast<float>(i) / 63.0f;
    b[i] = a[i] * a[i];
  }
  double expected = 0.0;
  for (int y0 = 0; y0 < 2; ++y0)
    for (int x0 = 0; x0 < 2; ++x0) {
      double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (int y = 0; y < 7; ++y)
        for (int x = 0; x < 7; ++x) {
          const double u = a[(y0 + y) * 8 + x0 + x], v = b[(y0 + y) * 8 + x0 + x];
          sa += u, sb += v, saa += u * u, sbb += v * v, sab += u * v;
        }
      const double ma = sa / 49, mb = sb / 49;
      const double va = (saa - 49 * ma * ma) / 48, vb = (sbb - 49 * mb * mb) / 48,
                   cab = (sab - 49 * ma * mb) / 48;
      expected += ((2 * ma * mb + 1e-4) * (2 * cab + 9e-4)) /
                  ((ma * ma + mb * mb + 1e-4) * (va + vb + 9e-4)) / 4;
    }
  EXPECT_NEAR(ImageSsim(b.data(), a.data(), 8, 8), expected, 1e-9);
}

}  // namespace
}  // namespace dnz::data
