// The plain conversion's resize: an image centred on a larger square canvas of one
// background value, shrunk to a small square by area averaging (each output pixel is the
// mean of the canvas area it covers, what a box filter gives). The canvas is never built:
// only the image's own pixels are visited, so a thin image (8192 x 1 pads to 64 MPixel)
// costs what its pixels cost (found by the image fuzzer: a 4 x 6665 PGM took 31 s).
#ifndef DNZ_RUNTIME_DEMO_AREA_AVERAGE_H_
#define DNZ_RUNTIME_DEMO_AREA_AVERAGE_H_

#include <vector>

#include "image_decode.h"

namespace dnz::demo {

// `side` is the canvas's side (>= the image's width and height, > out_side); the image's
// top-left corner sits at (left, top) on it. Returns out_side * out_side values.
std::vector<float> AverageCanvasOnto(const LumaImage& image, float background, int side, int left,
                                     int top, int out_side);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_AREA_AVERAGE_H_
