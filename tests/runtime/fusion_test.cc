// Fusion changes memory, not results: the seed model with every pool and
// upsample as a separate op (rewritten through the FlatBuffers object API) gives
// the same bytes as the fused model, on every backend; and the plain
// layer-by-layer plan it needs is about twice the fused one.
#include <gtest/gtest.h>

#include <cstdint>

#include "dnz_model_generated.h"
#include "test_models.h"

namespace dnz::test {
namespace {

// Splits fused pools and upsamples out of the convs into ops of their own.
std::vector<uint8_t> Unfuse(const std::vector<uint8_t>& fused) {
  AlignedBuffer aligned = AlignedCopy(fused);
  std::unique_ptr<fb::ModelT> model(fb::GetModel(aligned.data())->UnPack());
  std::vector<std::unique_ptr<fb::TensorT>> tensors;
  std::vector<std::unique_ptr<fb::OpT>> ops;
  auto copy_tensor = [](const fb::TensorT& t, int h, int w) {
    auto copy = std::make_unique<fb::TensorT>(t);
    copy->height = h;
    copy->width = w;
    return copy;
  };
  tensors.push_back(std::move(model->tensors[0]));
  for (size_t i = 0; i < model->ops.size(); ++i) {
    fb::Conv2DT* conv = model->ops[i]->options.AsConv2D();
    const fb::TensorT& in = *tensors.back();
    const fb::TensorT& out = *model->tensors[i + 1];
    if (conv->fused_upsample_input) {
      conv->fused_upsample_input = false;
      auto op = std::make_unique<fb::OpT>();
      op->options.Set(fb::Upsample2xT());
      ops.push_back(std::move(op));
      tensors.push_back(copy_tensor(in, in.height * 2, in.width * 2));
    }
    const bool pool = conv->fused_maxpool_output;
    conv->fused_maxpool_output = false;
    ops.push_back(std::move(model->ops[i]));
    if (pool) {
      // The conv's full-size output has the pooled tensor's quantization.
      const int h = tensors.back()->height + conv->pad_top + conv->pad_bottom - conv->kernel_h + 1;
      const int w = tensors.back()->width + conv->pad_left + conv->pad_right - conv->kernel_w + 1;
      tensors.push_back(copy_tensor(out, h, w));
      auto op = std::make_unique<fb::OpT>();
      op->options.Set(fb::MaxPool2x2T());
      ops.push_back(std::move(op));
    }
    tensors.push_back(std::move(model->tensors[i + 1]));
  }
  model->tensors = std::move(tensors);
  model->ops = std::move(ops);
  flatbuffers::FlatBufferBuilder fbb;
  fb::FinishModelBuffer(fbb, fb::Model::Pack(fbb, model.get()));
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

std::vector<uint8_t> RunModel(const std::vector<uint8_t>& bytes, dnz_backend backend,
                              const std::vector<uint8_t>& input, size_t* arena_bytes) {
  Runner runner(bytes, backend);
  EXPECT_EQ(runner.status, DNZ_OK) << runner.model.error << dnz_session_error(&runner.session);
  std::vector<uint8_t> output(input.size());
  EXPECT_EQ(dnz_run_u8(&runner.session, input.data(), output.data(), uint32_t(input.size() / 784)),
            DNZ_OK);
  *arena_bytes = runner.session.plan.activation_bytes;
  return output;
}

TEST(Fusion, SeparateOpsGiveTheSameBytesAndNeedTwiceTheArena) {
  const auto fused = RandomSeedModelBytes(31);
  const auto unfused = Unfuse(fused);
  std::vector<uint8_t> input;
  for (const auto& image : SyntheticImages(8, 6)) {
    const auto pixels = ToPixels(image);
    input.insert(input.end(), pixels.begin(), pixels.end());
  }
  size_t fused_arena = 0, unfused_arena = 0;
  const auto expected = RunModel(fused, DNZ_BACKEND_REF, input, &fused_arena);
  EXPECT_EQ(RunModel(unfused, DNZ_BACKEND_REF, input, &unfused_arena), expected);
  EXPECT_EQ(fused_arena, 48u * 1024u);
  // 32x32x64 (the last upsample) next to 32x32x32: 96 KiB.
  EXPECT_EQ(unfused_arena, 96u * 1024u);
  std::printf("activation arena: fused %zu bytes, layer by layer %zu bytes\n", fused_arena,
              unfused_arena);
  for (const dnz_backend backend : BuiltInBackendIds()) {
    if (backend == DNZ_BACKEND_REF || !InfoOf(backend).int8) continue;
    size_t ignored = 0;
    EXPECT_EQ(RunModel(unfused, backend, input, &ignored), expected) << dnz_backend_name(backend);
    EXPECT_EQ(RunModel(fused, backend, input, &ignored), expected) << dnz_backend_name(backend);
  }
}

}  // namespace
}  // namespace dnz::test
