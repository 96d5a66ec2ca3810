// The cuDNN calls the GPU trainer makes (host_train/cuda/cudnn_library.cc's list), on the CPU
// (emulated_device.h). Built as a module that host_train loads through DNZ_CUDNN_LIBRARY, as
// it loads the real cuDNN. Convolutions are plain float loops (NCHW, OIHW, stride 1, cross-
// correlation). It checks what cuDNN leaves to the caller: tensor shapes that agree, device
// buffers that hold them, a workspace of the size it reported, and that an algorithm runs
// under the math type it was ranked with.
#include <cuda_fp16.h>
#include <cudnn.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "emulated_device.h"

#pragma GCC diagnostic ignored "-Wdeprecated-declarations"  // cuDNN's legacy API is ours

struct cudnnContext {
  cudaStream_t stream = nullptr;
};
struct cudnnTensorStruct {
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  int n = 0, c = 0, h = 0, w = 0;
};
struct cudnnFilterStruct {
  cudnnDataType_t type = CUDNN_DATA_FLOAT;
  int k = 0, c = 0, h = 0, w = 0;
};
struct cudnnConvolutionStruct {
  int pad = 0;
  cudnnMathType_t math = CUDNN_DEFAULT_MATH;
};

namespace {

bool TensorCoreMath(cudnnMathType_t math) {
  return math == CUDNN_TENSOR_OP_MATH || math == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
}

size_t Bytes(cudnnDataType_t type) { return type == CUDNN_DATA_FLOAT ? 4 : 2; }

float LoadValue(const void* p, cudnnDataType_t type, int64_t i) {
  if (type == CUDNN_DATA_FLOAT) return static_cast<const float*>(p)[i];
  const uint16_t bits = static_cast<const uint16_t*>(p)[i];
  if (type == CUDNN_DATA_BFLOAT16) {
    const uint32_t word = uint32_t{bits} << 16;
    float f;
    std::memcpy(&f, &word, 4);
    return f;
  }
  return __half2float(static_cast<const __half*>(p)[i]);
}

void StoreValue(void* p, cudnnDataType_t type, int64_t i, float v) {
  if (type == CUDNN_DATA_FLOAT) {
    static_cast<float*>(p)[i] = v;
  } else if (type == CUDNN_DATA_HALF) {
    static_cast<__half*>(p)[i] = __float2half_rn(v);
  } else {  // bf16, round to nearest even
    uint32_t word;
    std::memcpy(&word, &v, 4);
    word += 0x7FFF + ((word >> 16) & 1);
    static_cast<uint16_t*>(p)[i] = static_cast<uint16_t>(word >> 16);
  }
}

std::vector<float> ToFloat(const void* p, cudnnDataType_t type, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) v[static_cast<size_t>(i)] = LoadValue(p, type, i);
  return v;
}

int64_t Count(const cudnnTensorStruct& t) { return int64_t{t.n} * t.c * t.h * t.w; }
int64_t Count(const cudnnFilterStruct& f) { return int64_t{f.k} * f.c * f.h * f.w; }

// x [n][c][h][w], w [k][c][r][r], y [n][k][h + 2p - r + 1][...]: do the three agree?
bool Agree(const cudnnTensorStruct* x, const cudnnFilterStruct* w,
           const cudnnConvolutionStruct* conv, const cudnnTensorStruct* y) {
  const int out_h = x->h + 2 * conv->pad - w->h + 1, out_w = x->w + 2 * conv->pad - w->w + 1;
  const bool ok = x->c == w->c && y->n == x->n && y->c == w->k && y->h == out_h && y->w == out_w &&
                  x->type == w->type && y->type == w->type;
  if (!ok) {
    std::fprintf(stderr,
                 "emulated cuDNN: shapes disagree: x %dx%dx%dx%d, w %dx%dx%dx%d, pad %d, "
                 "y %dx%dx%dx%d\n",
                 x->n, x->c, x->h, x->w, w->k, w->c, w->h, w->w, conv->pad, y->n, y->c, y->h, y->w);
  }
  return ok;
}

// The candidates each ranking returns: under a tensor-core math type (16-bit data, channels
// in multiples of 8) the tensor-core algorithm 1 first, deterministic except for the weight
// gradient (as cuDNN's often are not); then the non-deterministic algorithm 0, the
// deterministic algorithm 2 and algorithm 3, which is not supported. So in 16 bits a layer's
// directions run under different math types. Algorithm 1 runs only under a tensor-core math
// type, 0 and 2 only under another: a call made under the wrong one fails. Algorithm a needs
// (a + 1) * 256 bytes of workspace per image.
constexpr int kTensorCoreAlgo = 1;
struct Candidate {
  int algo;
  cudnnStatus_t status;
  cudnnDeterminism_t determinism;
};
enum class Direction { kForward, kBackwardData, kBackwardFilter };
std::vector<Candidate> Candidates(const cudnnConvolutionStruct* conv, const cudnnFilterStruct* w,
                                  Direction direction) {
  std::vector<Candidate> list;
  if (TensorCoreMath(conv->math) && w->type != CUDNN_DATA_FLOAT && w->k % 8 == 0 && w->c % 8 == 0) {
    list.push_back(
        {kTensorCoreAlgo, CUDNN_STATUS_SUCCESS,
         direction == Direction::kBackwardFilter ? CUDNN_NON_DETERMINISTIC : CUDNN_DETERMINISTIC});
  }
  list.push_back({0, CUDNN_STATUS_SUCCESS, CUDNN_NON_DETERMINISTIC});
  list.push_back({2, CUDNN_STATUS_SUCCESS, CUDNN_DETERMINISTIC});
  list.push_back({3, CUDNN_STATUS_NOT_SUPPORTED, CUDNN_DETERMINISTIC});
  return list;
}
// The workspace an algorithm needs: it grows with the batch, unless a test asks for one size
// for every batch (DNZ_EMULATED_CUDNN_FIXED_WORKSPACE=1), as some real algorithms need: then
// growing the batch buffers alone must void the captured steps.
size_t WorkspaceOf(int algo, int batch) {
  static const bool fixed = dnz::emu::EnvironmentInt("DNZ_EMULATED_CUDNN_FIXED_WORKSPACE", 0) == 1;
  return size_t(algo + 1) * 256 * (fixed ? 64 : size_t(batch));
}

template <typename Perf, typename Algo>
cudnnStatus_t Rank(const cudnnConvolutionStruct* conv, const cudnnFilterStruct* w, int batch,
                   Direction direction, int requested, int* returned, Perf* perf) {
  *returned = 0;
  // bf16 convolutions need compute capability 8.0 (Ampere); cuDNN refuses them below.
  if (w->type == CUDNN_DATA_BFLOAT16 && dnz::emu::ComputeCapability() < 80) {
    return CUDNN_STATUS_ARCH_MISMATCH;
  }
  const std::vector<Candidate> list = Candidates(conv, w, direction);
  for (const Candidate& c : list) {
    if (*returned == requested) break;
    Perf p{};
    p.algo = static_cast<Algo>(c.algo);
    p.status = c.status;
    p.memory = WorkspaceOf(c.algo, batch);
    p.determinism = c.determinism;
    p.mathType = c.algo == kTensorCoreAlgo ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
    perf[(*returned)++] = p;
  }
  return CUDNN_STATUS_SUCCESS;
}

// Checks a call's algorithm, math type and workspace; false after saying why.
bool AlgorithmRuns(int algo, const cudnnConvolutionStruct* conv, int batch, const void* workspace,
                   size_t workspace_bytes, cudnnDataType_t type) {
  if (algo != 0 && algo != kTensorCoreAlgo && algo != 2) {
    std::fprintf(stderr, "emulated cuDNN: algorithm %d was not offered as supported\n", algo);
    return false;
  }
  if (type == CUDNN_DATA_FLOAT && TensorCoreMath(conv->math)) {
    std::fprintf(stderr, "emulated cuDNN: f32 convolution under a tensor-core math type\n");
    return false;
  }
  if ((algo == kTensorCoreAlgo) != TensorCoreMath(conv->math)) {
    std::fprintf(stderr,
                 "emulated cuDNN: algorithm %d runs under the math type it was offered with, "
                 "not %d\n",
                 algo, static_cast<int>(conv->math));
    return false;
  }
  const size_t needed = WorkspaceOf(algo, batch);
  if (workspace_bytes < needed) {
    std::fprintf(stderr, "emulated cuDNN: workspace of %zu bytes, algorithm %d needs %zu\n",
                 workspace_bytes, algo, needed);
    return false;
  }
  dnz::emu::RequireDevice(workspace, workspace_bytes, "cuDNN workspace");
  return true;
}

// A fault a test can ask for: with DNZ_EMULATED_CUDNN_FAIL_AFTER=N, every convolution call
// after the first N fails, as a cuDNN kernel that cannot run would.
bool InjectedFailure() {
  static const int fail_after = dnz::emu::EnvironmentInt("DNZ_EMULATED_CUDNN_FAIL_AFTER", -1);
  static long calls = 0;
  return fail_after >= 0 && ++calls > fail_after;
}

}  // namespace

extern "C" {

size_t cudnnGetVersion(void) { return CUDNN_VERSION; }

const char* cudnnGetErrorString(cudnnStatus_t status) {
  switch (status) {
    case CUDNN_STATUS_SUCCESS:
      return "CUDNN_STATUS_SUCCESS";
    case CUDNN_STATUS_EXECUTION_FAILED:
      return "CUDNN_STATUS_EXECUTION_FAILED (emulated)";
    case CUDNN_STATUS_ARCH_MISMATCH:
      return "CUDNN_STATUS_ARCH_MISMATCH (emulated)";
    default:
      return "CUDNN_STATUS_BAD_PARAM (emulated)";
  }
}

cudnnStatus_t cudnnCreate(cudnnHandle_t* handle) {
  *handle = new cudnnContext;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroy(cudnnHandle_t handle) {
  delete handle;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetStream(cudnnHandle_t handle, cudaStream_t stream) {
  handle->stream = stream;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnCreateTensorDescriptor(cudnnTensorDescriptor_t* desc) {
  *desc = new cudnnTensorStruct;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroyTensorDescriptor(cudnnTensorDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t desc, cudnnTensorFormat_t format,
                                         cudnnDataType_t type, int n, int c, int h, int w) {
  if (format != CUDNN_TENSOR_NCHW || n <= 0 || c <= 0 || h <= 0 || w <= 0)
    return CUDNN_STATUS_BAD_PARAM;
  *desc = cudnnTensorStruct{type, n, c, h, w};
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnCreateFilterDescriptor(cudnnFilterDescriptor_t* desc) {
  *desc = new cudnnFilterStruct;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroyFilterDescriptor(cudnnFilterDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetFilter4dDescriptor(cudnnFilterDescriptor_t desc, cudnnDataType_t type,
                                         cudnnTensorFormat_t format, int k, int c, int h, int w) {
  if (format != CUDNN_TENSOR_NCHW || k <= 0 || c <= 0 || h <= 0 || w <= 0)
    return CUDNN_STATUS_BAD_PARAM;
  *desc = cudnnFilterStruct{type, k, c, h, w};
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnCreateConvolutionDescriptor(cudnnConvolutionDescriptor_t* desc) {
  *desc = new cudnnConvolutionStruct;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnDestroyConvolutionDescriptor(cudnnConvolutionDescriptor_t desc) {
  delete desc;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetConvolution2dDescriptor(cudnnConvolutionDescriptor_t desc, int pad_h,
                                              int pad_w, int u, int v, int dilation_h,
                                              int dilation_w, cudnnConvolutionMode_t mode,
                                              cudnnDataType_t compute_type) {
  if (pad_h != pad_w || u != 1 || v != 1 || dilation_h != 1 || dilation_w != 1 ||
      mode != CUDNN_CROSS_CORRELATION || compute_type != CUDNN_DATA_FLOAT)
    return CUDNN_STATUS_NOT_SUPPORTED;  // what the emulation does not do
  desc->pad = pad_h;
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnSetConvolutionMathType(cudnnConvolutionDescriptor_t desc, cudnnMathType_t math) {
  desc->math = math;
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnGetConvolutionForwardAlgorithm_v7(cudnnHandle_t, const cudnnTensorDescriptor_t x,
                                                     const cudnnFilterDescriptor_t w,
                                                     const cudnnConvolutionDescriptor_t conv,
                                                     const cudnnTensorDescriptor_t y,
                                                     const int requested, int* returned,
                                                     cudnnConvolutionFwdAlgoPerf_t* perf) {
  if (!Agree(x, w, conv, y)) return CUDNN_STATUS_BAD_PARAM;
  return Rank<cudnnConvolutionFwdAlgoPerf_t, cudnnConvolutionFwdAlgo_t>(
      conv, w, x->n, Direction::kForward, requested, returned, perf);
}
cudnnStatus_t cudnnGetConvolutionBackwardDataAlgorithm_v7(
    cudnnHandle_t, const cudnnFilterDescriptor_t w, const cudnnTensorDescriptor_t dy,
    const cudnnConvolutionDescriptor_t conv, const cudnnTensorDescriptor_t dx, const int requested,
    int* returned, cudnnConvolutionBwdDataAlgoPerf_t* perf) {
  if (!Agree(dx, w, conv, dy)) return CUDNN_STATUS_BAD_PARAM;
  return Rank<cudnnConvolutionBwdDataAlgoPerf_t, cudnnConvolutionBwdDataAlgo_t>(
      conv, w, dx->n, Direction::kBackwardData, requested, returned, perf);
}
cudnnStatus_t cudnnGetConvolutionBackwardFilterAlgorithm_v7(
    cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnTensorDescriptor_t dy,
    const cudnnConvolutionDescriptor_t conv, const cudnnFilterDescriptor_t dw, const int requested,
    int* returned, cudnnConvolutionBwdFilterAlgoPerf_t* perf) {
  if (!Agree(x, dw, conv, dy)) return CUDNN_STATUS_BAD_PARAM;
  return Rank<cudnnConvolutionBwdFilterAlgoPerf_t, cudnnConvolutionBwdFilterAlgo_t>(
      conv, dw, x->n, Direction::kBackwardFilter, requested, returned, perf);
}

cudnnStatus_t cudnnGetConvolutionForwardWorkspaceSize(
    cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnFilterDescriptor_t w,
    const cudnnConvolutionDescriptor_t conv, const cudnnTensorDescriptor_t y,
    cudnnConvolutionFwdAlgo_t algo, size_t* bytes) {
  if (!Agree(x, w, conv, y)) return CUDNN_STATUS_BAD_PARAM;
  *bytes = WorkspaceOf(algo, x->n);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetConvolutionBackwardDataWorkspaceSize(
    cudnnHandle_t, const cudnnFilterDescriptor_t w, const cudnnTensorDescriptor_t dy,
    const cudnnConvolutionDescriptor_t conv, const cudnnTensorDescriptor_t dx,
    cudnnConvolutionBwdDataAlgo_t algo, size_t* bytes) {
  if (!Agree(dx, w, conv, dy)) return CUDNN_STATUS_BAD_PARAM;
  *bytes = WorkspaceOf(algo, dx->n);
  return CUDNN_STATUS_SUCCESS;
}
cudnnStatus_t cudnnGetConvolutionBackwardFilterWorkspaceSize(
    cudnnHandle_t, const cudnnTensorDescriptor_t x, const cudnnTensorDescriptor_t dy,
    const cudnnConvolutionDescriptor_t conv, const cudnnFilterDescriptor_t dw,
    cudnnConvolutionBwdFilterAlgo_t algo, size_t* bytes) {
  if (!Agree(x, dw, conv, dy)) return CUDNN_STATUS_BAD_PARAM;
  *bytes = WorkspaceOf(algo, x->n);
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnConvolutionForward(cudnnHandle_t handle, const void* alpha,
                                      const cudnnTensorDescriptor_t x_desc, const void* x,
                                      const cudnnFilterDescriptor_t w_desc, const void* w,
                                      const cudnnConvolutionDescriptor_t conv,
                                      cudnnConvolutionFwdAlgo_t algo, void* workspace,
                                      size_t workspace_bytes, const void* beta,
                                      const cudnnTensorDescriptor_t y_desc, void* y) {
  if (InjectedFailure()) return CUDNN_STATUS_EXECUTION_FAILED;
  if (!Agree(x_desc, w_desc, conv, y_desc) ||
      !AlgorithmRuns(algo, conv, x_desc->n, workspace, workspace_bytes, x_desc->type))
    return CUDNN_STATUS_BAD_PARAM;
  const cudnnTensorStruct xd = *x_desc, yd = *y_desc;
  const cudnnFilterStruct wd = *w_desc;
  const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
  const int pad = conv->pad;
  dnz::emu::Enqueue(handle->stream, [=] {
    dnz::emu::RequireDevice(workspace, workspace_bytes, "cuDNN workspace");
    dnz::emu::RequireDevice(x, Count(xd) * Bytes(xd.type), "cudnnConvolutionForward x");
    dnz::emu::RequireDevice(w, Count(wd) * Bytes(wd.type), "cudnnConvolutionForward w");
    dnz::emu::RequireDevice(y, Count(yd) * Bytes(yd.type), "cudnnConvolutionForward y");
    const std::vector<float> xs = ToFloat(x, xd.type, Count(xd));
    const std::vector<float> ws = ToFloat(w, wd.type, Count(wd));
    std::vector<float> acc(static_cast<size_t>(yd.h) * yd.w);
    for (int n = 0; n < yd.n; ++n) {
      for (int k = 0; k < yd.c; ++k) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int c = 0; c < xd.c; ++c) {
          for (int r = 0; r < wd.h; ++r) {
            for (int s = 0; s < wd.w; ++s) {
              const float weight = ws[((size_t(k) * wd.c + c) * wd.h + r) * wd.w + s];
              const float* plane = &xs[(size_t(n) * xd.c + c) * xd.h * xd.w];
              for (int oy = 0; oy < yd.h; ++oy) {
                const int iy = oy + r - pad;
                if (iy < 0 || iy >= xd.h) continue;
                const int lo = std::max(0, pad - s), hi = std::min(yd.w, xd.w + pad - s);
                float* out = &acc[size_t(oy) * yd.w];
                const float* in = plane + size_t(iy) * xd.w + (s - pad);
                for (int ox = lo; ox < hi; ++ox) out[ox] += weight * in[ox];
              }
            }
          }
        }
        const int64_t base = (int64_t{n} * yd.c + k) * yd.h * yd.w;
        for (int64_t i = 0; i < int64_t{yd.h} * yd.w; ++i) {
          const float old = b == 0.0f ? 0.0f : LoadValue(y, yd.type, base + i);
          StoreValue(y, yd.type, base + i, a * acc[size_t(i)] + b * old);
        }
      }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnConvolutionBackwardData(cudnnHandle_t handle, const void* alpha,
                                           const cudnnFilterDescriptor_t w_desc, const void* w,
                                           const cudnnTensorDescriptor_t dy_desc, const void* dy,
                                           const cudnnConvolutionDescriptor_t conv,
                                           cudnnConvolutionBwdDataAlgo_t algo, void* workspace,
                                           size_t workspace_bytes, const void* beta,
                                           const cudnnTensorDescriptor_t dx_desc, void* dx) {
  if (InjectedFailure()) return CUDNN_STATUS_EXECUTION_FAILED;
  if (!Agree(dx_desc, w_desc, conv, dy_desc) ||
      !AlgorithmRuns(algo, conv, dx_desc->n, workspace, workspace_bytes, dx_desc->type))
    return CUDNN_STATUS_BAD_PARAM;
  const cudnnTensorStruct dyd = *dy_desc, dxd = *dx_desc;
  const cudnnFilterStruct wd = *w_desc;
  const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
  const int pad = conv->pad;
  dnz::emu::Enqueue(handle->stream, [=] {
    dnz::emu::RequireDevice(workspace, workspace_bytes, "cuDNN workspace");
    dnz::emu::RequireDevice(w, Count(wd) * Bytes(wd.type), "cudnnConvolutionBackwardData w");
    dnz::emu::RequireDevice(dy, Count(dyd) * Bytes(dyd.type), "cudnnConvolutionBackwardData dy");
    dnz::emu::RequireDevice(dx, Count(dxd) * Bytes(dxd.type), "cudnnConvolutionBackwardData dx");
    const std::vector<float> dys = ToFloat(dy, dyd.type, Count(dyd));
    const std::vector<float> ws = ToFloat(w, wd.type, Count(wd));
    std::vector<float> acc(static_cast<size_t>(dxd.h) * dxd.w);
    for (int n = 0; n < dxd.n; ++n) {
      for (int c = 0; c < dxd.c; ++c) {
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int k = 0; k < dyd.c; ++k) {
          const float* plane = &dys[(size_t(n) * dyd.c + k) * dyd.h * dyd.w];
          for (int r = 0; r < wd.h; ++r) {
            for (int s = 0; s < wd.w; ++s) {
              const float weight = ws[((size_t(k) * wd.c + c) * wd.h + r) * wd.w + s];
              for (int oy = 0; oy < dyd.h; ++oy) {
                const int iy = oy + r - pad;
                if (iy < 0 || iy >= dxd.h) continue;
                const int lo = std::max(0, pad - s), hi = std::min(dyd.w, dxd.w + pad - s);
                float* out = &acc[size_t(iy) * dxd.w + (s - pad)];
                const float* in = plane + size_t(oy) * dyd.w;
                for (int ox = lo; ox < hi; ++ox) out[ox] += weight * in[ox];
              }
            }
          }
        }
        const int64_t base = (int64_t{n} * dxd.c + c) * dxd.h * dxd.w;
        for (int64_t i = 0; i < int64_t{dxd.h} * dxd.w; ++i) {
          const float old = b == 0.0f ? 0.0f : LoadValue(dx, dxd.type, base + i);
          StoreValue(dx, dxd.type, base + i, a * acc[size_t(i)] + b * old);
        }
      }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t cudnnConvolutionBackwardFilter(cudnnHandle_t handle, const void* alpha,
                                             const cudnnTensorDescriptor_t x_desc, const void* x,
                                             const cudnnTensorDescriptor_t dy_desc, const void* dy,
                                             const cudnnConvolutionDescriptor_t conv,
                                             cudnnConvolutionBwdFilterAlgo_t algo, void* workspace,
                                             size_t workspace_bytes, const void* beta,
                                             const cudnnFilterDescriptor_t dw_desc, void* dw) {
  if (InjectedFailure()) return CUDNN_STATUS_EXECUTION_FAILED;
  if (!Agree(x_desc, dw_desc, conv, dy_desc) ||
      !AlgorithmRuns(algo, conv, x_desc->n, workspace, workspace_bytes, x_desc->type))
    return CUDNN_STATUS_BAD_PARAM;
  const cudnnTensorStruct xd = *x_desc, dyd = *dy_desc;
  const cudnnFilterStruct wd = *dw_desc;
  const float a = *static_cast<const float*>(alpha), b = *static_cast<const float*>(beta);
  const int pad = conv->pad;
  dnz::emu::Enqueue(handle->stream, [=] {
    dnz::emu::RequireDevice(workspace, workspace_bytes, "cuDNN workspace");
    dnz::emu::RequireDevice(x, Count(xd) * Bytes(xd.type), "cudnnConvolutionBackwardFilter x");
    dnz::emu::RequireDevice(dy, Count(dyd) * Bytes(dyd.type), "cudnnConvolutionBackwardFilter dy");
    dnz::emu::RequireDevice(dw, Count(wd) * Bytes(wd.type), "cudnnConvolutionBackwardFilter dw");
    const std::vector<float> xs = ToFloat(x, xd.type, Count(xd));
    const std::vector<float> dys = ToFloat(dy, dyd.type, Count(dyd));
    for (int k = 0; k < wd.k; ++k) {
      for (int c = 0; c < wd.c; ++c) {
        for (int r = 0; r < wd.h; ++r) {
          for (int s = 0; s < wd.w; ++s) {
            float sum = 0.0f;
            const int lo = std::max(0, pad - s), hi = std::min(dyd.w, xd.w + pad - s);
            for (int n = 0; n < xd.n; ++n) {
              const float* g = &dys[(size_t(n) * dyd.c + k) * dyd.h * dyd.w];
              const float* in = &xs[(size_t(n) * xd.c + c) * xd.h * xd.w];
              for (int oy = 0; oy < dyd.h; ++oy) {
                const int iy = oy + r - pad;
                if (iy < 0 || iy >= xd.h) continue;
                const float* gr = g + size_t(oy) * dyd.w;
                const float* ir = in + size_t(iy) * xd.w + (s - pad);
                for (int ox = lo; ox < hi; ++ox) sum += gr[ox] * ir[ox];
              }
            }
            const int64_t i = ((int64_t{k} * wd.c + c) * wd.h + r) * wd.w + s;
            const float old = b == 0.0f ? 0.0f : LoadValue(dw, wd.type, i);
            StoreValue(dw, wd.type, i, a * sum + b * old);
          }
        }
      }
    }
  });
  return CUDNN_STATUS_SUCCESS;
}

}  // extern "C"
