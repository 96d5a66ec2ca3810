// Image-quality metrics over sets of images in [0, 1], computed in double:
//   BCE  - mean binary cross-entropy, predictions clamped to [1e-7, 1 - 1e-7] like Keras;
//   PSNR - mean over images of 10 log10(1 / MSE) (data range 1; an exact image counts as
//          kPsnrCapDb so that the mean stays finite);
//   SSIM - mean over images of skimage.metrics.structural_similarity with its defaults:
//          7x7 uniform window, sample covariance (N / (N - 1)), K1 0.01, K2 0.03,
//          data_range 1, averaged over window positions fully inside the image.
#ifndef DNZ_HOST_LIB_DATA_METRICS_H_
#define DNZ_HOST_LIB_DATA_METRICS_H_

#include <cstddef>

namespace dnz::data {

constexpr double kBceEpsilon = 1e-7;
constexpr double kPsnrCapDb = 100.0;

struct ImageMetrics {
  double bce = 0.0;
  double psnr = 0.0;
  double ssim = 0.0;
};

// Mean BCE of `predicted` against `target` over `values` values.
double MeanBce(const float* predicted, const float* target, size_t values);

// PSNR and SSIM of one height x width image.
double ImagePsnr(const float* predicted, const float* target, size_t pixels);
double ImageSsim(const float* predicted, const float* target, int height, int width);

// All three over `count` images of height x width (one channel), means as described above.
ImageMetrics EvaluateImages(const float* predicted, const float* target, size_t count, int height,
                            int width);

}  // namespace dnz::data

#endif  // DNZ_HOST_LIB_DATA_METRICS_H_
