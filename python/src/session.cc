// dnz.Session: one dnz_session with its own arena. run() checks the array, allocates the output
// with the GIL held, then releases the GIL for dnz_run_u8 / dnz_run_f32, so threads with their
// own sessions run in parallel. A session is used by one thread at a time (dnz.h): a second
// thread's run() (or close()) while one is running is refused with dnz.SessionBusyError, by an
// atomic flag, instead of sharing the arena.
#include "session.h"

#include <pybind11/numpy.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <vector>

#include "arrays.h"
#include "errors.h"

namespace dnz::python {
namespace py = pybind11;
namespace {

class PySession {
 public:
  PySession(std::shared_ptr<PyModel> model, const std::string& backend, uint32_t max_batch,
            int32_t threads, size_t max_arena_bytes)
      : model_(std::move(model)) {
    if (!model_) model_ = PyModel::BuiltIn();
    const dnz_session_options options{ParseBackend(backend), max_batch, threads, max_arena_bytes};
    dnz_status status = dnz_session_init(&session_, &model_->raw(), &options);
    if (status == DNZ_OK) {
      if (!arena_.Resize(dnz_session_arena_bytes(&session_))) {
        dnz_session_destroy(&session_);
        Fail(ErrorKind::kSession, "session: no memory for the arena");
      }
      status = dnz_session_set_arena(&session_, arena_.data(), arena_.size());
    }
    if (status != DNZ_OK) {
      const std::string text = StatusText("backend " + backend, status, session_.error);
      dnz_session_destroy(&session_);
      Fail(status == DNZ_ERR_BATCH || status == DNZ_ERR_THREADS ? ErrorKind::kInput
                                                                : ErrorKind::kBackend,
           text);
    }
    open_ = true;
    const dnz_tensor_info& in = model_->raw().tensors[0];
    const dnz_tensor_info& out = model_->raw().tensors[model_->raw().num_ops];
    in_shape_ = ImageShape(in.height, in.width, in.channels);
    out_shape_ = ImageShape(out.height, out.width, out.channels);
    in_values_ = size_t(in.height) * size_t(in.width) * size_t(in.channels);
    out_values_ = size_t(out.height) * size_t(out.width) * size_t(out.channels);
  }
  ~PySession() { dnz_session_destroy(&session_); }

  py::array Run(const py::handle& x, const py::object& out_object) {
    const py::array in = RequireArray(x, "x");
    const bool is_u8 = py::isinstance<py::array_t<uint8_t>>(in);
    const bool is_f32 = py::isinstance<py::array_t<float>>(in);
    if (!is_u8 && !is_f32) {
      Fail(ErrorKind::kInput,
           "x: expected dtype uint8 (pixels 0..255) or float32 (values in [0, 1]), got " +
               DtypeText(in));
    }
    RequireLayout(in, "x", false);
    bool batched = false;
    const size_t count = RequireImages(in, "x", in_shape_, &batched);
    if (count > UINT32_MAX) Fail(ErrorKind::kInput, "x: more than 2^32 - 1 images");
    std::vector<py::ssize_t> shape = out_shape_;
    if (batched) shape.insert(shape.begin(), py::ssize_t(count));
    py::array out;
    if (out_object.is_none()) {
      out = is_u8 ? py::array(py::array_t<uint8_t>(shape)) : py::array(py::array_t<float>(shape));
    } else {
      out = RequireArray(out_object, "out");
      if (!out.dtype().is(in.dtype())) {
        Fail(ErrorKind::kInput,
             "out: expected dtype " + DtypeText(in) + " (as x), got " + DtypeText(out));
      }
      RequireLayout(out, "out", true);
      bool out_batched = false;
      if (RequireImages(out, "out", out_shape_, &out_batched) != count || out_batched != batched) {
        Fail(ErrorKind::kInput, "out: expected the shape of the result, got " + ShapeText(out));
      }
    }
    if (count == 0) return out;
    Enter("run");
    dnz_status status;
    {
      py::gil_scoped_release release;
      status = is_u8 ? dnz_run_u8(&session_, static_cast<const uint8_t*>(in.data()),
                                  static_cast<uint8_t*>(out.mutable_data()), uint32_t(count))
                     : dnz_run_f32(&session_, static_cast<const float*>(in.data()),
                                   static_cast<float*>(out.mutable_data()), uint32_t(count));
    }
    busy_.store(false, std::memory_order_release);
    if (status != DNZ_OK) {
      Fail(ErrorKind::kSession, StatusText("run", status, session_.error));
    }
    return out;
  }

  // For bench/python_bench.py: `calls` runs of dnz_run_u8 on x from C++ (no Python between
  // them, the GIL released), the seconds they took: the C API's time in this very process.
  double CApiSeconds(const py::handle& x, uint32_t calls) {
    const py::array in = RequireArray(x, "x");
    if (!py::isinstance<py::array_t<uint8_t>>(in)) {
      Fail(ErrorKind::kInput, "x: expected dtype uint8, got " + DtypeText(in));
    }
    RequireLayout(in, "x", false);
    bool batched = false;
    const size_t count = RequireImages(in, "x", in_shape_, &batched);
    std::vector<uint8_t> out(count * out_values_);
    Enter("c_api_seconds");
    dnz_status status = DNZ_OK;
    double seconds = 0.0;
    {
      py::gil_scoped_release release;
      const auto start = std::chrono::steady_clock::now();
      for (uint32_t i = 0; i < calls && status == DNZ_OK; ++i) {
        status = dnz_run_u8(&session_, static_cast<const uint8_t*>(in.data()), out.data(),
                            uint32_t(count));
      }
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    busy_.store(false, std::memory_order_release);
    if (status != DNZ_OK) Fail(ErrorKind::kSession, StatusText("run", status, session_.error));
    return seconds;
  }

  std::string Plan() const {
    char text[256];
    return open_ ? dnz_session_plan_text(&session_, text, sizeof text) : "closed";
  }

  void Close() {
    if (!open_) return;
    Enter("close");
    dnz_session_destroy(&session_);
    open_ = false;
    busy_.store(false, std::memory_order_release);
  }

  bool open() const { return open_; }
  std::string backend() const { return dnz_backend_name(session_.backend); }
  uint32_t max_batch() const { return session_.max_batch; }
  int32_t threads() const { return session_.threads; }
  size_t arena_bytes() const { return arena_.size(); }
  const std::shared_ptr<PyModel>& model() const { return model_; }

  std::string Repr() const {
    if (!open_) return "<dnz.Session closed>";
    return "<dnz.Session backend=" + backend() + " max_batch=" + std::to_string(max_batch()) +
           " threads=" + std::to_string(threads()) +
           " arena_bytes=" + std::to_string(arena_bytes()) + ">";
  }

 private:
  // Takes the session for this thread, or refuses: closed, or in use on another thread.
  void Enter(const char* what) {
    if (!open_) Fail(ErrorKind::kSession, std::string(what) + ": the session is closed");
    bool expected = false;
    if (!busy_.compare_exchange_strong(expected, true, std::memory_order_acquire)) {
      Fail(ErrorKind::kSessionBusy,
           std::string(what) +
               ": the session is running on another thread (a session runs one call at a "
               "time: give each thread its own dnz.Session)");
    }
    if (!open_) {  // closed between the check and taking it
      busy_.store(false, std::memory_order_release);
      Fail(ErrorKind::kSession, std::string(what) + ": the session is closed");
    }
  }

  std::shared_ptr<PyModel> model_;  // the runtime reads its bytes while the session lives
  dnz_session session_{};
  AlignedBuffer arena_;
  std::atomic<bool> busy_{false};
  bool open_ = false;
  std::vector<py::ssize_t> in_shape_, out_shape_;
  size_t in_values_ = 0, out_values_ = 0;
};

}  // namespace

void RegisterSession(py::module_& m) {
  py::class_<PySession>(m, "Session", R"(A runtime session: a backend, its plan and its arena.

Session(model=None, backend="auto", max_batch=8, threads=0, max_arena_bytes=0): model None is
the built-in model; backend is "auto" or a name from dnz.backends(); max_batch images run per
pass on a batching backend (onednn runs at most 8 at once); threads 0 lets the runtime choose
(docs/runtime.md, "Threads"); max_arena_bytes is a memory budget, 0 none: the fastest plan
that fits, ref, mcu and float streaming rows through ring buffers (docs/runtime.md, "Streamed
plans"). Raises dnz.BackendError when the backend is not built in, cannot run the model or
fit the budget (the message names the smallest arena). A session runs one call at a time; use one per thread. close() (or a
with block) frees it; later calls raise dnz.SessionError.)")
      .def(py::init<std::shared_ptr<PyModel>, const std::string&, uint32_t, int32_t, size_t>(),
           py::arg("model") = nullptr, py::arg("backend") = "auto", py::arg("max_batch") = 8,
           py::arg("threads") = 0, py::arg("max_arena_bytes") = 0)
      .def("run", &PySession::Run, py::arg("x"), py::arg("out") = py::none(),
           R"(Denoises one digit or a batch: x is uint8 (pixels 0..255) or float32 (values in
[0, 1]) of shape (28, 28) or (N, 28, 28), C-contiguous. Returns a new array of the same dtype
and shape, or writes into `out` (same dtype and shape, writable) and returns it. The GIL is
released while the runtime runs. Bytes are those of the C API's dnz_run_u8 / dnz_run_f32.)")
      .def("close", &PySession::Close, "Frees the session; further runs raise dnz.SessionError.")
      .def("__enter__", [](PySession& self) -> PySession& { return self; })
      .def("__exit__", [](PySession& self, const py::args&) { self.Close(); })
      .def_property_readonly("closed", [](const PySession& self) { return !self.open(); })
      .def_property_readonly("backend", &PySession::backend,
                             "The backend that runs (never 'auto': what auto chose).")
      .def_property_readonly("max_batch", &PySession::max_batch)
      .def_property_readonly("threads", &PySession::threads, "As asked: 0 means auto.")
      .def_property_readonly("arena_bytes", &PySession::arena_bytes,
                             "The arena this session holds (dnz_session_arena_bytes).")
      .def_property_readonly("model", &PySession::model)
      .def_property_readonly("plan", &PySession::Plan,
                             "The plan in one line (dnz_session_plan_text): arena, what streams.")
      .def("_c_api_seconds", &PySession::CApiSeconds, py::arg("x"), py::arg("calls"),
           "For bench/python_bench.py: seconds that `calls` dnz_run_u8 calls on uint8 x take "
           "from C++ in this process (no Python between them).")
      .def("__repr__", &PySession::Repr);
}

}  // namespace dnz::python
