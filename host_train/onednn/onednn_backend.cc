#include "onednn/onednn_backend.h"

#include <omp.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <map>
#include <utility>

#include "network/host_batch.h"
#include "onednn/seed_graph.h"
#include "onednn/zeroed_memory.h"
#include "optimize/bce_loss.h"

namespace dnz::train {
namespace {

using dnnl::memory;
using onednn::ConvParams;
using onednn::FloatData;
using onednn::SeedGraph;

const char* IsaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::avx512_core_amx:
      return "avx512_core_amx";
    case dnnl::cpu_isa::avx512_core_bf16:
      return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_vnni:
      return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core:
      return "avx512_core";
    case dnnl::cpu_isa::avx2_vnni:
      return "avx2_vnni";
    case dnnl::cpu_isa::avx2:
      return "avx2";
    case dnnl::cpu_isa::avx:
      return "avx";
    case dnnl::cpu_isa::sse41:
      return "sse41";
    default:
      return "generic";
  }
}

class OnednnBackend final : public TrainBackend {
 public:
  OnednnBackend(int threads, int train_batch, memory::data_type data_type)
      : engine_(dnnl::engine::kind::cpu, 0),
        stream_(engine_),
        threads_(threads),
        data_type_(data_type) {
    if (threads > 0) omp_set_num_threads(threads);
    threads_ = omp_get_max_threads();
    // The training batch is built first, so its kernels choose the parameter layouts.
    Graph(train_batch, /*training=*/true);
  }

  BackendInfo Info() const override {
    BackendInfo info;
    info.name = data_type_ == memory::data_type::bf16 ? "onednn-bf16" : "onednn-f32";
    info.device = std::string("cpu ") + IsaName(dnnl::get_effective_cpu_isa()) + ", " +
                  std::to_string(threads_) + " thread" + (threads_ == 1 ? "" : "s");
    info.loss_read_steps = 1;  // the loss is on the host when a step returns
    return info;
  }

  bool SetParameters(const std::vector<float>& params, std::string* error) override {
    return Guard(error, [&] {
      if (!CheckSize(params.size(), error)) return false;
      for (int i = 0; i < kNumConvs; ++i) {
        CopyIn(params.data(), i, params_[i].weights, params_[i].bias);
        params_[i].RefreshKernelWeights(stream_);
      }
      return true;
    });
  }
  bool GetParameters(std::vector<float>* params, std::string* error) override {
    return Guard(error, [&] {
      params->assign(SeedParamLayout().total, 0.0f);
      for (int i = 0; i < kNumConvs; ++i) {
        CopyOut(params_[i].weights, params_[i].bias, i, params->data());
      }
      return true;
    });
  }
  bool SetAdamState(const AdamState& state, std::string* error) override {
    return Guard(error, [&] {
      if (!CheckSize(state.m.size(), error) || !CheckSize(state.v.size(), error)) return false;
      for (int i = 0; i < kNumConvs; ++i) {
        CopyIn(state.m.data(), i, params_[i].m_weights, params_[i].m_bias);
        CopyIn(state.v.data(), i, params_[i].v_weights, params_[i].v_bias);
      }
      adam_step_ = state.step;
      return true;
    });
  }
  bool GetAdamState(AdamState* state, std::string* error) override {
    return Guard(error, [&] {
      state->m.assign(SeedParamLayout().total, 0.0f);
      state->v.assign(SeedParamLayout().total, 0.0f);
      for (int i = 0; i < kNumConvs; ++i) {
        CopyOut(params_[i].m_weights, params_[i].m_bias, i, state->m.data());
        CopyOut(params_[i].v_weights, params_[i].v_bias, i, state->v.data());
      }
      state->step = adam_step_;
      return true;
    });
  }

  // In place on the f32 activations; bf16 ones would need their own loops.
  bool SetActivationQuant(const ActivationQuant& quant, std::string* error) override {
    if (quant.enabled && data_type_ != memory::data_type::f32) {
      *error = "fake-quantized activations (--qat) train in f32 on the CPU, not --precision bf16";
      return false;
    }
    quant_ = quant;
    return true;
  }

  bool SetTrainingSet(const float* images, int count, std::string*) override {
    images_ = images;
    set_count_ = count;
    return true;
  }
  bool SetEpochOrder(const std::vector<int>& order, std::string* error) override {
    if (!CheckEpochOrder(order, set_count_, error)) return false;
    order_ = order;
    return true;
  }
  // The batch made on the host with its noise (network/host_batch.h), then the two halves.
  bool Step(const StepRequest& request, std::string* error) override {
    if (!CheckStepRange(request, set_count_, error)) return false;
    const size_t values = static_cast<size_t>(request.batch) * kImagePixels;
    batch_clean_.resize(values);
    batch_noisy_.resize(values);
    MakeHostBatch(images_, order_.data(), request.first, request.batch, request.noise,
                  request.noise_seed, request.noise_epoch, batch_clean_.data(),
                  batch_noisy_.data());
    double loss = 0.0;
    if (!ComputeGradients(batch_noisy_.data(), batch_clean_.data(), request.batch, &loss, error) ||
        !ApplyAdam(request.adam, error)) {
      return false;
    }
    loss_sum_ += loss * request.batch;
    return true;
  }
  bool TakeLossSum(double* sum, std::string*) override {
    *sum = loss_sum_;
    loss_sum_ = 0.0;
    return true;
  }

  bool ComputeGradients(const float* noisy, const float* clean, int batch, double* loss,
                        std::string* error) override {
    return Guard(error, [&] {
      SeedGraph& graph = Graph(batch, /*training=*/true);
      SeedGraph::StageDone done = nullptr;
      if (stage_timing_) {
        stage_clock_.Start();
        done = [this](int stage) { stage_clock_.Mark(stage, &stage_times_); };
        ++stage_times_.steps;
      }
      graph.Forward(stream_, noisy, quant_, done);
      *loss = SigmoidBceMean(graph.logits(), clean, static_cast<size_t>(batch), kImagePixels,
                             graph.diff_logits());
      graph.Backward(stream_, quant_, done);
      last_ = &graph;
      has_gradients_ = true;
      return true;
    });
  }
  bool GetGradients(std::vector<float>* grads, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    return Guard(error, [&] {
      grads->assign(SeedParamLayout().total, 0.0f);
      for (int i = 0; i < kNumConvs; ++i) {
        CopyOut(params_[i].diff_weights, params_[i].diff_bias, i, grads->data());
      }
      return true;
    });
  }
  bool ApplyAdam(const AdamConfig& config, std::string* error) override {
    if (!has_gradients_) {
      *error = "no gradients yet: call ComputeGradients first";
      return false;
    }
    ++adam_step_;
    if (stage_timing_) stage_clock_.Start();
    for (ConvParams& p : params_) {
      // Whole blocked buffers, padding included: padded gradients are zero, so padded
      // weights stay zero.
      AdamUpdate(config, adam_step_, p.weights_desc.get_size() / sizeof(float),
                 FloatData(p.weights), FloatData(p.diff_weights), FloatData(p.m_weights),
                 FloatData(p.v_weights));
      AdamUpdate(config, adam_step_, p.bias.get_desc().get_size() / sizeof(float),
                 FloatData(p.bias), FloatData(p.diff_bias), FloatData(p.m_bias),
                 FloatData(p.v_bias));
    }
    return Guard(error, [&] {
      for (ConvParams& p : params_) p.RefreshKernelWeights(stream_);
      if (stage_timing_) {
        stream_.wait();
        stage_clock_.Mark(kAdamStage, &stage_times_);
      }
      return true;
    });
  }

  bool StageTiming(bool on, StageTimes* since_last, std::string*) override {
    *since_last = stage_times_;
    stage_times_ = StageTimes{};
    stage_timing_ = on;
    return true;
  }

  bool Forward(const float* noisy, int batch, float* logits, std::string* error) override {
    return Guard(error, [&] {
      SeedGraph& graph = Graph(batch, /*training=*/false);
      graph.Forward(stream_, noisy, quant_);
      std::memcpy(logits, graph.logits(),
                  sizeof(float) * static_cast<size_t>(batch) * kImagePixels);
      last_ = &graph;
      return true;
    });
  }

  double BottleneckPositiveFraction() override {
    return last_ == nullptr ? 0.0 : last_->BottleneckPositiveFraction(stream_);
  }

 private:
  template <typename Fn>
  static bool Guard(std::string* error, Fn&& fn) {
    try {
      return fn();
    } catch (const dnnl::error& e) {
      *error = std::string("oneDNN: ") + e.what();
    } catch (const std::exception& e) {
      *error = e.what();
    }
    return false;
  }

  static bool CheckSize(size_t size, std::string* error) {
    if (size == SeedParamLayout().total) return true;
    *error = "parameter vector has " + std::to_string(size) + " values, the seed network has " +
             std::to_string(SeedParamLayout().total);
    return false;
  }

  SeedGraph& Graph(int batch, bool training) {
    auto& slot = graphs_[{batch, training}];
    if (!slot) slot = std::make_unique<SeedGraph>(engine_, batch, &params_, training, data_type_);
    return *slot;
  }

  memory PlainWeights(int conv, const float* data) {
    const SeedConv& s = kSeedConvs[static_cast<size_t>(conv)];
    const memory::desc desc({s.out_channels, s.in_channels, s.kernel, s.kernel},
                            memory::data_type::f32, memory::format_tag::oihw);
    return memory(desc, engine_, const_cast<float*>(data));
  }

  // flat[conv] -> blocked weights / plain bias.
  void CopyIn(const float* flat, int conv, memory& weights, memory& bias) {
    const ParamLayout& layout = SeedParamLayout();
    memory plain = PlainWeights(conv, flat + layout.weight_offset[conv]);
    dnnl::reorder(plain, weights).execute(stream_, plain, weights);
    stream_.wait();
    std::memcpy(bias.get_data_handle(), flat + layout.bias_offset[conv],
                sizeof(float) * kSeedConvs[static_cast<size_t>(conv)].out_channels);
  }

  void CopyOut(const memory& weights, const memory& bias, int conv, float* flat) {
    const ParamLayout& layout = SeedParamLayout();
    memory plain = PlainWeights(conv, flat + layout.weight_offset[conv]);
    dnnl::reorder(weights, plain)
        .execute(stream_, {{DNNL_ARG_FROM, weights}, {DNNL_ARG_TO, plain}});
    stream_.wait();
    std::memcpy(flat + layout.bias_offset[conv], bias.get_data_handle(),
                sizeof(float) * kSeedConvs[static_cast<size_t>(conv)].out_channels);
  }

  dnnl::engine engine_;
  dnnl::stream stream_;
  int threads_;
  memory::data_type data_type_;
  std::array<ConvParams, kNumConvs> params_;
  std::map<std::pair<int, bool>, std::unique_ptr<SeedGraph>> graphs_;
  SeedGraph* last_ = nullptr;
  ActivationQuant quant_;
  bool has_gradients_ = false;
  int64_t adam_step_ = 0;
  bool stage_timing_ = false;
  // The training set (the caller's, read in place), this epoch's order, the step's batch.
  const float* images_ = nullptr;
  int set_count_ = 0;
  std::vector<int> order_;
  std::vector<float> batch_clean_, batch_noisy_;  // [batch][28][28]
  double loss_sum_ = 0.0;                         // loss * images since TakeLossSum
  HostStageClock stage_clock_;
  StageTimes stage_times_;
};

}  // namespace

std::unique_ptr<TrainBackend> CreateOnednnBackend(const BackendOptions& options,
                                                  std::string* error) {
  memory::data_type data_type = memory::data_type::f32;
  if (options.precision == "bf16") {
    data_type = memory::data_type::bf16;
  } else if (options.precision != "f32") {
    *error =
        "--precision " + options.precision + " on the CPU: use f32 or bf16 (f16 is for the GPU)";
    return nullptr;
  }
  try {
    return std::make_unique<OnednnBackend>(options.threads, options.train_batch, data_type);
  } catch (const dnnl::error& e) {
    *error = std::string("oneDNN backend: ") + e.what();
  } catch (const std::exception& e) {
    *error = std::string("oneDNN backend: ") + e.what();
  }
  return nullptr;
}

}  // namespace dnz::train
