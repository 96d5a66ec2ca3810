// Each oneDNN training layer (in its blocked layouts) against the double reference layers:
// forward outputs and every backward gradient on small random tensors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <oneapi/dnnl/dnnl.hpp>

#include "data/noise.h"
#include "network/seed_network.h"
#include "onednn/conv_layer.h"
#include "onednn/pool_layer.h"
#include "onednn/upsample_conv_layer.h"
#include "onednn/upsample_layer.h"
#include "reference/reference_layers.h"

namespace dnz::train::onednn {
namespace {

using dnnl::memory;
using reference::Tensor;

class OnednnLayerTest : public ::testing::Test {
 protected:
  dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream_{engine_};

  memory::desc Plain(const memory::dims& dims) {
    return memory::desc(dims, memory::data_type::f32,
                        dims.size() == 4 ? memory::format_tag::nchw : memory::format_tag::x);
  }
  // Plain doubles -> memory of `desc` (any layout).
  memory ToMemory(const std::vector<double>& values, const memory::dims& dims,
                  const memory::desc& desc) {
    memory plain(Plain(dims), engine_);
    float* p = static_cast<float*>(plain.get_data_handle());
    for (size_t i = 0; i < values.size(); ++i) p[i] = static_cast<float>(values[i]);
    memory m(desc, engine_);
    dnnl::reorder(plain, m).execute(stream_, plain, m);
    stream_.wait();
    return m;
  }
  void Store(const memory& m, memory* into) {
    dnnl::reorder(m, *into).execute(stream_, {{DNNL_ARG_FROM, m}, {DNNL_ARG_TO, *into}});
    stream_.wait();
  }
  std::vector<double> FromMemory(const memory& m, const memory::dims& dims) {
    memory plain(Plain(dims), engine_);
    Store(m, &plain);
    const float* p = static_cast<const float*>(plain.get_data_handle());
    size_t n = 1;
    for (auto d : dims) n *= static_cast<size_t>(d);
    return std::vector<double>(p, p + n);
  }
  static void Randomize(std::vector<double>* v, uint64_t seed, double lo = -1, double hi = 1) {
    data::Xoshiro256 rng(seed);
    for (double& x : *v) x = lo + (hi - lo) * rng.NextDouble();
  }
  static void ExpectNear(const std::vector<double>& got, const std::vector<double>& want,
                         const char* what) {
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_NEAR(got[i], want[i], 1e-4 * (1.0 + std::fabs(want[i]))) << what << " index " << i;
    }
  }
};

TEST_F(OnednnLayerTest, ConvWithReluMatchesReference) {
  struct Case {
    int in_c, out_c, side, kernel, pad;
    bool relu;
  };
  for (const Case c :
       {Case{3, 20, 6, 3, 1, true}, Case{17, 1, 8, 5, 0, true}, Case{1, 1, 6, 3, 1, false},
        Case{1, 1, 7, 3, 0, true}, Case{32, 1, 9, 5, 0, true}, Case{32, 16, 5, 3, 1, true}}) {
    SCOPED_TRACE("conv " + std::to_string(c.in_c) + "->" + std::to_string(c.out_c) + " k" +
                 std::to_string(c.kernel));
    const int batch = 2, out_side = ConvOutputSide(c.side, c.kernel, c.pad, c.pad);
    const memory::dims src_dims = {batch, c.in_c, c.side, c.side};
    const memory::dims dst_dims = {batch, c.out_c, out_side, out_side};
    const memory::dims w_dims = {c.out_c, c.in_c, c.kernel, c.kernel};
    ConvParams params;
    const ConvShape shape{batch, c.in_c, c.out_c, c.side, out_side, c.kernel, c.pad, c.relu};
    ConvLayer layer(engine_, shape,
                    memory::desc(src_dims, memory::data_type::f32, memory::format_tag::any),
                    &params, /*training=*/true, /*need_diff_src=*/true);
    Tensor in(batch, c.in_c, c.side, c.side);
    Randomize(&in.data, 1);
    std::vector<double> w(static_cast<size_t>(c.out_c * c.in_c * c.kernel * c.kernel)),
        b(static_cast<size_t>(c.out_c));
    Randomize(&w, 2, -0.5, 0.5);
    Randomize(&b, 3, -0.2, 0.2);
    memory w_mem = ToMemory(w, w_dims, params.weights_desc);
    std::memcpy(params.weights.get_data_handle(), w_mem.get_data_handle(),
                params.weights_desc.get_size());
    memory b_mem = ToMemory(b, {c.out_c}, params.bias.get_desc());
    std::memcpy(params.bias.get_data_handle(), b_mem.get_data_handle(), b.size() * sizeof(float));

    memory src = ToMemory(in.data, src_dims, layer.src_desc());
    layer.Forward(stream_, src);
    stream_.wait();
    Tensor out;
    reference::ConvForward(in, w, b, c.out_c, c.kernel, c.pad, &out);
    if (c.relu) reference::ReluForward(&out);
    ExpectNear(FromMemory(layer.dst(), dst_dims), out.data, "conv forward");

    Tensor diff_out = out;
    Randomize(&diff_out.data, 4);
    memory diff_dst = ToMemory(diff_out.data, dst_dims, layer.dst().get_desc());
    layer.Backward(stream_, src, diff_dst);
    stream_.wait();
    if (c.relu) reference::ReluBackward(out, &diff_out);
    Tensor diff_in;
    std::vector<double> dw, db;
    reference::ConvBackward(in, w, diff_out, c.kernel, c.pad, &diff_in, &dw, &db);
    ExpectNear(FromMemory(layer.diff_src(), src_dims), diff_in.data, "conv diff_src");
    ExpectNear(FromMemory(params.diff_weights, w_dims), dw, "conv diff_weights");
    ExpectNear(FromMemory(params.diff_bias, {c.out_c}), db, "conv diff_bias");
  }
}

// The layer that trains every model's upsample convs (layers 8, 10, 12): four 2x2
// polyphase convs on the small input, against the plain reference chain upsample ->
// 3x3 'same' conv -> ReLU, forward and every gradient.
TEST_F(OnednnLayerTest, UpsampleConvMatchesUpsampleThenConv) {
  struct Case {
    int in_c, out_c, small_side;
  };
  for (const Case c : {Case{16, 16, 4}, Case{32, 16, 3}, Case{2, 32, 2}}) {
    SCOPED_TRACE("upsample conv " + std::to_string(c.in_c) + "->" + std::to_string(c.out_c) +
                 " on " + std::to_string(c.small_side));
    const int batch = 2, side = 2 * c.small_side;
    const memory::dims src_dims = {batch, c.in_c, c.small_side, c.small_side};
    const memory::dims dst_dims = {batch, c.out_c, side, side};
    const memory::dims w_dims = {c.out_c, c.in_c, 3, 3};
    const ConvShape shape{batch, c.in_c, c.out_c, side, side, 3, 1, true};
    ASSERT_TRUE(UpsampleConvLayer::Supports(shape));
    ConvParams params;
    UpsampleConvLayer layer(
        engine_, shape,
        memory::desc(src_dims, memory::data_type::f32,
                     c.in_c % 16 == 0 ? memory::format_tag::nChw16c : memory::format_tag::nchw),
        &params, /*training=*/true, /*need_diff_src=*/true);
    Tensor small(batch, c.in_c, c.small_side, c.small_side);
    Randomize(&small.data, 11);
    std::vector<double> w(static_cast<size_t>(c.out_c * c.in_c * 9)), b(size_t(c.out_c));
    Randomize(&w, 12, -0.5, 0.5);
    Randomize(&b, 13, -0.2, 0.2);
    Store(ToMemory(w, w_dims, params.weights_desc), &params.weights);
    Store(ToMemory(b, {c.out_c}, params.bias.get_desc()), &params.bias);

    memory src = ToMemory(small.data, src_dims, layer.src_desc());
    layer.Forward(stream_, src);
    stream_.wait();
    Tensor up, out;
    reference::UpsampleForward(small, &up);
    reference::ConvForward(up, w, b, c.out_c, 3, 1, &out);
    reference::ReluForward(&out);
    ExpectNear(FromMemory(layer.dst(), dst_dims), out.data, "forward");

    Tensor diff_out = out;
    Randomize(&diff_out.data, 14);
    layer.Backward(stream_, src, ToMemory(diff_out.data, dst_dims, layer.dst().get_desc()));
    stream_.wait();
    reference::ReluBackward(out, &diff_out);
    Tensor diff_up, diff_small;
    std::vector<double> dw, db;
    reference::ConvBackward(up, w, diff_out, 3, 1, &diff_up, &dw, &db);
    reference::UpsampleBackward(diff_up, &diff_small);
    ExpectNear(FromMemory(layer.diff_src(), src_dims), diff_small.data, "diff_src");
    ExpectNear(FromMemory(params.diff_weights, w_dims), dw, "diff_weights");
    ExpectNear(FromMemory(params.diff_bias, {c.out_c}), db, "diff_bias");
  }
}

TEST_F(OnednnLayerTest, MaxPoolCeilModeMatchesReference) {
  for (int side : {7, 8}) {
    const memory::dims src_dims = {2, 16, side, side};
    const int out_side = PooledSide(side);
    const memory::dims dst_dims = {2, 16, out_side, out_side};
    const memory::desc blocked(src_dims, memory::data_type::f32, memory::format_tag::nChw16c);
    MaxPoolLayer layer(engine_, 2, 16, side, blocked, /*training=*/true);
    Tensor in(2, 16, side, side);
    Randomize(&in.data, 5, 0.0, 1.0);  // ReLU outputs
    memory src = ToMemory(in.data, src_dims, blocked);
    layer.Forward(stream_, src);
    stream_.wait();
    Tensor out;
    std::vector<size_t> argmax;
    reference::MaxPoolForward(in, &out, &argmax);
    ExpectNear(FromMemory(layer.dst(), dst_dims), out.data, "pool forward");
    Tensor diff_out = out;
    Randomize(&diff_out.data, 6);
    layer.Backward(stream_, ToMemory(diff_out.data, dst_dims, layer.dst().get_desc()));
    stream_.wait();
    Tensor diff_in;
    reference::MaxPoolBackward(in, argmax, diff_out, &diff_in);
    ExpectNear(FromMemory(layer.diff_src(), src_dims), diff_in.data, "pool backward");
  }
}

TEST_F(OnednnLayerTest, NearestUpsampleMatchesReference) {
  const memory::dims src_dims = {2, 16, 4, 4}, dst_dims = {2, 16, 8, 8};
  const memory::desc blocked(src_dims, memory::data_type::f32, memory::format_tag::nChw16c);
  UpsampleLayer layer(engine_, 2, 16, 4, blocked, /*training=*/true);
  Tensor in(2, 16, 4, 4);
  Randomize(&in.data, 7);
  layer.Forward(stream_, ToMemory(in.data, src_dims, blocked));
  stream_.wait();
  Tensor out;
  reference::UpsampleForward(in, &out);
  ExpectNear(FromMemory(layer.dst(), dst_dims), out.data, "upsample forward");
  Tensor diff_out = out;
  Randomize(&diff_out.data, 8);
  layer.Backward(stream_, ToMemory(diff_out.data, dst_dims, layer.dst().get_desc()));
  stream_.wait();
  Tensor diff_in;
  reference::UpsampleBackward(diff_out, &diff_in);
  ExpectNear(FromMemory(layer.diff_src(), src_dims), diff_in.data, "upsample backward");
}

}  // namespace
}  // namespace dnz::train::onednn
