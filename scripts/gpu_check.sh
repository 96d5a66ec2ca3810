#!/usr/bin/env bash
# Everything that needs an NVIDIA GPU, in one run, for a GPU machine that has nvcc, CMake and
# PyTorch but no package registry (docs/gpu.md):
#
#   scripts/gpu_check.sh prepare     on a build machine (Debian, no GPU needed): builds
#                                    build-gpu/ (CUDA, no oneDNN: libdnnl is 38 MiB) and
#                                    gzips MNIST into data/mnist-gz/; prints what to send.
#   scripts/gpu_check.sh [OUT]       on the GPU machine, from the repository root, with
#                                    build-gpu/ and data/mnist-gz/ beside it: nvidia-smi, the
#                                    GPU tests (ctest -L '^gpu$'), the epoch benchmark against the
#                                    PyTorch peer, a full 50-epoch run with export (beside
#                                    the peer: the export is CPU work). Logs, the
#                                    model and a summary go to OUT (default $OUT/gpu_check or
#                                    ./gpu_check); the summary is printed at the end.
#   scripts/gpu_check.sh import DIR  back on the build machine, with DIR the OUT folder that
#                                    came back: copies its small files into bench/results/gpu/
#                                    (exporting the run's checkpoint with build/ if the export
#                                    did not finish there) and rewrites docs/benchmarks.md.
#
# Environment: DNZ_GPU_CHECK_SECONDS (default 540) bounds the whole check, so that it ends, with
# its summary, inside the device tool's 600 s per command: each step gets at most what is left
# after keeping back what the later steps need. DNZ_GPU_EPOCHS (default 50) shortens the
# training run, DNZ_GPU_PRECISION (default auto) sets its precision and DNZ_GPU_TRAIN_SECONDS
# (default 480) bounds it further; DNZ_GPU_PEER_SECONDS (default 240) bounds PyTorch,
# DNZ_GPU_SKIP_PEER=1 skips it;
# DNZ_CUDNN_LIBRARY names the cuDNN to load (default: the system's, else PyTorch's).
# For a dry run of this script on the emulated GPU (tests/gpu_emulation/gpu_check_dry_run.sh),
# DNZ_GPU_CHECK_BUILD (default build-gpu), DNZ_GPU_CHECK_TRAINER (default its host_train),
# DNZ_GPU_CHECK_TESTS (ctest's test selection, default -L ^gpu$), DNZ_GPU_BENCH_STEPS
# (default 200) and DNZ_GPU_TRAIN_ARGS (more host_train options for every run) shrink it.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_GPU_CHECK_BUILD:-$root/build-gpu}"

if [ "${1:-}" = "prepare" ]; then
  set -e
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDNZ_WITH_ONEDNN=OFF \
    -DDNZ_WITH_CUDA=ON -DDNZ_BUILD_BENCH=OFF -DDNZ_GPU_EMULATION=OFF >/dev/null
  cmake --build "$build" -j"$(nproc)"
  mkdir -p "$root/data/mnist-gz"
  for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte \
           t10k-labels-idx1-ubyte; do
    gzip -9 -n -c "$root/data/mnist/$f" > "$root/data/mnist-gz/$f.gz"
  done
  # Only the binaries and CTest's files are needed there; what the carry may hold is 64 MiB
  # with the working tree. Drop objects, static libraries (linked in already), generated
  # sources (the embedded model is in runtime_demo), dependency files and CMake's compiler
  # probes.
  find "$build" \( -name '*.o' -o -name '*.a' -o -name '*.d' -o -name 'compiler_depend.*' \
    -o -name 'embedded_model.cc' \) -type f -delete
  rm -rf "$build"/CMakeFiles/[0-9]*/CompilerId*
  mib=$(du -scm "$build" "$root/data/mnist-gz" | tail -1 | cut -f1)
  echo "gpu_check: send build-gpu and data/mnist-gz (${mib} MiB), then run scripts/gpu_check.sh there"
  [ "$mib" -le 56 ] || { echo "gpu_check: over 56 MiB: the carry holds 64 MiB with the tree" >&2; exit 1; }
  exit 0
fi

if [ "${1:-}" = "import" ]; then
  set -e
  from="${2:?usage: scripts/gpu_check.sh import DIR}"
  [ -f "$from/summary.txt" ] || { echo "gpu_check import: no summary.txt in $from" >&2; exit 1; }
  results="$root/bench/results"
  rm -rf "$results/gpu" && mkdir -p "$results/gpu"
  for f in summary.txt nvidia-smi.txt gpu_tests.log pytorch_peer.log train.log export.log \
           bench_*.log; do
    for path in "$from"/$f; do [ -f "$path" ] && cp "$path" "$results/gpu/"; done
  done
  # The export did not finish there (time ran out): export the run's checkpoint here.
  if ! grep -q '^int8' "$results/gpu/export.log" 2>/dev/null && [ -f "$from/run/checkpoint.dnzckpt" ]; then
    run_copy=$(mktemp -d)
    cp "$from/run/checkpoint.dnzckpt" "$run_copy/"
    echo "gpu_check import: exporting the GPU run's checkpoint here (minutes)"
    { echo "exported by gpu_check import on the build machine, from the GPU run's checkpoint"
      "$root/build/host_train/host_train" --out "$run_copy" --export "$run_copy/model.dnz"
    } > "$results/gpu/export.log" 2>&1
    echo "gpu_check import: model in $run_copy/model.dnz"
  fi
  /usr/bin/python3 "$root/scripts/write_benchmarks_md.py" "$results" "$root/docs/benchmarks.md" \
    "$root/README.md"
  echo "gpu_check import: bench/results/gpu/ and docs/benchmarks.md updated"
  exit 0
fi

began=$(date +%s)
budget="${DNZ_GPU_CHECK_SECONDS:-540}"
# at_most CAP KEEP: seconds for the next step: CAP, or what is left of the budget after
# keeping KEEP seconds back for the steps after it, whichever is less (at least 10).
at_most() {
  local n=$(( began + budget - $(date +%s) - $2 ))
  [ "$n" -lt "$1" ] || n=$1
  [ "$n" -ge 10 ] || n=10
  echo "$n"
}
peer_keep=150  # PyTorch's eager cases and a compile
[ "${DNZ_GPU_SKIP_PEER:-0}" != "1" ] || peer_keep=15

out="${1:-${OUT:+$OUT/gpu_check}}"
out="${out:-$root/gpu_check}"
mkdir -p "$out"
summary="$out/summary.txt"
: > "$summary"
say() { echo "$*" | tee -a "$summary"; }
status=0

# The build's tests carry this checkout's absolute paths (MNIST, binaries): make them valid.
built_root=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")
if [ -n "$built_root" ] && [ "$built_root" != "$root" ] && [ ! -e "$built_root" ]; then
  mkdir -p "$(dirname "$built_root")" && ln -s "$root" "$built_root"
fi
mkdir -p "$root/data/mnist"
for gz in "$root"/data/mnist-gz/*.gz; do
  [ -f "$gz" ] || continue  # no archive: data/mnist/ is there already (a dry run)
  plain="$root/data/mnist/$(basename "$gz" .gz)"
  [ -f "$plain" ] || gunzip -c "$gz" > "$plain"
done

# cuDNN (loaded at run time: host_train/cuda/cudnn_library.h): the system's, else the one
# PyTorch's environment ships as the nvidia-cudnn wheel. Its folder and those of the other
# NVIDIA wheels (cuBLAS, which cuDNN loads) go on LD_LIBRARY_PATH, and DNZ_CUDNN_LIBRARY names
# the file, so that a cuDNN that cannot be found fails loudly instead of skipping the tests.
# (grep reads all of ldconfig's output: with -q, pipefail could see ldconfig's SIGPIPE.)
if [ -z "${DNZ_CUDNN_LIBRARY:-}" ] && ! ldconfig -p 2>/dev/null | grep 'libcudnn.so.9' > /dev/null; then
  wheel_libs=$(python3 -c 'import nvidia, os; print(":".join(os.path.join(p, d, "lib") for p in nvidia.__path__ for d in sorted(os.listdir(p)) if os.path.isdir(os.path.join(p, d, "lib"))))' 2>/dev/null || true)
  torch_lib=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))' 2>/dev/null || true)
  export LD_LIBRARY_PATH="${wheel_libs}:${torch_lib}:${LD_LIBRARY_PATH:-}"
  cudnn_file=$(echo "$wheel_libs" | tr ':' '\n' | sed 's|$|/libcudnn.so.9|' \
    | xargs -r ls 2>/dev/null | head -1)
  [ -n "$cudnn_file" ] || cudnn_file=$(find /usr /opt -name 'libcudnn.so.9' 2>/dev/null | head -1)
  [ -z "$cudnn_file" ] || export DNZ_CUDNN_LIBRARY="$cudnn_file"
fi

say "== gpu_check $(date -u +%FT%TZ) =="
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv,noheader \
  2>&1 | tee "$out/nvidia-smi.txt" | sed 's/^/gpu: /' | tee -a "$summary"
nvidia-smi >> "$out/nvidia-smi.txt" 2>&1
trainer="${DNZ_GPU_CHECK_TRAINER:-$build/host_train/host_train}"
missing=$(ldd "$trainer" | grep 'not found' || true)
[ -z "$missing" ] || say "missing libraries: $missing"

# 1. The GPU tests.
tests="${DNZ_GPU_CHECK_TESTS:--L ^gpu\$}"
say "-- GPU tests (ctest $tests)"
# shellcheck disable=SC2086  # the selection is several words
if timeout "$(at_most 240 $(( 240 + peer_keep )))" ctest --test-dir "$build" $tests \
     --output-on-failure > "$out/gpu_tests.log" 2>&1; then
  say "gpu tests: $(grep -E 'tests passed|tests failed' "$out/gpu_tests.log" | tail -1)"
else
  status=1
  say "gpu tests FAILED: $(grep -E 'tests passed|tests failed' "$out/gpu_tests.log" | tail -1)"
  grep -E '^\s*[0-9]+ - |Failure|Expected|Which is|at [0-9]+' "$out/gpu_tests.log" | head -30 \
    | tee -a "$summary"
fi
# On a GPU machine a skipped GPU test means the setup is broken (no device, no cuDNN).
if grep -q "(Skipped)" "$out/gpu_tests.log"; then
  status=1
  say "gpu tests SKIPPED on a GPU machine (the reason: run the test binary):"
  grep -h "(Skipped)" "$out/gpu_tests.log" | sort -u | head -8 | tee -a "$summary"
  "$build/tests/train/dnz_cuda_backend_test" --gtest_filter='*AdamStep*' 2>&1 \
    | grep -m1 "needs a GPU" | tee -a "$summary"
fi
say "cuDNN: ${DNZ_CUDNN_LIBRARY:-found by the loader}"

# 2. Speed: our training steps (the PyTorch peer runs in step 4, on the same GPU).
train="$trainer --data $root/data/mnist ${DNZ_GPU_TRAIN_ARGS:-}"
say "-- training speed"
# Each precision with its steps replayed as CUDA graphs (the default), then each launching
# every kernel directly: the difference is the launch overhead the graphs save. The direct
# runs then time the same steps stage by stage (--bench-profile: PROFILE lines, each
# layer's forward and backward between CUDA events), to show where a step's time goes.
for graph in on off; do
  profile=()
  [ "$graph" = off ] && profile=(--bench-profile)
  for precision in f32 f16 bf16; do
    name="bench_${precision}_graph_$graph"
    timeout "$(at_most 60 $(( 120 + peer_keep )))" $train --device cuda \
      --precision "$precision" --cuda-graph "$graph" --bench-steps "${DNZ_GPU_BENCH_STEPS:-200}" \
      "${profile[@]}" --out "$out/$name" > "$out/$name.log" 2>&1 || status=1
    grep -E '^BENCH|CUDA graph|^PROFILE.*stage="total"' "$out/$name.log" | tee -a "$summary" \
      || tail -3 "$out/$name.log" | tee -a "$summary"
  done
done

# 3. A full training run with the seed's settings.
epochs="${DNZ_GPU_EPOCHS:-50}"
precision="${DNZ_GPU_PRECISION:-auto}"
say "-- training: $epochs epochs on the GPU, precision $precision"
start=$(date +%s)
trained=0
# Out of time, host_train takes timeout's SIGTERM as Ctrl-C: it saves its checkpoint, and the
# epochs that finished are exported and reported as such.
timeout "$(at_most "${DNZ_GPU_TRAIN_SECONDS:-480}" "$peer_keep")" $train --device cuda \
  --precision "$precision" --epochs "$epochs" --out "$out/run" > "$out/train.log" 2>&1
train_exit=$?
if [ "$train_exit" = 0 ]; then
  trained=1
  say "trained in $(( $(date +%s) - start )) s"
elif [ "$train_exit" = 124 ] && [ -f "$out/run/checkpoint.dnzckpt" ]; then
  trained=1
  status=1
  say "training STOPPED by the time budget after $(( $(date +%s) - start )) s"
else
  status=1
  say "training FAILED (exit $train_exit)"
  tail -n 5 "$out/train.log" | tee -a "$summary"
fi
[ "$trained" = 0 ] \
  || grep -E '^epoch [0-9]+/[0-9]+  train|CUDA graph' "$out/train.log" | tail -3 | tee -a "$summary"

# 4. The export (the CPU: minutes of int8 and float evaluation without oneDNN) beside the
# PyTorch peer (the GPU). If time runs out first, `gpu_check.sh import` exports there.
export_pid=""
if [ "$trained" = 1 ]; then
  $train --out "$out/run" --export "$out/run/model.dnz" > "$out/export.log" 2>&1 &
  export_pid=$!
fi
if [ "${DNZ_GPU_SKIP_PEER:-0}" != "1" ]; then
  timeout "$(at_most "${DNZ_GPU_PEER_SECONDS:-240}" 10)" python3 "$root/bench/pytorch_peer.py" \
    --mnist "$root/data/mnist" --device cuda train > "$out/pytorch_peer.log" 2>&1 \
    || say "pytorch peer: exit $? (log: pytorch_peer.log)"
  grep '^PEER' "$out/pytorch_peer.log" | tee -a "$summary"
fi
if [ -n "$export_pid" ]; then
  # Out of time, the export stops here; `gpu_check.sh import` exports the checkpoint there.
  while kill -0 "$export_pid" 2>/dev/null && [ "$(at_most 1000 0)" -gt 10 ]; do sleep 1; done
  if kill -0 "$export_pid" 2>/dev/null; then
    kill "$export_pid"
    wait "$export_pid"
    say "export STOPPED by the time budget: gpu_check.sh import exports the checkpoint"
  elif wait "$export_pid"; then
    grep -iE 'psnr|bce' "$out/export.log" | tail -6 | tee -a "$summary"
  else
    status=1
    say "export FAILED"
    tail -n 5 "$out/export.log" | tee -a "$summary"
  fi
fi
say "== gpu_check done: exit $status; logs in $out =="
exit $status
