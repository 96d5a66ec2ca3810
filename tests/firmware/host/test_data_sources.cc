#include "test_data_sources.h"

#include <cstdint>

#include "bad_models.h"
#include "c_source_writer.h"
#include "firmware_sources.h"
#include "kernel_cases.h"

namespace dnz::firmware {
namespace {

bool Failed(const std::string& message, std::string* error) {
  *error = message;
  return false;
}

// What the host runtime says about each broken model and about a too-small arena.
struct ErrorChecks {
  std::vector<BadModel> bad_models;
  std::vector<dnz_status> bad_status;
  std::vector<std::string> bad_text;
  dnz_status small_arena_status = DNZ_OK;
  std::string small_arena_text;
};

bool RecordErrors(const std::vector<uint8_t>& int8_model, ErrorChecks* c, std::string* error) {
  c->bad_models = MakeBadModels(int8_model, error);
  if (c->bad_models.empty()) return false;
  for (const BadModel& bad : c->bad_models) {
    Model broken;
    const dnz_status status = broken.Load(bad.bytes.data(), bad.bytes.size());
    if (status == DNZ_OK) return Failed("broken model " + bad.name + " loads", error);
    c->bad_status.push_back(status);
    c->bad_text.push_back(broken.error());
  }
  Model model;
  if (model.Load(int8_model.data(), int8_model.size()) != DNZ_OK) {
    return Failed(model.error(), error);
  }
  dnz_session session;
  const dnz_session_options options{DNZ_BACKEND_REF, 1, 0, 0};
  if (dnz_session_init(&session, &model.raw(), &options) != DNZ_OK) {
    return Failed(session.error, error);
  }
  AlignedBuffer arena(dnz_session_arena_bytes(&session));
  c->small_arena_status = dnz_session_set_arena(&session, arena.data(), arena.size() - 64);
  c->small_arena_text = session.error;
  dnz_session_destroy(&session);
  return c->small_arena_status != DNZ_OK || Failed("a too-small arena was accepted", error);
}

}  // namespace

bool WriteBadModels(const std::string& dir, const std::vector<uint8_t>& int8_model,
                    std::string* error) {
  ErrorChecks c;
  if (!RecordErrors(int8_model, &c, error)) return false;
  CSourceWriter header(
      "tests/firmware's error-path checks: broken models and what the host runtime says.");
  header.Line("#ifndef DNZ_BAD_MODEL_DATA_H_\n#define DNZ_BAD_MODEL_DATA_H_\n");
  header.Line("#include <stddef.h>\n#include <stdint.h>\n\n#include \"dnz/dnz.h\"\n");
  header.Line("#define DNZ_BAD_MODELS " + std::to_string(c.bad_models.size()) + "u\n");
  header.Line("#ifdef __cplusplus\nextern \"C\" {\n#endif");
  header.Line("typedef struct dnz_bad_model {");
  header.Line("  const char* name;\n  const uint8_t* bytes;\n  size_t size;");
  header.Line("  dnz_status status;   /* what dnz_model_load returns on the host */");
  header.Line("  const char* error;   /* and its dnz_model_error() text */");
  header.Line("} dnz_bad_model;");
  header.Line("extern const dnz_bad_model dnz_bad_models[DNZ_BAD_MODELS];");
  header.Line("/* dnz_session_set_arena with 64 bytes less than the plan: status and text */");
  header.Line("extern const dnz_status dnz_small_arena_status;");
  header.Line("extern const char dnz_small_arena_error[];");
  header.Line("#ifdef __cplusplus\n}\n#endif\n#endif");
  CSourceWriter source("tests/firmware's error-path checks (see bad_model_data.h).");
  source.Line("#include \"bad_model_data.h\"\n");
  for (const BadModel& bad : c.bad_models) {
    source.Bytes("static const uint8_t " + bad.name + "[" + std::to_string(bad.bytes.size()) + "]",
                 bad.bytes.data(), bad.bytes.size());
  }
  source.Line("const dnz_bad_model dnz_bad_models[DNZ_BAD_MODELS] = {");
  for (size_t i = 0; i < c.bad_models.size(); ++i) {
    const BadModel& bad = c.bad_models[i];
    source.Line("  {\"" + bad.name + "\", " + bad.name + ", sizeof " + bad.name + ", (dnz_status)" +
                std::to_string(int(c.bad_status[i])) + ",\n   " +
                CSourceWriter::Quoted(c.bad_text[i]) + "},");
  }
  source.Line("};");
  source.Line("const dnz_status dnz_small_arena_status = (dnz_status)" +
              std::to_string(int(c.small_arena_status)) + ";");
  source.Line("const char dnz_small_arena_error[] = " + CSourceWriter::Quoted(c.small_arena_text) +
              ";");
  return header.Write(dir + "/bad_model_data.h", error) &&
         source.Write(dir + "/bad_model_data.c", error);
}

bool WriteKernelCases(const std::string& dir, std::string* error) {
  const std::vector<KernelCase> cases = MakeKernelCases(error);
  if (cases.empty()) return false;
  CSourceWriter header("tests/firmware's kernel cases (tests/firmware/host/kernel_cases.h).");
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
