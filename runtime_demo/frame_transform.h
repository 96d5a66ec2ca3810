// Where the 28x28 frame the model sees lies in the input image:
//   frame_x = (input_x - origin_x) * scale_x,  frame_y = (input_y - origin_y) * scale_y,
// in continuous pixel coordinates (pixel i spans [i, i + 1)). Both conversions fill one in,
// so that --compare can show the input under the frame and --full-size can put the
// denoised digit back where the input had it.
#ifndef DNZ_RUNTIME_DEMO_FRAME_TRANSFORM_H_
#define DNZ_RUNTIME_DEMO_FRAME_TRANSFORM_H_

namespace dnz::demo {

struct FrameTransform {
  double origin_x = 0.0, origin_y = 0.0;
  double scale_x = 1.0, scale_y = 1.0;
  double InputX(double frame_x) const { return origin_x + frame_x / scale_x; }
  double InputY(double frame_y) const { return origin_y + frame_y / scale_y; }
};

}  // namespace dnz::demo

#endif  // DNZ_RUNTIME_DEMO_FRAME_TRANSFORM_H_
