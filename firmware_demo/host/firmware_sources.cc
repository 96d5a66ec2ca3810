#include "firmware_sources.h"

#include <cstdint>

#include "c_source_writer.h"

namespace dnz::firmware {
namespace {

bool Failed(const std::string& message, std::string* error) {
  *error = message;
  return false;
}

}  // namespace

std::vector<uint8_t> Concatenate(const std::vector<std::vector<uint8_t>>& parts) {
  std::vector<uint8_t> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

bool RunRef(const Model& model, const std::vector<std::vector<uint8_t>>& inputs,
            std::vector<std::vector<uint8_t>>* outputs, std::string* error) {
  Session session;
  if (session.Init(model, DNZ_BACKEND_REF) != DNZ_OK) return Failed(session.error(), error);
  const dnz_tensor_info& out = model.output();
  for (const std::vector<uint8_t>& input : inputs) {
    std::vector<uint8_t> output(size_t(out.height) * size_t(out.width) * size_t(out.channels));
    if (session.Run(input.data(), output.data(), 1) != DNZ_OK)
      return Failed(session.error(), error);
    outputs->push_back(output);
  }
  return true;
}

bool WriteModelData(const std::string& dir, const std::vector<uint8_t>& model,
                    const ArenaSizes& arena, std::string* error) {
  CSourceWriter header("The default model without float weights, and the arena it needs.");
  header.Line("#ifndef DNZ_MODEL_DATA_H_\n#define DNZ_MODEL_DATA_H_\n");
  header.Line("#include <stddef.h>\n#include <stdint.h>\n");
  header.Line("#define DNZ_MODEL_DATA_BYTES " + std::to_string(model.size()) + "u");
  header.Line("/* dnz_session_arena_bytes() of every backend a firmware may pick for it, with no");
  header.Line(" * budget: the fastest plans (dnz_model_arena_bytes) */");
  header.Line("#define DNZ_MODEL_ARENA_BYTES " + std::to_string(arena.fastest) + "u");
  header.Line("/* The smallest arena every such backend can stream the model in: pass it as the");
  header.Line(" * session's max_arena_bytes (docs/edge.md, \"Streamed plans\") */");
  header.Line("#define DNZ_MODEL_SMALLEST_ARENA_BYTES " + std::to_string(arena.smallest) + "u\n");
  header.Line("#ifdef __cplusplus\nextern \"C\" {\n#endif");
  header.Line("/* A dnz model file, 64-byte aligned: pass it to dnz_model_load(). */");
  header.Line("extern const uint8_t dnz_model_data[DNZ_MODEL_DATA_BYTES];");
  header.Line("#ifdef __cplusplus\n}\n#endif\n#endif");
  CSourceWriter source("The default model without float weights (see dnz_model_data.h).");
  source.Line("#include \"dnz_model_data.h\"\n");
  source.Bytes("const uint8_t dnz_model_data[DNZ_MODEL_DATA_BYTES]", model.data(), model.size());
  return header.Write(dir + "/dnz_model_data.h", error) &&
         source.Write(dir + "/dnz_model_data.c", error);
}

bool WriteDemoDigits(const std::string& dir, const DemoChecks& c, std::string* error) {
  const size_t n = c.digits.size(), pixels = c.digits[0].noisy.size();  // 28 x 28
  const std::string dims = "[" + std::to_string(n) + "][" + std::to_string(pixels) + "]";
  CSourceWriter header("firmware_demo's inputs and what the host runtime gives for them.");
  header.Line("#ifndef DNZ_DEMO_DIGITS_H_\n#define DNZ_DEMO_DIGITS_H_\n");
  header.Line("#include <stddef.h>\n#include <stdint.h>\n\n#include \"dnz/dnz.h\"\n");
  header.Line("#define DNZ_DEMO_DIGITS " + std::to_string(n) + "u");
  header.Line("#define DNZ_DEMO_PIXELS " + std::to_string(pixels) + "u\n");
  header.Line("#ifdef __cplusplus\nextern \"C\" {\n#endif");
  header.Line("extern const uint8_t dnz_demo_noisy" + dims +
              ";    /* examples/digit_i_noisy.png */");
  header.Line("extern const uint8_t dnz_demo_clean" + dims +
              ";    /* examples/digit_i_clean.png */");
  header.Line("extern const uint8_t dnz_demo_expected" + dims + "; /* host ref backend output */");
  header.Line("#ifdef __cplusplus\n}\n#endif\n#endif");

  CSourceWriter source("firmware_demo's digits (see demo_digits.h).");
  source.Line("#include \"demo_digits.h\"\n");
  std::vector<std::vector<uint8_t>> noisy_digits, clean_digits;
  for (const ExampleDigit& digit : c.digits) {
    noisy_digits.push_back(digit.noisy);
    clean_digits.push_back(digit.clean);
  }
  const std::vector<uint8_t> noisy = Concatenate(noisy_digits), clean = Concatenate(clean_digits),
                             expected = Concatenate(c.expected);
  source.Bytes("const uint8_t dnz_demo_noisy" + dims, noisy.data(), noisy.size());
  source.Bytes("const uint8_t dnz_demo_clean" + dims, clean.data(), clean.size());
  source.Bytes("const uint8_t dnz_demo_expected" + dims, expected.data(), expected.size());
  return header.Write(dir + "/demo_digits.h", error) && source.Write(dir + "/demo_digits.c", error);
}

}  // namespace dnz::firmware
