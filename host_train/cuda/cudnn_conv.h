// One convolution on cuDNN's convolution API: descriptors, the algorithm of each direction
// (forward, backward-data, backward-weights) chosen once per batch size by cuDNN's
// heuristics, and the workspace each needs. NCHW tensors and OIHW weights, the flat layout
// of the trainer's parameters, so weights and gradients need no reordering.
//
// f32 runs on CUDA cores (CUDNN_FMA_MATH): TF32 tensor cores would round the inputs to 10
// mantissa bits and break parity with the CPU trainer. f16 and bf16 tensors run on tensor
// cores and accumulate in f32.
#ifndef DNZ_HOST_TRAIN_CUDA_CUDNN_CONV_H_
#define DNZ_HOST_TRAIN_CUDA_CUDNN_CONV_H_

#include <cudnn.h>

#include <cstddef>
#include <string>
#include <vector>

#include "network/seed_network.h"

namespace dnz::train::cuda {

enum class Precision { kF32, kF16, kBF16 };

struct ConvShape {
  int in_channels = 0;
  int in_side = 0;  // H = W of the input
  int out_channels = 0;
  int kernel = 0;
  int padding = 0;  // each side
  int out_side() const { return ConvOutputSide(in_side, kernel, padding, padding); }
};

class CudnnConv {
 public:
  CudnnConv() = default;
  CudnnConv(const CudnnConv&) = delete;
  CudnnConv& operator=(const CudnnConv&) = delete;
  ~CudnnConv();

  bool Init(const ConvShape& shape, Precision precision, std::string* error);
  // Descriptors and algorithms for `batch`, made on first use and kept; *workspace_bytes
  // gets the most any direction needs at that batch.
  bool Prepare(cudnnHandle_t handle, int batch, size_t* workspace_bytes, std::string* error);

  // y = conv(x, w); dx = conv_transpose(w, dy); dw = correlation of x and dy, all tensors of
  // the precision's type. `batch` must have been prepared and the workspace must be as
  // large as Prepare said.
  bool Forward(cudnnHandle_t handle, int batch, const void* x, const void* w, void* y,
               void* workspace, size_t workspace_bytes, std::string* error);
  bool BackwardData(cudnnHandle_t handle, int batch, const void* w, const void* dy, void* dx,
                    void* workspace, size_t workspace_bytes, std::string* error);
  bool BackwardFilter(cudnnHandle_t handle, int batch, const void* x, const void* dy, void* dw,
                      void* workspace, size_t workspace_bytes, std::string* error);

  const ConvShape& shape() const { return shape_; }

 private:
  struct Plan {
    int batch = 0;
    cudnnTensorDescriptor_t x = nullptr;
    cudnnTensorDescriptor_t y = nullptr;
    cudnnConvolutionFwdAlgo_t forward{};
    cudnnConvolutionBwdDataAlgo_t backward_data{};
    cudnnConvolutionBwdFilterAlgo_t backward_filter{};
    // Each algorithm runs with the math type cuDNN ranked it under (set on the descriptor
    // before each call): the heuristics list tensor-core and plain forms of an algorithm.
    cudnnMathType_t forward_math{}, backward_data_math{}, backward_filter_math{};
    size_t workspace_bytes = 0;
  };
  const Plan* FindPlan(int batch) const;
  // The plan for `batch` with the descriptor set to `math`; null with `error` set if none.
  const Plan* UsePlan(int batch, cudnnMathType_t Plan::*math, std::string* error);
  // The math type cuDNN ranks algorithms under: tensor cores in f16/bf16, FMA in f32.
  cudnnMathType_t RankingMath() const;
  // The math type to run a ranked candidate under: its own, but always FMA in f32.
  cudnnMathType_t MathOf(cudnnMathType_t ranked) const;

  ConvShape shape_;
  cudnnDataType_t data_type_ = CUDNN_DATA_FLOAT;
  bool tensor_cores_ = false;
  cudnnFilterDescriptor_t filter_ = nullptr;
  cudnnConvolutionDescriptor_t conv_ = nullptr;
  std::vector<Plan> plans_;
};

}  // namespace dnz::train::cuda

#endif  // DNZ_HOST_TRAIN_CUDA_CUDNN_CONV_H_
