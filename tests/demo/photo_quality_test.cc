// runtime_demo on photographed digits (issue 11): the first 50 digits of the photo test set
// (photo_digits.h) must come out at a mean PSNR of at least 17 dB against the clean MNIST
// digits. The full set's figures, with and without framing, are in docs/runtime_demo.md.
#include "photo_quality.h"

#include <gtest/gtest.h>

#include "data/mnist.h"
#include "demo_runner.h"

namespace dnz::demo_test {
namespace {

constexpr int kDigits = 50;
constexpr double kMinMeanPsnr = 17.0;

TEST(RuntimeDemoPhotos, FramedPhotosReachMnistQuality) {
  data::MnistSet mnist;
  std::string error;
  ASSERT_TRUE(data::LoadMnist(DNZ_MNIST_DIR, data::MnistSplit::kTest, kDigits, &mnist, &error))
      << error << " (run scripts/fetch_mnist.sh)";
  TempDir dir;
  const PhotoQuality quality = MeasurePhotoQuality(mnist, kDigits, "auto", dir.path());
  ASSERT_TRUE(quality.error.empty()) << quality.error;
  EXPECT_EQ(quality.framed, kDigits) << "every photo should take the framing path";
  EXPECT_GE(quality.output_psnr, kMinMeanPsnr);
  std::printf("photo set, %d digits: mean PSNR %.2f dB (converted input %.2f dB)\n", kDigits,
              quality.output_psnr, quality.converted_psnr);
}

}  // namespace
}  // namespace dnz::demo_test
