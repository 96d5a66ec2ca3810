// The `onednn` backend (x86 hosts), the glue: oneDNN's int8 convolution (u8
// source, s8 weights, s32 bias) accumulates in int32, then our own x86 kernels
// (../x86/: requantization, one-output-channel convs) apply the same integer rule
// as `ref` (requantize.h), so the bytes are identical. The arena layout comes from
// memory_planner.h; pools and upsamples are ref's templates on u8.
//
// Activations live in the arena as u8 = s8 ^ 0x80 (that is, q + 128). The
// verifier's model has zero point -128 on every conv input, so u8 is exactly
// (q - zero_point): oneDNN's zero padding is the real value 0, as in `ref`, and
// no source zero point is needed (which keeps oneDNN on its fastest kernels).
// An upsample + 3x3 conv runs as four 2x2 convs on the small input when its
// summed weights fit int8 (polyphase.h); any other fused upsample is materialized
// into scratch (oneDNN has no "read at y >> 1").
//
// A pass runs at most kMaxImagesPerPass images (fewer when max_batch is smaller):
// a larger batch is run as several passes, whose accumulators and upsampled
// inputs stay in the core's cache (measured: 8 images per pass is as fast as or
// faster than 128, with a 2 MB arena instead of 31 MB).
// Primitives are made once at init for two batch sizes (a full pass and 1), with
// the weights reordered once into oneDNN's layout, each for its own thread count
// (../threads.h: by default one thread for a pass of up to 3 images, the usable cores
// for 4 to 8). oneDNN fixes a convolution's threads when it creates the primitive (the
// OpenMP count at that moment), so the count is set while each instance is made, and
// again around each pass for what oneDNN and our kernels ask at execution. With `auto`
// and more than one usable core, a third set runs a full pass on one thread, and each
// full pass runs whichever of the two has lately been faster (../adaptive_threads.h).
// Without VNNI every oneDNN conv runs twice, on the input's low 7 bits and on its top
// bit, so that oneDNN's int16 pair sums cannot saturate (split_int8.h). The arena holds
// the planned activation tensors, the s32 accumulators, the upsample buffer, oneDNN's
// user scratchpad and, when split, the top bits and their accumulators. This file is
// built with exceptions (oneDNN's C++ API throws); none leaves it.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dnnl.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "../backend.h"
#include "../ref/maxpool.h"
#include "../ref/upsample.h"
#include "adaptive_threads.h"
#include "arena_regions.h"
#include "dnz_internal/conv_geometry.h"
#include "dnz_internal/polyphase.h"
#include "dnz_internal/weights.h"
#include "split_int8.h"
#include "threads.h"
#include "x86/conv_single_output.h"
#include "x86/requantize_output.h"

namespace dnz {
namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// One oneDNN convolution primitive, its weights reordered once (owned by oneDNN) and its
// arguments, bound to the arena in bind_arena.
struct Primitive {
  dnnl::convolution_forward primitive;
  memory weights;
  size_t scratchpad_bytes = 0;
  std::unordered_map<int, memory> args;
};

// One convolution: the whole conv, or one parity of a polyphase conv. Without VNNI
// (split_int8.h) `main` runs on the inputs' low 7 bits and `high`, without the bias, on
// their top bit.
struct ConvPart {
  Primitive main, high;
  memory::desc src_desc, dst_desc;
  size_t dst_offset = 0;  // bytes into the accumulator region
};

struct ConvStage {
  bool single_output = false;   // one output channel: our own kernel, no primitive
  std::vector<ConvPart> parts;  // 1, or 4 for a polyphase conv ([py][px])
};

struct Instance {
  uint32_t batch = 0;
  int threads = 1;  // OpenMP threads of a pass (the primitives were made for this count)
  std::vector<ConvStage> convs;  // [op] (empty stage for non-conv ops)
  size_t scratchpad_bytes = 0;
};

struct State {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  Instance full, single;
  Instance full_serial;  // auto on several cores: a full pass on one thread (batch 0 if none)
  PassVariantChooser chooser;
  std::vector<Requant32> requant;  // [op]
  // [op]: the model's ops, int4 weights unpacked to int8 once here (so the primitives, the
  // polyphase sums and our x86 kernels see int8 only); every op below is read from here.
  std::vector<dnz_op> ops;
  std::vector<std::vector<int8_t>> unpacked_weights;  // [op], int4 convs only
  // [op]: the four 2x2 parity kernels (OHWI, [py][px]) of an upsample conv that
  // runs polyphase; empty otherwise. Kept only until the primitives are made.
  std::vector<std::vector<int8_t>> polyphase_kernels;
  std::vector<bool> polyphase;  // [op]
  bool split = false;           // no VNNI: every oneDNN conv runs on 7-bit halves
};

constexpr uint32_t kMaxImagesPerPass = 8;

uint32_t PassImages(const dnz_session* session) {
  return session->max_batch < kMaxImagesPerPass ? session->max_batch : kMaxImagesPerPass;
}

State& StateOf(dnz_session* session) { return *static_cast<State*>(session->backend_state); }

// On AVX-512 VNNI CPUs oneDNN 2.6 lists its brgemm conv first, but its direct JIT
// conv runs these layers as fast or faster (measured at batch 8 and 128: 35%
// faster on the 1-channel first layer, 5-15% on 32-64 channels, within 2% on
// 128). Other CPUs (AMX, AVX2) keep oneDNN's first choice.
void PreferDirectJit(dnnl::convolution_forward::primitive_desc& pd) {
  const std::string first = pd.impl_info_str();
  if (first.rfind("brgconv:avx512_core_vnni", 0) != 0) return;
  dnnl::convolution_forward::primitive_desc candidate = pd;
  while (candidate.next_impl()) {
    if (std::string(candidate.impl_info_str()).rfind("jit_int8:avx512_core_vnni", 0) == 0) {
      pd = candidate;
      return;
    }
  }
}

struct PartShape {
  memory::dims src, dst, kernel, pad_before, pad_after;
  const int8_t* weights;  // OHWI
};

// A primitive for `shape`, with `bias` or (nullptr) without one.
Primitive MakePrimitive(State& state, const PartShape& shape, const memory::desc& src_desc,
                        const memory::desc& dst_desc, const int32_t* bias) {
  const memory::dim oc = shape.dst[1], ic = shape.src[1];
  const memory::desc weights_any({oc, ic, shape.kernel[0], shape.kernel[1]}, dt::s8, tag::any);
  // A zero descriptor is oneDNN's "no bias".
  const memory::desc bias_desc =
      bias != nullptr ? memory::desc({oc}, dt::s32, tag::x) : memory::desc();
  const dnnl::convolution_forward::desc desc(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_direct, src_desc,
      weights_any, bias_desc, dst_desc, {1, 1}, shape.pad_before, shape.pad_after);
  dnnl::primitive_attr attr;
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  dnnl::convolution_forward::primitive_desc pd(desc, attr, state.engine);
  PreferDirectJit(pd);
  Primitive made;
  made.primitive = dnnl::convolution_forward(pd);
  made.scratchpad_bytes = pd.scratchpad_desc().get_size();

  // OHWI weights, reordered once into the layout the primitive chose.
  const memory::desc ohwi({oc, ic, shape.kernel[0], shape.kernel[1]}, dt::s8, tag::ohwi);
  memory source(ohwi, state.engine, const_cast<int8_t*>(shape.weights));
  made.weights = memory(pd.weights_desc(), state.engine);
  dnnl::reorder(source, made.weights).execute(state.stream, source, made.weights);
  state.stream.wait();

  made.args[DNNL_ARG_WEIGHTS] = made.weights;
  if (bias != nullptr) {
    made.args[DNNL_ARG_BIAS] = memory(bias_desc, state.engine, const_cast<int32_t*>(bias));
  }
  return made;
}

ConvPart MakeConvPart(State& state, const PartShape& shape, const int32_t* bias) {
  ConvPart part;
  part.src_desc = memory::desc(shape.src, dt::u8, tag::nhwc);
  part.dst_desc = memory::desc(shape.dst, dt::s32, tag::nhwc);
  part.main = MakePrimitive(state, shape, part.src_desc, part.dst_desc, bias);
  if (state.split) part.high = MakePrimitive(state, shape, part.src_desc, part.dst_desc, nullptr);
  return part;
}

ConvStage MakeConvStage(State& state, const dnz_model& model, uint32_t i, uint32_t batch) {
  const dnz_op& op = state.ops[i];
  const dnz_tensor_info& in = model.tensors[i];
  const memory::dim n = batch, ic = in.channels, oc = model.tensors[i + 1].channels;
  ConvStage stage;
  if (state.polyphase[i]) {
    // Four 2x2 convs on the stored (small) input, one per output parity.
    const memory::dim h = in.height, w = in.width;
    const size_t kernel_bytes = size_t(oc) * 4 * size_t(ic);
    const size_t block_bytes = size_t(n) * size_t(h * w * oc) * sizeof(int32_t);
    for (int parity = 0; parity < 4; ++parity) {
      const memory::dim py = parity >> 1, px = parity & 1;
      const PartShape shape{
          {n, ic, h, w}, {n, oc, h, w},
          {2, 2},        {1 - py, 1 - px},
          {py, px},      state.polyphase_kernels[i].data() + parity * kernel_bytes};
      stage.parts.push_back(MakeConvPart(state, shape, op.bias));
      stage.parts.back().dst_offset = parity * block_bytes;
    }
    return stage;
  }
  const int shift = op.fused_upsample_input ? 1 : 0;
  const PartShape shape{{n, ic, in.height << shift, in.width << shift},
                        {n, oc, op.conv_out_h, op.conv_out_w},
                        {op.kernel_h, op.kernel_w},
                        {op.pad_top, op.pad_left},
                        {op.pad_bottom, op.pad_right},
                        op.weights};
  stage.parts.push_back(MakeConvPart(state, shape, op.bias));
  return stage;
}

Instance MakeInstance(State& state, const dnz_model& model, uint32_t batch, int threads) {
  const ScopedOmpThreads omp_threads(threads);  // oneDNN sizes its primitives for this
  Instance instance;
  instance.batch = batch;
  instance.threads = threads;
  instance.convs.resize(model.num_ops);
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    if (model.ops[i].kind != DNZ_OP_CONV) continue;
    if (model.tensors[i + 1].channels == 1) {
      instance.convs[i].single_output = true;
      continue;
    }
    instance.convs[i] = MakeConvStage(state, model, i, batch);
    for (const ConvPart& part : instance.convs[i].parts) {
      for (const Primitive* primitive : {&part.main, &part.high}) {
        if (primitive->scratchpad_bytes > instance.scratchpad_bytes) {
          instance.scratchpad_bytes = primitive->scratchpad_bytes;
        }
      }
    }
  }
  return instance;
}

// Which upsample convs run polyphase: shape fits, more than one output channel
// (one-channel convs have their own kernel) and every summed weight fits in int8.
void PlanPolyphase(State& state, const dnz_model& model) {
  state.polyphase.assign(model.num_ops, false);
  state.polyphase_kernels.assign(model.num_ops, {});
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    const dnz_op& op = state.ops[i];
    const dnz_tensor_info &in = model.tensors[i], &out = model.tensors[i + 1];
    if (!PolyphaseShapeApplies(op, in, out) || out.channels == 1) continue;
    const size_t kernel_bytes = size_t(out.channels) * 4 * size_t(in.channels);
    std::vector<int8_t> kernels(4 * kernel_bytes);
    bool fits = true;
    for (int parity = 0; parity < 4 && fits; ++parity) {
      fits = PolyphaseKernel(op.weights, out.channels, in.channels, parity >> 1, parity & 1,
                             kernels.data() + parity * kernel_bytes);
    }
    if (!fits) continue;
    state.polyphase[i] = true;
    state.polyphase_kernels[i] = std::move(kernels);
  }
}

// The ops as this backend runs them: int4 weights as int8 (the same values).
void UnpackWeights(State& state, const dnz_model& model) {
  state.ops.assign(model.ops, model.ops + model.num_ops);
  state.unpacked_weights.assign(model.num_ops, {});
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    dnz_op& op = state.ops[i];
    if (op.kind != DNZ_OP_CONV || op.weight_format != DNZ_WEIGHTS_INT4) continue;
    const size_t count = size_t(op.kernel_h) * size_t(op.kernel_w) *
                         size_t(model.tensors[i].channels) * size_t(model.tensors[i + 1].channels);
    std::vector<int8_t>& unpacked = state.unpacked_weights[i];
    unpacked.resize(count);
    for (size_t k = 0; k < count; ++k) unpacked[k] = int8_t(Int4At(op.weights, int64_t(k)));
    op.weights = unpacked.data();
    op.weight_format = DNZ_WEIGHTS_INT8;
  }
}

// Arena regions beyond the activations (arena_regions.h): accumulators, upsample
// buffer, oneDNN's scratchpad.
void PlanScratch(dnz_session* session, State& state) {
  const dnz_model& model = *session->model;
  bool materialize_upsample[DNZ_MAX_OPS] = {};
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    materialize_upsample[i] = model.ops[i].kind == DNZ_OP_CONV &&
                              model.ops[i].fused_upsample_input && !state.polyphase[i];
  }
  size_t scratchpad = 0;
  for (const Instance* instance : {&state.full, &state.single, &state.full_serial}) {
    if (instance->scratchpad_bytes > scratchpad) scratchpad = instance->scratchpad_bytes;
  }
  onednn::RequestArenaRegions(session, PassImages(session), materialize_upsample, scratchpad,
                              state.split);
}

// The model's conv inputs must have zero point -128 (the u8 = q + 128 trick above).
dnz_status Supports(const dnz_model& model, char* why, size_t why_size) {
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    if (model.ops[i].kind == DNZ_OP_CONV && model.tensors[i].zero_point != -128) {
      std::snprintf(why, why_size, "op %u: input zero point %d (onednn needs -128)", i,
                    model.tensors[i].zero_point);
      return DNZ_ERR_BACKEND_UNAVAILABLE;
    }
  }
  return DNZ_OK;
}

dnz_status Init(dnz_session* session) {
  try {
    auto state = std::make_unique<State>();
    state->split = !OnednnInt8IsExact();
    PlanActivations(session, 1, PassImages(session));
    const dnz_model& model = *session->model;
    UnpackWeights(*state, model);
    state->requant.resize(model.num_ops);
    for (uint32_t i = 0; i < model.num_ops; ++i) {
      if (model.ops[i].kind != DNZ_OP_CONV) continue;
      state->requant[i] = MakeRequant32(model.ops[i], model.tensors[i + 1].channels);
    }
    PlanPolyphase(*state, model);
    const int usable = UsableThreads();
    const uint32_t full = PassImages(session);
    state->single = MakeInstance(*state, model, 1, PassThreads(session->threads, 1, usable));
    if (full > 1) {
      state->full = MakeInstance(*state, model, full, PassThreads(session->threads, full, usable));
      if (session->threads == 0 && state->full.threads > 1) {
        state->full_serial = MakeInstance(*state, model, full, 1);
      }
    }
    state->polyphase_kernels.clear();  // reordered into the primitives' own memory
    PlanScratch(session, *state);
    session->backend_state = state.release();
    return DNZ_OK;
  } catch (const std::exception& e) {
    return DNZ_FAIL(session, DNZ_ERR_BACKEND, "onednn: %s", e.what());
  }
}

void BindInstance(dnz_session* session, State& state, Instance& instance) {
  const dnz_model& model = *session->model;
  uint8_t* arena = session->arena;
  const memory::desc scratch_desc({dnnl::memory::dim(instance.scratchpad_bytes)}, dt::u8, tag::x);
  const memory scratchpad(scratch_desc, state.engine, ScratchRegion(session, onednn::kScratchpad));
  for (uint32_t i = 0; i < model.num_ops; ++i) {
    if (model.ops[i].kind != DNZ_OP_CONV || instance.convs[i].single_output) continue;
    const bool upsampled = model.ops[i].fused_upsample_input && !state.polyphase[i];
    uint8_t* src = upsampled ? ScratchRegion(session, onednn::kUpsampled)
                             : arena + session->plan.tensor_offset[i];
    for (ConvPart& part : instance.convs[i].parts) {
      part.main.args[DNNL_ARG_SRC] = memory(part.src_desc, state.engine, src);
      part.main.args[DNNL_ARG_DST] =
          memory(part.dst_desc, state.engine,
                 ScratchRegion(session, onednn::kAccumulators) + part.dst_offset);
      part.main.args[DNNL_ARG_SCRATCHPAD] = scratchpad;
      if (!state.split) continue;
      part.high.args[DNNL_ARG_SRC] =
          memory(part.src_desc, state.engine, ScratchRegion(session, onednn::kHighInput));
      part.high.args[DNNL_ARG_DST] =
          memory(part.dst_desc, state.engine,
                 ScratchRegion(session, onednn::kHighAccumulators) + part.dst_offset);
      part.high.args[DNNL_ARG_SCRATCHPAD] = scratchpad;
    }
  }
}

dnz_status BindArena(dnz_session* session) {
  State& state = StateOf(session);
  try {
    BindInstance(session, state, state.single);
    if (state.full.batch > 1) BindInstance(session, state, state.full);
    if (state.full_serial.batch > 1) BindInstance(session, state, state.full_serial);
    return DNZ_OK;
  } catch (const std::exception& e) {
    return DNZ_FAIL(session, DNZ_ERR_BACKEND, "onednn: %s", e.what());
  }
}

// --- The per-image path: no allocation in this file's code. -----------------

void FlipSign(uint8_t* data, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) data[i] ^= 0x80;
}

// The u8 pool and upsample are ref's templates (u8 = q + 128 orders like q), one
// image per thread.
void Upsample2xU8(const dnz_tensor_info& in, const uint8_t* input, uint8_t* output, uint32_t n,
                  int threads) {
  const size_t image_bytes = size_t(in.height) * size_t(in.width) * size_t(in.channels);
  ParallelFor(threads, int64_t(n), [&](int64_t image) {
    ref::Upsample2x(in, input + size_t(image) * image_bytes,
                    output + size_t(image) * 4 * image_bytes);
  });
}

void MaxPool2x2U8(const dnz_tensor_info& in, const uint8_t* input, uint8_t* output, uint32_t n,
                  int threads) {
  const size_t in_bytes = size_t(in.height) * size_t(in.width) * size_t(in.channels);
  const size_t out_bytes =
      size_t(PooledSide(in.height)) * size_t(PooledSide(in.width)) * size_t(in.channels);
  ParallelFor(threads, int64_t(n), [&](int64_t image) {
    ref::MaxPool2x2(in, input + size_t(image) * in_bytes, output + size_t(image) * out_bytes);
  });
}

// Without VNNI: x = low + 128 * high, with low = x & 127 left in place and high = x >> 7
// written to `high`, one image per thread (split_int8.h says why).
void SplitTopBit(uint8_t* input, uint8_t* high, size_t image_bytes, uint32_t n, int threads) {
  ParallelFor(threads, int64_t(n), [&](int64_t image) {
    SplitImageTopBit(input + size_t(image) * image_bytes, high + size_t(image) * image_bytes,
                     image_bytes);
  });
}

// accumulators += 128 * high_sums: the conv of the whole input, bias included once.
void AddTopBitSums(const int32_t* high_sums, int32_t* accumulators, size_t image_outputs,
                   uint32_t n, int threads) {
  ParallelFor(threads, int64_t(n), [&](int64_t image) {
    const size_t at = size_t(image) * image_outputs;
    AddTopBitSumsOfImage(high_sums + at, accumulators + at, image_outputs);
  });
}

dnz_status RunInstance(dnz_session* session, Instance& instance, uint32_t count) {
  State& state = StateOf(session);
  const int threads = instance.threads;
  const ScopedOmpThreads omp_threads(threads);
  const dnz_model& model = *session->model;
  uint8_t* arena = session->arena;
  const dnz_plan& plan = session->plan;
  FlipSign(arena + plan.tensor_offset[0], TensorImageBytes(model, 0, 1) * count);
  try {
    for (uint32_t i = 0; i < model.num_ops; ++i) {
      const dnz_op& op = state.ops[i];
      const dnz_tensor_info& in = model.tensors[i];
      uint8_t* input = arena + plan.tensor_offset[i];
      uint8_t* output = arena + plan.tensor_offset[i + 1];
      if (op.kind == DNZ_OP_UPSAMPLE) {
        Upsample2xU8(in, input, output, count, threads);
      } else if (op.kind == DNZ_OP_MAXPOOL) {
        MaxPool2x2U8(in, input, output, count, threads);
      } else {
        uint8_t* conv_input = input;
        const bool upsampled = op.fused_upsample_input && !state.polyphase[i];
        if (upsampled) {
          conv_input = ScratchRegion(session, onednn::kUpsampled);
          Upsample2xU8(in, input, conv_input, count, threads);
        }
        ConvStage& stage = instance.convs[i];
        auto* accumulators =
            reinterpret_cast<int32_t*>(ScratchRegion(session, onednn::kAccumulators));
        if (stage.single_output) {
          const int up = op.fused_upsample_input ? 2 : 1;
          ConvSingleOutputU8(op, in.height * up, in.width * up, in.channels, conv_input,
                             accumulators, count, threads);
        } else if (!state.split) {
          for (ConvPart& part : stage.parts) {
            part.main.primitive.execute(state.stream, part.main.args);
            state.stream.wait();
          }
        } else {
          // The input is this conv's alone (a chain), so its low bits can replace it.
          const size_t input_bytes = TensorImageBytes(model, i, 1) * (upsampled ? 4 : 1);
          SplitTopBit(conv_input, ScratchRegion(session, onednn::kHighInput), input_bytes, count,
                      threads);
          for (ConvPart& part : stage.parts) {
            part.main.primitive.execute(state.stream, part.main.args);
            part.high.primitive.execute(state.stream, part.high.args);
            state.stream.wait();
          }
          const size_t outputs =
              size_t(op.conv_out_h) * size_t(op.conv_out_w) * size_t(model.tensors[i + 1].channels);
          AddTopBitSums(
              reinterpret_cast<const int32_t*>(ScratchRegion(session, onednn::kHighAccumulators)),
              accumulators, outputs, count, threads);
        }
        RequantizeOutput(op, state.requant[i], model.tensors[i + 1], accumulators,
                         state.polyphase[i], output, count, threads);
      }
    }
  } catch (const std::exception& e) {
    return DNZ_FAIL(session, DNZ_ERR_BACKEND, "onednn: %s", e.what());
  }
  FlipSign(arena + plan.tensor_offset[model.num_ops],
           TensorImageBytes(model, model.num_ops, 1) * count);
  return DNZ_OK;
}

// A full pass with a single-threaded twin runs the variant the chooser names, timed.
dnz_status RunPass(dnz_session* session, uint32_t count) {
  State& state = StateOf(session);
  if (count == state.single.batch) return RunInstance(session, state.single, count);
  if (state.full_serial.batch == 0) return RunInstance(session, state.full, count);
  const PassVariantChooser::Variant variant = state.chooser.Next();
  Instance& instance = variant == PassVariantChooser::kSerial ? state.full_serial : state.full;
  const auto start = std::chrono::steady_clock::now();
  const dnz_status status = RunInstance(session, instance, count);
  const auto took = std::chrono::steady_clock::now() - start;
  state.chooser.Record(variant, std::chrono::duration_cast<std::chrono::nanoseconds>(took).count());
  return status;
}

uint32_t ImagesPerPass(const dnz_session* session) { return PassImages(session); }

void Destroy(dnz_session* session) {
  delete static_cast<State*>(session->backend_state);
  session->backend_state = nullptr;
}

}  // namespace

bool OnednnInt8IsExact() {
  // oneDNN's int8 convolutions are exact on their own only with VNNI (vpdpbusd adds u8 x
  // s8 products straight into int32); elsewhere the backend splits (split_int8.h).
  const int isa = int(dnnl::get_effective_cpu_isa());
  return (isa & int(dnnl::cpu_isa::avx512_core_vnni)) == int(dnnl::cpu_isa::avx512_core_vnni) ||
         isa == int(dnnl::cpu_isa::avx2_vnni);
}

const Backend kOnednnBackend{Supports,      Init,    BindArena, RunPass,
                             ImagesPerPass, Destroy, false,     nullptr};

}  // namespace dnz
