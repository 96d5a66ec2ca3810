// SHA-256 against the FIPS 180-4 examples, and the MNIST file against docs/reference.md's sum.
#include "checkpoint/sha256.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>

namespace dnz::train {
namespace {

std::string Hash(const char* text) {
  return Sha256Hex(reinterpret_cast<const uint8_t*>(text), std::strlen(text));
}

TEST(Sha256, MatchesTheStandardExamples) {
  EXPECT_EQ(Hash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MnistTestLabelsMatchTheDocumentedSum) {
  const std::string path = std::string(DNZ_MNIST_DIR) + "/t10k-labels-idx1-ubyte";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "MNIST not fetched (scripts/fetch_mnist.sh)";
  std::string hex, error;
  ASSERT_TRUE(Sha256File(path, &hex, &error)) << error;
  EXPECT_EQ(hex, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");
}

}  // namespace
}  // namespace dnz::train
