// Frames a found digit the way MNIST framed its digits: the ink's box is scaled to fit
// 20x20 keeping its aspect ratio (area averaging from the full-resolution input; linear
// when enlarging), the fitted paper is subtracted and the contrast stretched so that paper
// is 0 and the strokes 1 (pixels away from the kept marks, such as a speck inside the box,
// are 0), and the box is moved by whole pixels, as MNIST did, to put its centre of mass at
// pixel (14, 14), where MNIST's test digits have theirs (mean 14.01, 13.99).
// (A sub-pixel placement was tried: 0.66 dB worse on the converted photos, 0.08 dB on the
// outputs, as the resampling at a fractional offset blurs.)
#ifndef DNZ_RUNTIME_DEMO_MNIST_FRAMING_H_
#define DNZ_RUNTIME_DEMO_MNIST_FRAMING_H_

#include <vector>

#include "frame_transform.h"
#include "image_decode.h"
#include "ink_finder.h"
#include "working_image.h"

namespace dnz::demo {

constexpr int kMnistBox = 20;  // the longer side of the digit's box in the 28x28 frame

// `digit` receives 28x28 values in [0, 1]. False if the resizer failed.
bool FrameLikeMnist(const LumaImage& image, bool inverted, const WorkingImage& working,
                    const InkRegion& ink, std::vector<float>* digit, FrameTransform* transform);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_MNIST_FRAMING_H_
