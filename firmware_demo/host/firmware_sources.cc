#include "firmware_sources.h"

#include "c_source_writer.h"
#include "kernel_cases.h"

namespace dnz::firmware {
namespace {

bool Failed(const std::string& message, std::string* error) {
  *error = message;
  return false;
}

std::vector<uint8_t> Concatenate(const std::vector<std::vector<uint8_t>>& parts) {
  std::vector<uint8_t> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

}  // namespace

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

bool WriteModelData(const std::string& dir, const std::vector<uint8_t>& model, size_t arena_bytes,
                    std::string* error) {
  CSourceWriter header("The default model without float weights, and the arena it needs.");
  header.Line("#ifndef DNZ_MODEL_DATA_H_\n#define DNZ_MODEL_DATA_H_\n");
  header.Line("#include <stddef.h>\n#include <stdint.h>\n");
  header.Line("#define DNZ_MODEL_DATA_BYTES " + std::to_string(model.size()) + "u");
  header.Line("/* dnz_session_arena_bytes() of every backend a firmware may pick for it */");
  header.Line("#define DNZ_MODEL_ARENA_BYTES " + std::to_string(arena_bytes) + "u\n");
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
  header.Line("#define DNZ_DEMO_PIXELS " + std::to_string(pixels) + "u");
  header.Line("#define DNZ_DEMO_BAD_MODELS " + std::to_string(c.bad_models.size()) + "u\n");
  header.Line("#ifdef __cplusplus\nextern \"C\" {\n#endif");
  header.Line("extern const uint8_t dnz_demo_noisy" + dims +
              ";    /* examples/digit_i_noisy.png */");
  header.Line("extern const uint8_t dnz_demo_clean" + dims +
              ";    /* examples/digit_i_clean.png */");
  header.Line("extern const uint8_t dnz_demo_expected" + dims + "; /* host ref backend output */");
  header.Line("typedef struct dnz_demo_bad_model {");
  header.Line("  const char* name;\n  const uint8_t* bytes;\n  size_t size;");
  header.Line("  dnz_status status;   /* what dnz_model_load returns on the host */");
  header.Line("  const char* error;   /* and its dnz_model_error() text */");
  header.Line("} dnz_demo_bad_model;");
  header.Line("extern const dnz_demo_bad_model dnz_demo_bad_models[DNZ_DEMO_BAD_MODELS];");
  header.Line("/* dnz_session_set_arena with 64 bytes less than the plan: status and text */");
  header.Line("extern const dnz_status dnz_demo_small_arena_status;");
  header.Line("extern const char dnz_demo_small_arena_error[];");
  header.Line("#ifdef __cplusplus\n}\n#endif\n#endif");

  CSourceWriter source("firmware_demo's checks (see demo_digits.h).");
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
  for (const BadModel& bad : c.bad_models) {
    source.Bytes("static const uint8_t " + bad.name + "[" + std::to_string(bad.bytes.size()) + "]",
                 bad.bytes.data(), bad.bytes.size());
  }
  source.Line("const dnz_demo_bad_model dnz_demo_bad_models[DNZ_DEMO_BAD_MODELS] = {");
  for (size_t i = 0; i < c.bad_models.size(); ++i) {
    const BadModel& bad = c.bad_models[i];
    source.Line("  {\"" + bad.name + "\", " + bad.name + ", sizeof " + bad.name + ", (dnz_status)" +
                std::to_string(int(c.bad_status[i])) + ",\n   " +
                CSourceWriter::Quoted(c.bad_text[i]) + "},");
  }
  source.Line("};");
  source.Line("const dnz_status dnz_demo_small_arena_status = (dnz_status)" +
              std::to_string(int(c.small_arena_status)) + ";");
  source.Line("const char dnz_demo_small_arena_error[] = " +
              CSourceWriter::Quoted(c.small_arena_text) + ";");
  return header.Write(dir + "/demo_digits.h", error) && source.Write(dir + "/demo_digits.c", error);
}

bool WriteKernelCases(const std::string& dir, std::string* error) {
  const std::vector<KernelCase> cases = MakeKernelCases(error);
  if (cases.empty()) return false;
  CSourceWriter header("tests/firmware's kernel cases (firmware_demo/host/kernel_cases.h).");
  header.Line("#ifndef DNZ_KERNEL_CASES_H_\n#define DNZ_KERNEL_CASES_H_\n");
  header.Line("#include <stddef.h>\n#include <stdint.h>\n");
  header.Line("#define DNZ_KERNEL_CASES " + std::to_string(cases.size()) + "u\n");
  header.Line("#ifdef __cplusplus\nextern \"C\" {\n#endif");
  header.Line("typedef struct dnz_kernel_case {");
  header.Line(
      "  const char* name;\n  const uint8_t* model; /* 64-byte aligned */\n  size_t model_size;");
  header.Line("  unsigned inputs;\n  size_t input_bytes, output_bytes;");
  header.Line("  const uint8_t* input;    /* [inputs][input_bytes] pixels */");
  header.Line("  const uint8_t* expected; /* [inputs][output_bytes]: the host ref backend's */");
  header.Line("} dnz_kernel_case;");
  header.Line("extern const dnz_kernel_case dnz_kernel_cases[DNZ_KERNEL_CASES];");
  header.Line("#ifdef __cplusplus\n}\n#endif\n#endif");
  CSourceWriter source("tests/firmware's kernel cases (see kernel_cases.h).");
  source.Line("#include \"kernel_cases.h\"\n");
  std::string table = "const dnz_kernel_case dnz_kernel_cases[DNZ_KERNEL_CASES] = {\n";
  for (const KernelCase& c : cases) {
    Model model;
    if (model.Load(c.model.data(), c.model.size()) != DNZ_OK) return Failed(model.error(), error);
    std::vector<std::vector<uint8_t>> outputs;
    if (!RunRef(model, c.inputs, &outputs, error)) return false;
    const std::vector<uint8_t> inputs = Concatenate(c.inputs), expected = Concatenate(outputs);
    source.Bytes(
        "static const uint8_t " + c.name + "_model[" + std::to_string(c.model.size()) + "]",
        c.model.data(), c.model.size());
    source.Bytes("static const uint8_t " + c.name + "_input[" + std::to_string(inputs.size()) + "]",
                 inputs.data(), inputs.size());
    source.Bytes(
        "static const uint8_t " + c.name + "_expected[" + std::to_string(expected.size()) + "]",
        expected.data(), expected.size());
    table += "  {\"" + c.name + "\", " + c.name + "_model, sizeof " + c.name + "_model, " +
             std::to_string(c.inputs.size()) + "u, " + std::to_string(c.inputs[0].size()) + "u, " +
             std::to_string(outputs[0].size()) + "u, " + c.name + "_input, " + c.name +
             "_expected},\n";
  }
  source.Line(table + "};");
  return header.Write(dir + "/kernel_cases.h", error) &&
         source.Write(dir + "/kernel_cases.c", error);
}

}  // namespace dnz::firmware
