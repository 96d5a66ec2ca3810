// Finds the digit's ink in the working image, robustly:
//   1. subtract the fitted background (background_fit.h), so a lighting gradient is flat;
//   2. smooth (3x3 box, twice) so that sensor noise and JPEG blocks do not break strokes;
//   3. threshold halfway between paper and ink, both levels read from the smoothed image's
//      histogram (Otsu's split, then refined to the midpoint of the two classes' medians);
//   4. keep the connected marks that make up the digit: the largest, and those that are
//      sizeable or lie near it. Isolated specks are dropped, and so is a long mark along the
//      image's border (a page edge or the table beyond it).
// A region is "clear ink" when ink and paper are many noise widths apart; MNIST with noise
// 0.7 is not, so it keeps the plain conversion.
#ifndef DNZ_RUNTIME_DEMO_INK_FINDER_H_
#define DNZ_RUNTIME_DEMO_INK_FINDER_H_

#include "background_fit.h"
#include "working_image.h"

namespace dnz::demo {

struct InkRegion {
  bool found = false;
  const char* why_not = "";  // when not found: one phrase for the report
  BackgroundSurface background;
  float paper_level = 0.0f;  // of the residual (after the surface is subtracted)
  float ink_level = 1.0f;    // the strokes' level of the residual: becomes 1
  double separation = 0.0;   // (ink - paper) / paper's noise, smoothed
  // The box around the kept marks, in input pixels: [x0, x1) x [y0, y1).
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  double center_x = 0.0, center_y = 0.0;  // the ink's centre of mass, in input pixels
  // After FindInk, working.counts holds the integral image of the kept marks, grown by a
  // margin: KeptInkIn() asks whether any lies under a rectangle.
};

InkRegion FindInk(WorkingImage* working);

// Whether kept ink (grown by kInkMargin working pixels) lies in input rectangle
// [x0, x1) x [y0, y1).
bool KeptInkIn(const WorkingImage& working, double x0, double y0, double x1, double y1);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_INK_FINDER_H_
