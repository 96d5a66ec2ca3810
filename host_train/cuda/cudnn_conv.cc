#include "cuda/cudnn_conv.h"

#include <algorithm>

#include "cuda/cuda_status.h"

namespace dnz::train::cuda {
namespace {

// Algorithms needing more workspace than this are passed over.
constexpr size_t kMaxWorkspaceBytes = size_t{512} << 20;

// The first of cuDNN's ranked candidates that works within the workspace limit (and, in
// f32, without tensor cores), preferring deterministic ones (a seed then gives the same run
// twice).
template <typename Perf>
const Perf* PickAlgorithm(const Perf* ranked, int count, bool tensor_cores) {
  const Perf* fallback = nullptr;
  for (int i = 0; i < count; ++i) {
    const Perf& p = ranked[i];
    const bool uses_tensor_cores =
        p.mathType == CUDNN_TENSOR_OP_MATH || p.mathType == CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION;
    if (p.status != CUDNN_STATUS_SUCCESS || p.memory > kMaxWorkspaceBytes ||
        (uses_tensor_cores && !tensor_cores)) {
      continue;
    }
    if (p.determinism == CUDNN_DETERMINISTIC) return &p;
    if (fallback == nullptr) fallback = &p;
  }
  return fallback;
}

}  // namespace

CudnnConv::~CudnnConv() {
  for (Plan& plan : plans_) {
    cudnnDestroyTensorDescriptor(plan.x);
    cudnnDestroyTensorDescriptor(plan.y);
  }
  if (filter_ != nullptr) cudnnDestroyFilterDescriptor(filter_);
  if (conv_ != nullptr) cudnnDestroyConvolutionDescriptor(conv_);
}

bool CudnnConv::Init(const ConvShape& shape, Precision precision, std::string* error) {
  shape_ = shape;
  data_type_ = precision == Precision::kF16    ? CUDNN_DATA_HALF
               : precision == Precision::kBF16 ? CUDNN_DATA_BFLOAT16
                                               : CUDNN_DATA_FLOAT;
  tensor_cores_ = precision != Precision::kF32;
  return CudnnOk(cudnnCreateFilterDescriptor(&filter_), "create filter descriptor", error) &&
         CudnnOk(
             cudnnSetFilter4dDescriptor(filter_, data_type_, CUDNN_TENSOR_NCHW, shape.out_channels,
                                        shape.in_channels, shape.kernel, shape.kernel),
             "set filter descriptor", error) &&
         CudnnOk(cudnnCreateConvolutionDescriptor(&conv_), "create convolution descriptor",
                 error) &&
         CudnnOk(cudnnSetConvolution2dDescriptor(conv_, shape.padding, shape.padding, 1, 1, 1, 1,
                                                 CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
                 "set convolution descriptor", error);
}

const CudnnConv::Plan* CudnnConv::FindPlan(int batch) const {
  for (const Plan& plan : plans_) {
    if (plan.batch == batch) return &plan;
  }
  return nullptr;
}

bool CudnnConv::Prepare(cudnnHandle_t handle, int batch, size_t* workspace_bytes,
                        std::string* error) {
  if (const Plan* known = FindPlan(batch)) {
    *workspace_bytes = known->workspace_bytes;
    return true;
  }
  // Kept only once complete: a failed Prepare must not leave a plan FindPlan would use.
  Plan plan;
  plan.batch = batch;
  auto discard = [&plan] {
    if (plan.x != nullptr) cudnnDestroyTensorDescriptor(plan.x);
    if (plan.y != nullptr) cudnnDestroyTensorDescriptor(plan.y);
    return false;
  };
  const int out = shape_.out_side();
  if (!CudnnOk(cudnnCreateTensorDescriptor(&plan.x), "create tensor descriptor", error) ||
      !CudnnOk(cudnnCreateTensorDescriptor(&plan.y), "create tensor descriptor", error) ||
      !CudnnOk(cudnnSetTensor4dDescriptor(plan.x, CUDNN_TENSOR_NCHW, data_type_, batch,
                                          shape_.in_channels, shape_.in_side, shape_.in_side),
               "set input descriptor", error) ||
      !CudnnOk(cudnnSetTensor4dDescriptor(plan.y, CUDNN_TENSOR_NCHW, data_type_, batch,
                                          shape_.out_channels, out, out),
               "set output descriptor", error)) {
    return discard();
  }

  // Rank under the precision's math type: an earlier plan leaves the descriptor set to the
  // math type of its last chosen algorithm, which would narrow this ranking.
  if (!CudnnOk(cudnnSetConvolutionMathType(conv_, RankingMath()), "set math type", error)) {
    return discard();
  }
  int count = 0;
  cudnnConvolutionFwdAlgoPerf_t forward[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
  if (!CudnnOk(
          cudnnGetConvolutionForwardAlgorithm_v7(handle, plan.x, filter_, conv_, plan.y,
                                                 CUDNN_CONVOLUTION_FWD_ALGO_COUNT, &count, forward),
          "rank forward algorithms", error)) {
    return discard();
  }
  const cudnnConvolutionFwdAlgoPerf_t* f = PickAlgorithm(forward, count, tensor_cores_);

  cudnnConvolutionBwdDataAlgoPerf_t data[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
  if (!CudnnOk(cudnnGetConvolutionBackwardDataAlgorithm_v7(handle, filter_, plan.y, conv_, plan.x,
                                                           CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT,
                                                           &count, data),
               "rank backward-data algorithms", error)) {
    return discard();
  }
  const cudnnConvolutionBwdDataAlgoPerf_t* d = PickAlgorithm(data, count, tensor_cores_);

  cudnnConvolutionBwdFilterAlgoPerf_t filter[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
  if (!CudnnOk(cudnnGetConvolutionBackwardFilterAlgorithm_v7(
                   handle, plan.x, plan.y, conv_, filter_, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT,
                   &count, filter),
               "rank backward-filter algorithms", error)) {
    return discard();
  }
  const cudnnConvolutionBwdFilterAlgoPerf_t* w = PickAlgorithm(filter, count, tensor_cores_);

  if (f == nullptr || d == nullptr || w == nullptr) {
    *error = "cudnn: no usable convolution algorithm for a " + std::to_string(shape_.kernel) + "x" +
             std::to_string(shape_.kernel) + " conv at batch " + std::to_string(batch);
    return discard();
  }
  plan.forward = f->algo;
  plan.backward_data = d->algo;
  plan.backward_filter = w->algo;
  plan.forward_math = MathOf(f->mathType);
  plan.backward_data_math = MathOf(d->mathType);
  plan.backward_filter_math = MathOf(w->mathType);
  // The workspace each choice needs under the math type it will run with: the ranking's
  // figure, or cuDNN's answer for that exact configuration if larger.
  size_t forward_bytes = 0, data_bytes = 0, filter_bytes = 0;
  if (!CudnnOk(cudnnSetConvolutionMathType(conv_, plan.forward_math), "set math type", error) ||
      !CudnnOk(cudnnGetConvolutionForwardWorkspaceSize(handle, plan.x, filter_, conv_, plan.y,
                                                       plan.forward, &forward_bytes),
               "forward workspace size", error) ||
      !CudnnOk(cudnnSetConvolutionMathType(conv_, plan.backward_data_math), "set math type",
               error) ||
      !CudnnOk(cudnnGetConvolutionBackwardDataWorkspaceSize(handle, filter_, plan.y, conv_, plan.x,
                                                            plan.backward_data, &data_bytes),
               "backward-data workspace size", error) ||
      !CudnnOk(cudnnSetConvolutionMathType(conv_, plan.backward_filter_math), "set math type",
               error) ||
      !CudnnOk(cudnnGetConvolutionBackwardFilterWorkspaceSize(
                   handle, plan.x, plan.y, conv_, filter_, plan.backward_filter, &filter_bytes),
               "backward-filter workspace size", error)) {
    return discard();
  }
  plan.workspace_bytes =
      std::max({f->memory, d->memory, w->memory, forward_bytes, data_bytes, filter_bytes});
  *workspace_bytes = plan.workspace_bytes;
  plans_.push_back(plan);
  return true;
}

cudnnMathType_t CudnnConv::RankingMath() const {
  return tensor_cores_ ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
}

cudnnMathType_t CudnnConv::MathOf(cudnnMathType_t ranked) const {
  return tensor_cores_ ? ranked : CUDNN_FMA_MATH;
}

const CudnnConv::Plan* CudnnConv::UsePlan(int batch, cudnnMathType_t Plan::*math,
                                          std::string* error) {
  const Plan* plan = FindPlan(batch);
  if (plan == nullptr) {
    *error = "internal: convolution not prepared for batch " + std::to_string(batch);
    return nullptr;
  }
  // Host-side descriptor state only: allowed while a CUDA graph is being captured.
  return CudnnOk(cudnnSetConvolutionMathType(conv_, plan->*math), "set math type", error) ? plan
                                                                                          : nullptr;
}

bool CudnnConv::Forward(cudnnHandle_t handle, int batch, const void* x, const void* w, void* y,
                        void* workspace, size_t workspace_bytes, std::string* error) {
  const Plan* plan = UsePlan(batch, &Plan::forward_math, error);
  const float one = 1.0f, zero = 0.0f;
  return plan != nullptr &&
         CudnnOk(cudnnConvolutionForward(handle, &one, plan->x, x, filter_, w, conv_, plan->forward,
                                         workspace, workspace_bytes, &zero, plan->y, y),
                 "convolution forward", error);
}

bool CudnnConv::BackwardData(cudnnHandle_t handle, int batch, const void* w, const void* dy,
                             void* dx, void* workspace, size_t workspace_bytes,
                             std::string* error) {
  const Plan* plan = UsePlan(batch, &Plan::backward_data_math, error);
  const float one = 1.0f, zero = 0.0f;
  return plan != nullptr &&
         CudnnOk(cudnnConvolutionBackwardData(handle, &one, filter_, w, plan->y, dy, conv_,
                                              plan->backward_data, workspace, workspace_bytes,
                                              &zero, plan->x, dx),
                 "convolution backward data", error);
}

bool CudnnConv::BackwardFilter(cudnnHandle_t handle, int batch, const void* x, const void* dy,
                               void* dw, void* workspace, size_t workspace_bytes,
                               std::string* error) {
  const Plan* plan = UsePlan(batch, &Plan::backward_filter_math, error);
  const float one = 1.0f, zero = 0.0f;
  return plan != nullptr &&
         CudnnOk(cudnnConvolutionBackwardFilter(handle, &one, plan->x, x, plan->y, dy, conv_,
                                                plan->backward_filter, workspace, workspace_bytes,
                                                &zero, filter_, dw),
                 "convolution backward filter", error);
}

}  // namespace dnz::train::cuda
