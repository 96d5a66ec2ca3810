// cuDNN loaded at run time (host_train/cuda/cudnn_library.h): on a machine with cuDNN and no
// GPU (CI), the forwarding functions reach the real library for the calls that need no
// device. The unloadable case is HostTrainCudnn.* (train_run_test.cc): the loader runs once
// per process.
#include "cuda/cudnn_library.h"

#include <cudnn.h>
#include <gtest/gtest.h>

#include <string>

namespace dnz::train::cuda {
namespace {

TEST(CudnnLibrary, LoadsAndForwardsCallsThatNeedNoGpu) {
  std::string why;
  ASSERT_TRUE(CudnnLibraryLoaded(&why)) << why;
  EXPECT_EQ(cudnnGetVersion() / 10000, static_cast<size_t>(CUDNN_MAJOR));
  EXPECT_NE(std::string(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM)).find("BAD_PARAM"),
            std::string::npos);

  cudnnTensorDescriptor_t tensor = nullptr;
  ASSERT_EQ(cudnnCreateTensorDescriptor(&tensor), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnSetTensor4dDescriptor(tensor, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 128, 1, 28, 28),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnSetTensor4dDescriptor(tensor, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 0, 1, 28, 28),
            CUDNN_STATUS_BAD_PARAM);  // the real library's checks, not a stub's success
  EXPECT_EQ(cudnnDestroyTensorDescriptor(tensor), CUDNN_STATUS_SUCCESS);

  cudnnFilterDescriptor_t filter = nullptr;
  ASSERT_EQ(cudnnCreateFilterDescriptor(&filter), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnSetFilter4dDescriptor(filter, CUDNN_DATA_HALF, CUDNN_TENSOR_NCHW, 32, 1, 3, 3),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnDestroyFilterDescriptor(filter), CUDNN_STATUS_SUCCESS);

  cudnnConvolutionDescriptor_t conv = nullptr;
  ASSERT_EQ(cudnnCreateConvolutionDescriptor(&conv), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnSetConvolution2dDescriptor(conv, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION,
                                            CUDNN_DATA_FLOAT),
            CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnSetConvolutionMathType(conv, CUDNN_TENSOR_OP_MATH), CUDNN_STATUS_SUCCESS);
  EXPECT_EQ(cudnnDestroyConvolutionDescriptor(conv), CUDNN_STATUS_SUCCESS);
}

}  // namespace
}  // namespace dnz::train::cuda
