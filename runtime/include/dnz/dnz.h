/* dnz: an allocation-free runtime for a quantized denoising autoencoder.
 *
 * The C API, for firmware and for any host. Typical use:
 *
 *   dnz_model model;
 *   if (dnz_model_load(&model, bytes, size) != DNZ_OK) puts(dnz_model_error(&model));
 *   dnz_session session;
 *   dnz_session_options opt = dnz_session_default_options();   // ref, batch 1, auto threads
 *   dnz_session_init(&session, &model, &opt);
 *   static uint8_t arena[48 * 1024];  // >= dnz_session_arena_bytes(), DNZ_ARENA_ALIGNMENT-aligned
 *   dnz_session_set_arena(&session, arena, sizeof arena);
 *   dnz_run_u8(&session, pixels_in, pixels_out, 1);  // 28x28 gray, 0..255
 *   dnz_session_destroy(&session);
 *
 * Memory: dnz_model_load reads the model in place (zero-copy) and keeps a pointer to
 * it; the bytes must outlive the model. The caller provides the activation arena.
 * The ref backend never allocates; the onednn backend allocates its primitives in
 * dnz_session_init and frees them in dnz_session_destroy. No dnz_run_* call allocates
 * in this library's code (libdnnl's own execute() does: see docs/runtime.md).
 *
 * Threads: a loaded dnz_model is read-only, so any number of sessions on any threads may
 * share it at once. A session (with its arena) is used by one thread at a time: to run in
 * parallel, give each thread its own session and arena. The bytes do not depend on which
 * thread, or how many at once (tests/runtime/concurrent_sessions_test.cc).
 */
#ifndef DNZ_DNZ_H_
#define DNZ_DNZ_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The release (the one place it is written: CMakeLists.txt reads it from here). A program can
 * compare DNZ_VERSION_STRING, what it was compiled against, with dnz_version(), what it links. */
#define DNZ_VERSION_MAJOR 0
#define DNZ_VERSION_MINOR 1
#define DNZ_VERSION_PATCH 0
#define DNZ_VERSION_TEXT_(x) #x
#define DNZ_VERSION_TEXT(x) DNZ_VERSION_TEXT_(x)
#define DNZ_VERSION_STRING            \
  DNZ_VERSION_TEXT(DNZ_VERSION_MAJOR) \
  "." DNZ_VERSION_TEXT(DNZ_VERSION_MINOR) "." DNZ_VERSION_TEXT(DNZ_VERSION_PATCH)
/* The newest model-file format this runtime reads; it reads every older one too. */
#define DNZ_FORMAT_VERSION 2u
#define DNZ_MAX_OPS 32                            /* most ops a model may have */
#define DNZ_MAX_DIM 1024                          /* largest height or width of any tensor */
#define DNZ_MAX_CHANNELS 1024                     /* most channels of any tensor */
#define DNZ_MAX_KERNEL 11                         /* largest conv kernel height or width */
#define DNZ_MAX_ARENA_BYTES (64u * 1024u * 1024u) /* most activation memory per image */
#define DNZ_ARENA_ALIGNMENT 64                    /* the arena's start must be aligned to this */
#define DNZ_MAX_THREADS 1024                      /* most threads a session may ask for */
#define DNZ_ERROR_CHARS 160

typedef enum dnz_status {
  DNZ_OK = 0,
  DNZ_ERR_NULL_ARGUMENT = 1,        /* a required pointer was NULL */
  DNZ_ERR_FLATBUFFER = 2,           /* not a well-formed model buffer (verifier failed) */
  DNZ_ERR_IDENTIFIER = 3,           /* the file identifier is not "DNZM" */
  DNZ_ERR_VERSION = 4,              /* a format version this runtime does not read */
  DNZ_ERR_GRAPH = 5,                /* op/tensor counts or op kinds are invalid */
  DNZ_ERR_SHAPE = 6,                /* tensor shapes do not chain through the ops */
  DNZ_ERR_VECTOR_LENGTH = 7,        /* a weight/bias/scale vector has the wrong length */
  DNZ_ERR_QUANTIZATION = 8,         /* a scale, zero point, multiplier or shift is invalid */
  DNZ_ERR_BOUNDS = 9,               /* a dimension, kernel or the arena exceeds a limit */
  DNZ_ERR_ARENA = 10,               /* arena missing, too small or misaligned */
  DNZ_ERR_BACKEND_UNAVAILABLE = 11, /* backend not built in, or unsupported for this model */
  DNZ_ERR_NO_FLOAT_WEIGHTS = 12,    /* float backend asked for a model without float weights */
  DNZ_ERR_BATCH = 13,               /* batch (or max_batch) is 0, or max_batch too large */
  DNZ_ERR_BACKEND = 14,             /* the backend library reported an error */
  DNZ_ERR_STATE = 15,               /* the session is not ready (no arena, not initialised) */
  DNZ_ERR_THREADS = 16              /* options.threads is negative or above DNZ_MAX_THREADS */
} dnz_status;

typedef enum dnz_backend {
  DNZ_BACKEND_AUTO = 0,   /* onednn where built in and supported, else ref */
  DNZ_BACKEND_REF = 1,    /* plain loops: portable, the specification */
  DNZ_BACKEND_ONEDNN = 2, /* oneDNN int8 (x86 hosts) */
  DNZ_BACKEND_FLOAT = 3,  /* float32 reference path (needs float weights in the file) */
  DNZ_BACKEND_MCU = 4     /* int8 kernels for microcontrollers: polyphase upsample convs, a few
                             KiB of scratch, Arm DSP multiply-accumulates (SMLAD) when built
                             for a core that has them; portable C++ elsewhere. Same bytes as
                             ref. */
} dnz_backend;

typedef enum dnz_op_kind { DNZ_OP_CONV = 0, DNZ_OP_MAXPOOL = 1, DNZ_OP_UPSAMPLE = 2 } dnz_op_kind;
/* How a conv's weights are stored (docs/quantization.md). */
typedef enum dnz_weight_format {
  DNZ_WEIGHTS_INT8 = 0, /* one int8 per weight */
  DNZ_WEIGHTS_INT4 = 1  /* two's-complement nibbles, two per byte, low nibble first */
} dnz_weight_format;
typedef enum dnz_activation {
  DNZ_ACT_NONE = 0,
  DNZ_ACT_RELU = 1,
  DNZ_ACT_SIGMOID = 2
} dnz_activation;

/* One tensor's shape and quantization, [H][W][C]. */
typedef struct dnz_tensor_info {
  int32_t height, width, channels;
  float scale; /* real = scale * (q - zero_point) */
  int32_t zero_point;
} dnz_tensor_info;

/* One op, decoded and checked at load; weights point into the model bytes. */
typedef struct dnz_op {
  dnz_op_kind kind;
  dnz_activation activation;
  int32_t kernel_h, kernel_w;
  int32_t pad_top, pad_left, pad_bottom, pad_right;
  int32_t fused_upsample_input;      /* conv reads input pixel (y >> 1, x >> 1) */
  int32_t fused_maxpool_output;      /* conv output max-pooled 2x2, ceil mode */
  const int8_t* weights;             /* [out_c][kh][kw][in_c]; int4: packed, see weight_format */
  const int32_t* bias;               /* [out_c] */
  const int32_t* requant_multiplier; /* [out_c] */
  const int8_t* requant_shift;       /* [out_c] */
  const int8_t* activation_table;    /* [256], sigmoid only */
  int32_t preact_zero_point;         /* sigmoid only */
  float preact_scale;                /* sigmoid only */
  const float* float_weights;        /* [out_c][kh][kw][in_c] or NULL */
  const float* float_bias;           /* [out_c] or NULL */
  int32_t conv_out_h, conv_out_w;    /* conv output before a fused pool */
  dnz_weight_format weight_format;   /* int8, or int4: weight i in bits 4 * (i & 1) of byte i / 2 */
} dnz_op;

/* A verified model. Fields are read-only for users; they point into the model bytes. */
typedef struct dnz_model {
  const void* bytes;
  size_t size;
  uint32_t num_ops;
  dnz_tensor_info tensors[DNZ_MAX_OPS + 1]; /* tensors[i] -> ops[i] -> tensors[i + 1] */
  dnz_op ops[DNZ_MAX_OPS];
  int32_t has_float_weights;
  char error[DNZ_ERROR_CHARS]; /* the last load error, one line */
} dnz_model;

/* Where each tensor lives in the arena (computed at session init). */
typedef struct dnz_plan {
  size_t tensor_offset[DNZ_MAX_OPS + 1];
  size_t tensor_bytes[DNZ_MAX_OPS + 1];
  size_t activation_bytes; /* the planned size of all activation tensors */
  size_t arena_bytes;      /* activation_bytes + backend scratch, what the caller provides */
  /* The backend's scratch regions, by the backend's own numbering (mcu: one per conv op;
   * onednn: accumulators, upsample, its library's scratchpad, ...), placed by the planner. */
  size_t scratch_offset[DNZ_MAX_OPS];
  /* Streaming (ref, mcu, float under a memory budget; docs/runtime.md, "Streamed plans"):
   * ring_rows[t] > 0 means tensor t is never whole in the arena but a ring buffer of that many
   * rows, which op t - 1 writes and op t reads a band at a time, interleaved; 0: the whole
   * tensor. band_rows[i]: the output rows op i writes per step (its height: all at once). */
  uint32_t ring_rows[DNZ_MAX_OPS + 1];
  uint32_t band_rows[DNZ_MAX_OPS];
  uint64_t cost; /* the planner's estimate of the work per image (docs/runtime.md) */
} dnz_plan;

typedef struct dnz_session_options {
  dnz_backend backend;
  uint32_t max_batch;     /* images a batching backend (onednn) may run in one pass (>= 1;
                             onednn runs at most 8 per pass, which keeps them in cache);
                             a dnz_run_* call may pass any number: it runs pass by pass */
  int32_t threads;        /* CPU threads of a pass (onednn; ref, mcu and float run on the
                             calling thread and only check the value). 0, auto (the default):
                             one thread for a pass of 1 to 3 images, where a second thread gains
                             little or loses (docs/benchmarks.md, "Threads of an inference
                             pass"); the usable cores (this thread's CPU affinity, at most
                             omp_get_max_threads()) for a pass of 4 to 8 images. n > 0: n
                             threads for every pass. Negative or above DNZ_MAX_THREADS:
                             DNZ_ERR_THREADS. A dnz_run_* call runs passes of min(max_batch, 8)
                             images while that many are left, then the rest one by one. The count
                             is fixed at init (oneDNN makes its primitives for it); a pass sets
                             the calling thread's OpenMP count (omp_set_num_threads) and restores
                             it on return. The bytes are the same whatever the count. */
  size_t max_arena_bytes; /* a memory budget: 0 (the default), none: the fastest plan, whole
                             tensors. Otherwise the fastest plan whose arena fits; ref, mcu and
                             float stream rows through ring buffers to fit, onednn keeps whole
                             tensors. No plan fits: DNZ_ERR_ARENA, naming the smallest. */
} dnz_session_options;

typedef struct dnz_session {
  const dnz_model* model;
  dnz_backend backend; /* resolved: never AUTO after init */
  uint32_t max_batch;
  int32_t threads;        /* as asked in the options: 0 = auto */
  size_t max_arena_bytes; /* as asked in the options: 0 = no budget */
  dnz_plan plan;
  uint8_t* arena;
  size_t arena_bytes;
  void* backend_state; /* onednn: primitives made at init */
  char error[DNZ_ERROR_CHARS];
} dnz_session;

/* --- Model ----------------------------------------------------------------- */

/* Verifies (FlatBuffers verifier, then semantic checks) and decodes a model held in
 * `bytes` (not copied; must stay valid). On failure, model->error says why. */
dnz_status dnz_model_load(dnz_model* model, const void* bytes, size_t size);
const char* dnz_model_error(const dnz_model* model);
const dnz_tensor_info* dnz_model_input(const dnz_model* model);
const dnz_tensor_info* dnz_model_output(const dnz_model* model);

/* --- Session ---------------------------------------------------------------- */

dnz_session_options dnz_session_default_options(void);
/* Chooses the backend, plans the arena. Needs no arena yet. */
dnz_status dnz_session_init(dnz_session* session, const dnz_model* model,
                            const dnz_session_options* options);
size_t dnz_session_arena_bytes(const dnz_session* session);
/* The plan in one line (backend, arena bytes, which ops stream and their band heights), for
 * logs and demos; returns `text`. */
const char* dnz_session_plan_text(const dnz_session* session, char* text, size_t size);
/* Before any session: the arena bytes of the smallest plan `backend` can run `model` in, and of
 * its fastest plan (the one with no budget), so firmware can size a static arena at build time.
 * Either pointer may be NULL. Fails as dnz_session_init would (an unknown backend, ...). */
dnz_status dnz_model_arena_bytes(const dnz_model* model, dnz_backend backend, size_t* smallest,
                                 size_t* fastest);
/* `arena` must be DNZ_ARENA_ALIGNMENT-aligned and at least dnz_session_arena_bytes(). */
dnz_status dnz_session_set_arena(dnz_session* session, void* arena, size_t bytes);
void dnz_session_destroy(dnz_session* session);
const char* dnz_session_error(const dnz_session* session);

/* --- Run (no allocation) ---------------------------------------------------- */

/* `batch` images of the model's input shape in, as many output images out, each
 * [H][W][C]. u8: pixels 0..255 (real = p / 255). f32: reals in [0, 1]. Every
 * backend takes both; the session converts to and from the model's int8 (or, for
 * the float backend, float32) tensors. */
dnz_status dnz_run_u8(dnz_session* session, const uint8_t* input, uint8_t* output, uint32_t batch);
dnz_status dnz_run_f32(dnz_session* session, const float* input, float* output, uint32_t batch);

/* --- Names ----------------------------------------------------------------- */
/* The library's release, "MAJOR.MINOR.PATCH" (DNZ_VERSION_STRING when it was built). */
const char* dnz_version(void);
const char* dnz_status_string(dnz_status status);
const char* dnz_backend_name(dnz_backend backend);
/* Parses "auto" or a backend's name; returns DNZ_ERR_BACKEND_UNAVAILABLE for any other. */
dnz_status dnz_backend_from_name(const char* name, dnz_backend* backend);
/* 1 when the backend is compiled into this library (onednn: on x86 hosts built with oneDNN;
 * it gives ref's bytes on every x86-64 CPU, with or without VNNI). */
int dnz_backend_available(dnz_backend backend);

/* The backends this library knows, built in or not, one table (runtime/src/backends.cc), in
 * the order `auto` tries them. Programs and tests loop over it rather than naming backends. */
typedef struct dnz_backend_info {
  dnz_backend backend;
  const char* name;
  int32_t built_in;   /* compiled into this library */
  int32_t int8;       /* runs the int8 model and gives ref's bytes; 0: the float32 weights */
  int32_t threaded;   /* runs a pass on options.threads threads; 0: on the calling thread */
  int32_t auto_picks; /* `auto` may choose it (the first built-in one that supports the model) */
  int32_t streams;    /* fits a memory budget by streaming rows (options.max_arena_bytes); 0:
                         keeps whole tensors and refuses a budget below its one plan */
} dnz_backend_info;
uint32_t dnz_backend_count(void);
/* Row `index` of the table (0 .. dnz_backend_count() - 1); NULL past the end. */
const dnz_backend_info* dnz_backend_info_at(uint32_t index);
/* DNZ_OK when `backend` is built in and can run `model`; otherwise the status
 * dnz_session_init would return for it, with one line of why in `why` (if not NULL). */
dnz_status dnz_backend_supports(dnz_backend backend, const dnz_model* model, char* why,
                                size_t why_size);

#ifdef __cplusplus
}
#endif
#endif /* DNZ_DNZ_H_ */
