// Training an upsample + 3x3 'same' conv as four 2x2 polyphase convs on the small input
// (the derivation is in runtime/src/polyphase.h; in float there is no range limit).
// The 3x3 weights stay the parameters: each step maps them to the four 2x2 kernels,
// and maps the kernels' gradients back with the transpose of the same sums.
// Parity p = py * 2 + px is output pixel (2i + py, 2j + px).
#ifndef DNZ_HOST_TRAIN_ONEDNN_POLYPHASE_WEIGHTS_H_
#define DNZ_HOST_TRAIN_ONEDNN_POLYPHASE_WEIGHTS_H_

namespace dnz::train::onednn {

// weights: [out_c][in_c][3][3] (OIHW); kernels: [4][out_c][in_c][2][2].
void PolyphaseKernels(const float* weights, int out_c, int in_c, float* kernels);

// kernel_grads: [4][out_c][in_c][2][2] -> weight_grads: [out_c][in_c][3][3] (overwritten).
void FoldPolyphaseGradients(const float* kernel_grads, int out_c, int in_c, float* weight_grads);

// Blocked tensors [N][CB][H][W][16] of `bytes`-byte elements (oneDNN's nChw16c, f32 or
// bf16): the four parity outputs (each H x W) <-> the full output (2H x 2W).
void InterleaveParities(const void* const parities[4], int batch, int channel_blocks, int h, int w,
                        int bytes, void* full);
void DeinterleaveParities(const void* full, int batch, int channel_blocks, int h, int w, int bytes,
                          void* const parities[4]);

}  // namespace dnz::train::onednn

#endif  // DNZ_HOST_TRAIN_ONEDNN_POLYPHASE_WEIGHTS_H_
