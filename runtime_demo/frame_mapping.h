// Pictures that relate the 28x28 frame to the input image, through the conversion's
// FrameTransform: the input under the frame (the left panel of --compare, at the input's
// own polarity), and the denoised digit put back at the input's size (--full-size).
#ifndef DNZ_RUNTIME_DEMO_FRAME_MAPPING_H_
#define DNZ_RUNTIME_DEMO_FRAME_MAPPING_H_

#include <cstdint>
#include <vector>

#include "frame_transform.h"
#include "image_decode.h"

namespace dnz::demo {

// The input region the frame covers, area-averaged to [side][side] gray; parts of the frame
// beyond the image are `background` (the border's luminance). Empty if the resizer failed.
std::vector<uint8_t> InputUnderFrame(const LumaImage& image, const FrameTransform& to_frame,
                                     float background, int side);

// The denoised [28][28] digit drawn at the input's size: each input pixel under the frame
// samples it bilinearly; the rest is clean paper. `inverted` (a light page) draws dark ink
// on white, as the input was; otherwise light ink on black. Returns [height][width] gray.
std::vector<uint8_t> DigitAtInputSize(const std::vector<uint8_t>& denoised,
                                      const FrameTransform& to_frame, int width, int height,
                                      bool inverted);

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_FRAME_MAPPING_H_
