// The paper under a lighting gradient, as a smooth surface over the whole image:
//   b(u, v) = c0 + c1 u + c2 v + c3 u^2 + c4 u v + c5 v^2,  u = x / width, v = y / height.
// It is fitted to a low percentile of each block of the working image (strokes cover a
// minority of most blocks, so the percentile is paper), and blocks that still sit far from
// the surface (covered by a thick stroke, or by the table beyond a page edge) are dropped
// and the surface fitted again. A quadratic follows a linear gradient and a vignette.
#ifndef DNZ_RUNTIME_DEMO_BACKGROUND_FIT_H_
#define DNZ_RUNTIME_DEMO_BACKGROUND_FIT_H_

#include "working_image.h"

namespace dnz::demo {

struct BackgroundSurface {
  double c[6] = {0, 0, 0, 0, 0, 0};
  double At(double u, double v) const {
    return c[0] + c[1] * u + c[2] * v + c[3] * u * u + c[4] * u * v + c[5] * v * v;
  }
};

// Fits the surface to `working.ink` (uses `working.scratch`).
BackgroundSurface FitBackground(WorkingImage* working);

// The largest |b| over the image: how far the paper is from MNIST's flat 0.
double LargestBackground(const BackgroundSurface& surface);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_BACKGROUND_FIT_H_
