// The model loader: load = verify. The FlatBuffers verifier first (structure, offsets, vector
// lengths against the buffer), then the semantic checks below (shapes chain,
// vector lengths match shapes, quantization parameters in range, everything
// bounded), so that no bytes can make the runtime read out of bounds, overflow
// an accumulator or loop for long. Every failure returns a specific status and
// writes one line into model->error.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "dnz/dnz.h"
#include "dnz_internal/conv_geometry.h"
#include "dnz_internal/weights.h"
#include "dnz_model_generated.h"
#include "error_message.h"

namespace {

using dnz::fb::Activation;

bool IsPositiveFinite(float value) { return std::isfinite(value) && value > 0.0f; }
bool IsInt8(int32_t value) { return value >= -128 && value <= 127; }

template <typename T>
uint32_t Length(const flatbuffers::Vector<T>* vector) {
  return vector ? vector->size() : 0u;
}

dnz_status CheckTensor(dnz_model* model, uint32_t index, const dnz::fb::Tensor* tensor) {
  if (tensor == nullptr) return DNZ_FAIL(model, DNZ_ERR_GRAPH, "tensor %u is missing", index);
  const int32_t h = tensor->height(), w = tensor->width(), c = tensor->channels();
  if (h < 1 || w < 1 || c < 1 || h > DNZ_MAX_DIM || w > DNZ_MAX_DIM || c > DNZ_MAX_CHANNELS) {
    return DNZ_FAIL(model, DNZ_ERR_BOUNDS,
                    "tensor %u: shape %dx%dx%d outside 1..%d x 1..%d x 1..%d", index, h, w, c,
                    DNZ_MAX_DIM, DNZ_MAX_DIM, DNZ_MAX_CHANNELS);
  }
  if (uint64_t(h) * uint64_t(w) * uint64_t(c) * sizeof(float) > DNZ_MAX_ARENA_BYTES) {
    return DNZ_FAIL(model, DNZ_ERR_BOUNDS, "tensor %u: %dx%dx%d is too large", index, h, w, c);
  }
  if (!IsPositiveFinite(tensor->scale())) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION, "tensor %u: scale %g is not finite and positive",
                    index, double(tensor->scale()));
  }
  if (!IsInt8(tensor->zero_point())) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION, "tensor %u: zero point %d outside [-128, 127]",
                    index, tensor->zero_point());
  }
  dnz_tensor_info& info = model->tensors[index];
  info.height = h;
  info.width = w;
  info.channels = c;
  info.scale = tensor->scale();
  info.zero_point = tensor->zero_point();
  return DNZ_OK;
}

dnz_status CheckOutputShape(dnz_model* model, uint32_t index, int32_t h, int32_t w, int32_t c) {
  const dnz_tensor_info& out = model->tensors[index + 1];
  if (out.height != h || out.width != w || out.channels != c) {
    return DNZ_FAIL(model, DNZ_ERR_SHAPE, "op %u: output is %dx%dx%d, tensor %u is %dx%dx%d", index,
                    h, w, c, index + 1, out.height, out.width, out.channels);
  }
  return DNZ_OK;
}

// Pool and upsample move values without rescaling: both tensors must share quantization.
dnz_status CheckSameQuantization(dnz_model* model, uint32_t index) {
  const dnz_tensor_info& in = model->tensors[index];
  const dnz_tensor_info& out = model->tensors[index + 1];
  if (in.scale != out.scale || in.zero_point != out.zero_point) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION, "op %u: input and output quantization differ",
                    index);
  }
  return DNZ_OK;
}

// The weight format: known, allowed by the file's version, and (int4) its padding nibble 0.
dnz_status CheckWeightFormat(dnz_model* model, uint32_t index, const dnz::fb::Conv2D* conv,
                             uint32_t format_version) {
  const auto format = conv->weight_format();
  if (format != dnz::fb::WeightFormat::Int8 && format != dnz::fb::WeightFormat::Int4) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION,
                    "op %u (conv): unknown weight format %d (this runtime reads int8 and int4)",
                    index, int(format));
  }
  if (format == dnz::fb::WeightFormat::Int4 && format_version < 2) {
    return DNZ_FAIL(model, DNZ_ERR_VERSION,
                    "op %u (conv): int4 weights need format version 2, the file says %u", index,
                    format_version);
  }
  return DNZ_OK;
}

// int4 with an odd weight count: the last byte's high nibble is padding and must be 0, so that
// a file has one encoding and the fuzzer's bytes cannot hide a weight there.
dnz_status CheckPaddingNibble(dnz_model* model, uint32_t index, const dnz::fb::Conv2D* conv,
                              uint64_t weight_count) {
  if (conv->weight_format() != dnz::fb::WeightFormat::Int4 || weight_count % 2 == 0) return DNZ_OK;
  const uint32_t padding = uint8_t(conv->weights()->Get(conv->weights()->size() - 1)) >> 4;
  if (padding != 0) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION,
                    "op %u (conv): int4 padding nibble (bits 4-7 of the last weight byte) is %u, "
                    "not 0",
                    index, padding);
  }
  return DNZ_OK;
}

dnz_status CheckConvVectors(dnz_model* model, uint32_t index, const dnz::fb::Conv2D* conv,
                            uint32_t weight_count, uint32_t out_c) {
  struct Expected {
    const char* name;
    uint32_t actual, expected;
  };
  const bool int4 = conv->weight_format() == dnz::fb::WeightFormat::Int4;
  const uint32_t weight_bytes = uint32_t(
      dnz::WeightBytes(int4 ? DNZ_WEIGHTS_INT4 : DNZ_WEIGHTS_INT8, uint64_t(weight_count)));
  const Expected vectors[] = {
      {int4 ? "weights (int4, two per byte)" : "weights", Length(conv->weights()), weight_bytes},
      {"weight_scales", Length(conv->weight_scales()), out_c},
      {"bias", Length(conv->bias()), out_c},
      {"requant_multiplier", Length(conv->requant_multiplier()), out_c},
      {"requant_shift", Length(conv->requant_shift()), out_c},
  };
  for (const Expected& v : vectors) {
    if (v.actual != v.expected) {
      return DNZ_FAIL(model, DNZ_ERR_VECTOR_LENGTH, "op %u (conv): %s has %u entries, expected %u",
                      index, v.name, v.actual, v.expected);
    }
  }
  const bool has_float = conv->float_weights() != nullptr || conv->float_bias() != nullptr;
  if (has_float &&
      (Length(conv->float_weights()) != weight_count || Length(conv->float_bias()) != out_c)) {
    return DNZ_FAIL(model, DNZ_ERR_VECTOR_LENGTH,
                    "op %u (conv): float weights/bias have %u/%u entries, expected %u/%u", index,
                    Length(conv->float_weights()), Length(conv->float_bias()), weight_count, out_c);
  }
  if (conv->activation() == Activation::Sigmoid && Length(conv->activation_table()) != 256) {
    return DNZ_FAIL(model, DNZ_ERR_VECTOR_LENGTH,
                    "op %u (conv): sigmoid table has %u entries, not 256", index,
                    Length(conv->activation_table()));
  }
  return DNZ_OK;
}

dnz_status CheckConvQuantization(dnz_model* model, uint32_t index, const dnz::fb::Conv2D* conv,
                                 uint32_t out_c, uint64_t taps) {
  const int64_t max_abs_weight = conv->weight_format() == dnz::fb::WeightFormat::Int4 ? 8 : 128;
  for (uint32_t oc = 0; oc < out_c; ++oc) {
    const int32_t multiplier = conv->requant_multiplier()->Get(oc);
    const int32_t shift = conv->requant_shift()->Get(oc);
    if (multiplier < (int32_t(1) << 30)) {
      return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION,
                      "op %u (conv): channel %u multiplier %d outside [2^30, 2^31)", index, oc,
                      multiplier);
    }
    if (shift < 1 || shift > 62) {
      return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION,
                      "op %u (conv): channel %u shift %d outside [1, 62]", index, oc, shift);
    }
    if (!IsPositiveFinite(conv->weight_scales()->Get(oc))) {
      return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION, "op %u (conv): channel %u weight scale invalid",
                      index, oc);
    }
    // |acc| <= |bias| + taps * max|w| * 255 must fit in int32 for every input.
    const int64_t bias = conv->bias()->Get(oc);
    const int64_t bound = (bias < 0 ? -bias : bias) + int64_t(taps) * max_abs_weight * 255;
    if (bound > INT32_MAX) {
      return DNZ_FAIL(model, DNZ_ERR_BOUNDS,
                      "op %u (conv): channel %u accumulator may overflow int32", index, oc);
    }
  }
  if (conv->activation() == Activation::Sigmoid &&
      (!IsPositiveFinite(conv->preact_scale()) || !IsInt8(conv->preact_zero_point()))) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION,
                    "op %u (conv): sigmoid pre-activation quantization", index);
  }
  return DNZ_OK;
}

dnz_status CheckConv(dnz_model* model, uint32_t index, const dnz::fb::Conv2D* conv,
                     uint32_t format_version) {
  const dnz_tensor_info& in = model->tensors[index];
  const dnz_tensor_info& out = model->tensors[index + 1];
  const int32_t kh = conv->kernel_h(), kw = conv->kernel_w();
  if (kh < 1 || kw < 1 || kh > DNZ_MAX_KERNEL || kw > DNZ_MAX_KERNEL) {
    return DNZ_FAIL(model, DNZ_ERR_BOUNDS, "op %u (conv): kernel %dx%d outside 1..%d", index, kh,
                    kw, DNZ_MAX_KERNEL);
  }
  if (conv->stride() != 1) {
    return DNZ_FAIL(model, DNZ_ERR_GRAPH, "op %u (conv): stride %d (only 1 is supported)", index,
                    conv->stride());
  }
  const int32_t pads[] = {conv->pad_top(), conv->pad_bottom(), conv->pad_left(), conv->pad_right()};
  for (int p = 0; p < 4; ++p) {
    const int32_t limit = p < 2 ? kh - 1 : kw - 1;
    if (pads[p] < 0 || pads[p] > limit) {
      return DNZ_FAIL(model, DNZ_ERR_BOUNDS, "op %u (conv): padding %d outside 0..%d", index,
                      pads[p], limit);
    }
  }
  const auto activation = conv->activation();
  if (activation != Activation::None && activation != Activation::Relu &&
      activation != Activation::Sigmoid) {
    return DNZ_FAIL(model, DNZ_ERR_GRAPH, "op %u (conv): unknown activation %d", index,
                    int(activation));
  }
  const int32_t scale_in = conv->fused_upsample_input() ? 2 : 1;
  const int32_t conv_h = dnz::ConvOutputSide(in.height * scale_in, kh, pads[0], pads[1]);
  const int32_t conv_w = dnz::ConvOutputSide(in.width * scale_in, kw, pads[2], pads[3]);
  if (conv_h < 1 || conv_w < 1) {
    return DNZ_FAIL(model, DNZ_ERR_SHAPE, "op %u (conv): kernel larger than its padded input",
                    index);
  }
  const bool pool = conv->fused_maxpool_output();
  const int32_t out_c = out.channels;
  dnz_status status = CheckOutputShape(model, index, pool ? dnz::PooledSide(conv_h) : conv_h,
                                       pool ? dnz::PooledSide(conv_w) : conv_w, out_c);
  if (status != DNZ_OK) return status;
  const uint64_t taps = uint64_t(kh) * uint64_t(kw) * uint64_t(in.channels);
  status = CheckWeightFormat(model, index, conv, format_version);
  if (status != DNZ_OK) return status;
  status = CheckConvVectors(model, index, conv, uint32_t(taps * uint64_t(out_c)), uint32_t(out_c));
  if (status != DNZ_OK) return status;
  status = CheckPaddingNibble(model, index, conv, taps * uint64_t(out_c));
  if (status != DNZ_OK) return status;
  status = CheckConvQuantization(model, index, conv, uint32_t(out_c), taps);
  if (status != DNZ_OK) return status;

  dnz_op& op = model->ops[index];
  op.kind = DNZ_OP_CONV;
  op.activation = static_cast<dnz_activation>(activation);
  op.kernel_h = kh;
  op.kernel_w = kw;
  op.pad_top = pads[0];
  op.pad_bottom = pads[1];
  op.pad_left = pads[2];
  op.pad_right = pads[3];
  op.fused_upsample_input = conv->fused_upsample_input() ? 1 : 0;
  op.fused_maxpool_output = pool ? 1 : 0;
  op.weights = conv->weights()->data();
  op.weight_format =
      conv->weight_format() == dnz::fb::WeightFormat::Int4 ? DNZ_WEIGHTS_INT4 : DNZ_WEIGHTS_INT8;
  op.bias = conv->bias()->data();
  op.requant_multiplier = conv->requant_multiplier()->data();
  op.requant_shift = conv->requant_shift()->data();
  op.conv_out_h = conv_h;
  op.conv_out_w = conv_w;
  if (activation == Activation::Sigmoid) {
    op.activation_table = conv->activation_table()->data();
    op.preact_scale = conv->preact_scale();
    op.preact_zero_point = conv->preact_zero_point();
  }
  if (conv->float_weights() != nullptr) {
    op.float_weights = conv->float_weights()->data();
    op.float_bias = conv->float_bias()->data();
  } else {
    model->has_float_weights = 0;
  }
  return DNZ_OK;
}

dnz_status CheckOp(dnz_model* model, uint32_t index, const dnz::fb::Op* op,
                   uint32_t format_version) {
  const dnz_tensor_info& in = model->tensors[index];
  switch (op->options_type()) {
    case dnz::fb::OpOptions::Conv2D:
      return CheckConv(model, index, op->options_as_Conv2D(), format_version);
    case dnz::fb::OpOptions::MaxPool2x2: {
      model->ops[index].kind = DNZ_OP_MAXPOOL;
      const dnz_status status = CheckOutputShape(model, index, dnz::PooledSide(in.height),
                                                 dnz::PooledSide(in.width), in.channels);
      return status != DNZ_OK ? status : CheckSameQuantization(model, index);
    }
    case dnz::fb::OpOptions::Upsample2x: {
      model->ops[index].kind = DNZ_OP_UPSAMPLE;
      const dnz_status status =
          CheckOutputShape(model, index, in.height * 2, in.width * 2, in.channels);
      return status != DNZ_OK ? status : CheckSameQuantization(model, index);
    }
    default:
      return DNZ_FAIL(model, DNZ_ERR_GRAPH, "op %u: unknown op type %d", index,
                      int(op->options_type()));
  }
}

dnz_status CheckModel(dnz_model* model, const dnz::fb::Model* root) {
  const uint32_t version = root->format_version();
  if (version < 1 || version > DNZ_FORMAT_VERSION) {
    return DNZ_FAIL(model, DNZ_ERR_VERSION,
                    "format version %u, this runtime reads versions 1 to %u", version,
                    DNZ_FORMAT_VERSION);
  }
  if (root->rounding() != dnz::fb::RoundingMode::SingleRoundHalfUp) {
    return DNZ_FAIL(model, DNZ_ERR_QUANTIZATION, "unknown rounding mode %d", int(root->rounding()));
  }
  const uint32_t num_ops = root->ops()->size();
  if (num_ops < 1 || num_ops > DNZ_MAX_OPS) {
    return DNZ_FAIL(model, DNZ_ERR_GRAPH, "%u ops, expected 1..%d", num_ops, DNZ_MAX_OPS);
  }
  if (root->tensors()->size() != num_ops + 1) {
    return DNZ_FAIL(model, DNZ_ERR_GRAPH, "%u tensors for %u ops, expected %u",
                    root->tensors()->size(), num_ops, num_ops + 1);
  }
  for (uint32_t t = 0; t <= num_ops; ++t) {
    const dnz_status status = CheckTensor(model, t, root->tensors()->Get(t));
    if (status != DNZ_OK) return status;
  }
  model->has_float_weights = 1;
  bool has_conv = false;
  for (uint32_t i = 0; i < num_ops; ++i) {
    const dnz_status status = CheckOp(model, i, root->ops()->Get(i), version);
    if (status != DNZ_OK) return status;
    has_conv = has_conv || model->ops[i].kind == DNZ_OP_CONV;
  }
  if (!has_conv) model->has_float_weights = 0;
  model->num_ops = num_ops;
  return DNZ_OK;
}

}  // namespace

extern "C" dnz_status dnz_model_load(dnz_model* model, const void* bytes, size_t size) {
  if (model == nullptr) return DNZ_ERR_NULL_ARGUMENT;
  std::memset(model, 0, sizeof *model);
  if (bytes == nullptr) return DNZ_FAIL(model, DNZ_ERR_NULL_ARGUMENT, "model bytes are NULL");
  const auto* data = static_cast<const uint8_t*>(bytes);
  if (size < 8 || size >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return DNZ_FAIL(model, DNZ_ERR_FLATBUFFER, "%zu bytes is not a model file", size);
  }
  if (reinterpret_cast<uintptr_t>(bytes) % 16 != 0) {
    return DNZ_FAIL(model, DNZ_ERR_FLATBUFFER, "model bytes must be 16-byte aligned (64 is best)");
  }
  if (!dnz::fb::ModelBufferHasIdentifier(data)) {
    return DNZ_FAIL(model, DNZ_ERR_IDENTIFIER, "not a dnz model (file identifier is not DNZM)");
  }
  flatbuffers::Verifier verifier(data, size, /*max_depth=*/16, /*max_tables=*/100000);
  if (!dnz::fb::VerifyModelBuffer(verifier)) {
    return DNZ_FAIL(model, DNZ_ERR_FLATBUFFER, "the model file is corrupt (FlatBuffers verifier)");
  }
  const dnz_status status = CheckModel(model, dnz::fb::GetModel(data));
  if (status != DNZ_OK) {
    model->num_ops = 0;
    return status;
  }
  model->bytes = bytes;
  model->size = size;
  return DNZ_OK;
}

extern "C" const char* dnz_model_error(const dnz_model* model) {
  return model != nullptr ? model->error : "model is NULL";
}

extern "C" const dnz_tensor_info* dnz_model_input(const dnz_model* model) {
  return model != nullptr && model->num_ops > 0 ? &model->tensors[0] : nullptr;
}

extern "C" const dnz_tensor_info* dnz_model_output(const dnz_model* model) {
  return model != nullptr && model->num_ops > 0 ? &model->tensors[model->num_ops] : nullptr;
}
