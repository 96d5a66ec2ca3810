#include "model.h"

#include <pybind11/stl.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "dnz_model_generated.h"
#include "embedded_model.h"
#include "errors.h"
#include "image_decode.h"

namespace dnz::python {
namespace py = pybind11;
namespace {

constexpr size_t kMaxModelFileBytes = size_t(256) << 20;  // as runtime_demo's --model

const char* OpKindName(dnz_op_kind kind) {
  switch (kind) {
    case DNZ_OP_CONV:
      return "conv";
    case DNZ_OP_MAXPOOL:
      return "maxpool";
    case DNZ_OP_UPSAMPLE:
      return "upsample";
  }
  return "unknown";
}

const char* ActivationName(dnz_activation activation) {
  switch (activation) {
    case DNZ_ACT_NONE:
      return "none";
    case DNZ_ACT_RELU:
      return "relu";
    case DNZ_ACT_SIGMOID:
      return "sigmoid";
  }
  return "unknown";
}

py::tuple Shape(const dnz_tensor_info& t) { return py::make_tuple(t.height, t.width, t.channels); }

py::dict TensorDict(const dnz_tensor_info& t) {
  py::dict d;
  d["shape"] = Shape(t);
  d["scale"] = t.scale;
  d["zero_point"] = t.zero_point;
  return d;
}

py::list Ops(const PyModel& self) {
  const dnz_model& m = self.raw();
  py::list ops;
  for (uint32_t i = 0; i < m.num_ops; ++i) {
    const dnz_op& op = m.ops[i];
    py::dict d;
    d["kind"] = OpKindName(op.kind);
    d["input_shape"] = Shape(m.tensors[i]);
    d["output_shape"] = Shape(m.tensors[i + 1]);
    if (op.kind == DNZ_OP_CONV) {
      d["activation"] = ActivationName(op.activation);
      d["kernel"] = py::make_tuple(op.kernel_h, op.kernel_w);
      d["padding"] = py::make_tuple(op.pad_top, op.pad_left, op.pad_bottom, op.pad_right);
      d["fused_upsample_input"] = bool(op.fused_upsample_input);
      d["fused_maxpool_output"] = bool(op.fused_maxpool_output);
      d["weights"] = op.weight_format == DNZ_WEIGHTS_INT4 ? "int4" : "int8";
    }
    ops.append(d);
  }
  return ops;
}

py::object Text(const flatbuffers::String* s) {
  if (s == nullptr) return py::none();
  return py::str(s->c_str(), s->size());
}

// The file's provenance table (read as runtime_demo --version reads it); None when absent.
py::object Provenance(const PyModel& self) {
  const fb::Provenance* p = fb::GetModel(self.raw().bytes)->provenance();
  if (p == nullptr) return py::none();
  py::dict d;
  d["trainer"] = Text(p->trainer());
  d["trainer_backend"] = Text(p->trainer_backend());
  d["device"] = Text(p->device());
  d["epochs"] = p->epochs();
  d["batch"] = p->batch();
  d["learning_rate"] = p->learning_rate();
  d["train_images"] = p->train_images();
  d["noise_factor"] = p->noise_factor();
  d["noise_mode"] = Text(p->noise_mode());
  d["init_seed"] = p->init_seed();
  d["shuffle_seed"] = p->shuffle_seed();
  d["noise_seed"] = p->noise_seed();
  d["dataset_sha256"] = Text(p->dataset_sha256());
  d["calibration"] = Text(p->calibration());
  d["float_test"] =
      py::dict(py::arg("bce") = p->float_test_bce(), py::arg("psnr") = p->float_test_psnr(),
               py::arg("ssim") = p->float_test_ssim());
  d["int8_test"] =
      py::dict(py::arg("bce") = p->int8_test_bce(), py::arg("psnr") = p->int8_test_psnr(),
               py::arg("ssim") = p->int8_test_ssim());
  d["created_utc"] = Text(p->created_utc());
  py::dict extra;
  if (p->extra() != nullptr) {
    for (const fb::KeyValue* kv : *p->extra()) extra[Text(kv->key())] = Text(kv->value());
  }
  d["extra"] = extra;
  return std::move(d);
}

std::string Repr(const PyModel& self) {
  const dnz_model& m = self.raw();
  const dnz_tensor_info& in = m.tensors[0];
  const dnz_tensor_info& out = m.tensors[m.num_ops];
  return "<dnz.Model " + self.source() + ": " + std::to_string(m.num_ops) + " ops, " +
         std::to_string(in.height) + "x" + std::to_string(in.width) + "x" +
         std::to_string(in.channels) + " -> " + std::to_string(out.height) + "x" +
         std::to_string(out.width) + "x" + std::to_string(out.channels) + ", " +
         std::to_string(m.size) + " bytes>";
}

}  // namespace

dnz_backend ParseBackend(const std::string& name) {
  dnz_backend backend = DNZ_BACKEND_AUTO;
  if (dnz_backend_from_name(name.c_str(), &backend) != DNZ_OK) {
    std::string known = "auto";
    for (uint32_t i = 0; i < dnz_backend_count(); ++i) {
      known += std::string(", ") + dnz_backend_info_at(i)->name;
    }
    Fail(ErrorKind::kBackend, "backend '" + name + "': no such backend (known: " + known + ")");
  }
  return backend;
}

PyModel::PyModel(const py::object& path_or_bytes) {
  py::module_ os = py::module_::import("os");
  if (py::isinstance<py::str>(path_or_bytes) ||
      py::isinstance(path_or_bytes, os.attr("PathLike"))) {
    source_ = py::str(os.attr("fspath")(path_or_bytes));
    std::vector<uint8_t> file;
    std::string error;
    if (!demo::ReadRegularFile(source_, kMaxModelFileBytes, &file, &error)) {
      Fail(ErrorKind::kModel, "model file " + error);
    }
    owned_ = AlignedBuffer(file.data(), file.size());
  } else {
    if (!PyObject_CheckBuffer(path_or_bytes.ptr())) {
      Fail(ErrorKind::kInput,
           "dnz.Model takes a path or a bytes-like object, not " +
               std::string(py::str(py::type::of(path_or_bytes).attr("__name__"))));
    }
    // bytes(memoryview(x)): a C-order copy of any buffer, contiguous or not.
    py::module_ builtins = py::module_::import("builtins");
    const py::bytes copy = builtins.attr("bytes")(builtins.attr("memoryview")(path_or_bytes));
    const std::string_view view = copy;
    owned_ = AlignedBuffer(view.data(), view.size());
    source_ = "bytes";
  }
  if (owned_.data() == nullptr) Fail(ErrorKind::kModel, "model: out of memory");
  Load(owned_.data(), owned_.size());
}

std::shared_ptr<PyModel> PyModel::BuiltIn() {
  std::shared_ptr<PyModel> model(new PyModel());
  model->source_ = "built-in";
  model->Load(kEmbeddedModel, kEmbeddedModelSize);
  return model;
}

void PyModel::Load(const void* bytes, size_t size) {
  const dnz_status status = dnz_model_load(&model_, bytes, size);
  if (status != DNZ_OK) {
    Fail(ErrorKind::kModel,
         StatusText("model " + source_ + ": not a valid dnz model", status, model_.error));
  }
}

size_t PyModel::ArenaBytes(const std::string& backend, uint32_t max_batch) const {
  const dnz_session_options options{ParseBackend(backend), max_batch, 0, 0};
  dnz_session session{};
  const dnz_status status = dnz_session_init(&session, &model_, &options);
  if (status != DNZ_OK) {
    const std::string text = StatusText("backend " + backend, status, session.error);
    dnz_session_destroy(&session);
    Fail(status == DNZ_ERR_BATCH ? ErrorKind::kInput : ErrorKind::kBackend, text);
  }
  const size_t bytes = dnz_session_arena_bytes(&session);
  dnz_session_destroy(&session);
  return bytes;
}

void RegisterModel(py::module_& m) {
  py::class_<PyModel, std::shared_ptr<PyModel>>(m, "Model", R"(A verified dnz model.

Model(path_or_bytes) reads a model file (a str or os.PathLike path) or copies a bytes-like
object, then verifies it exactly as the runtime's dnz_model_load does (FlatBuffers verifier,
then every shape, vector length and bound). The model keeps its own copy of the bytes, which
the runtime reads in place. Raises dnz.ModelError with the runtime's one-line reason.
Model.default() is the model compiled into the package (models/default.dnz).)")
      .def(py::init<const py::object&>(), py::arg("path_or_bytes"))
      .def_static("default", &PyModel::BuiltIn,
                  "The built-in model (models/default.dnz, compiled into the package).")
      .def_property_readonly("source", &PyModel::source,
                             "'built-in', 'bytes' or the path the model was read from.")
      .def_property_readonly(
          "size", [](const PyModel& self) { return self.raw().size; }, "Size of the file.")
      .def_property_readonly(
          "bytes",
          [](const PyModel& self) {
            return py::bytes(static_cast<const char*>(self.raw().bytes), self.raw().size);
          },
          "A copy of the model file's bytes.")
      .def_property_readonly(
          "input_shape", [](const PyModel& self) { return Shape(self.raw().tensors[0]); },
          "(height, width, channels) of the input tensor.")
      .def_property_readonly(
          "output_shape",
          [](const PyModel& self) { return Shape(self.raw().tensors[self.raw().num_ops]); },
          "(height, width, channels) of the output tensor.")
      .def_property_readonly(
          "tensors",
          [](const PyModel& self) {
            py::list list;
            for (uint32_t i = 0; i <= self.raw().num_ops; ++i) {
              list.append(TensorDict(self.raw().tensors[i]));
            }
            return list;
          },
          "Every tensor's shape and int8 quantization: ops[i] reads tensors[i], writes "
          "tensors[i + 1].")
      .def_property_readonly("ops", &Ops,
                             "The ops in order, one dict each (kind, shapes; for a conv: "
                             "activation, kernel, padding, fused flags).")
      .def_property_readonly(
          "has_float_weights",
          [](const PyModel& self) { return bool(self.raw().has_float_weights); },
          "True when the file keeps float32 weights (the 'float' backend needs them).")
      .def_property_readonly("provenance", &Provenance,
                             "Where the model came from (trainer, device, epochs, seeds, test "
                             "metrics, ...) as a dict; None when the file has none.")
      .def("arena_bytes", &PyModel::ArenaBytes, py::arg("backend") = "auto",
           py::arg("max_batch") = 1,
           "Bytes of activation arena a session of this backend needs (dnz_session_arena_bytes).")
      .def("__repr__", &Repr);
}

}  // namespace dnz::python
