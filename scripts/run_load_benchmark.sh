#!/usr/bin/env bash
# Speed under load: the runtime (onednn, batch 1 and 128) and the trainer's step benchmark,
# each run idle and then beside a deliberate background load (one shell loop spinning on
# one core for the duration of the run, at normal priority, unpinned: what another program
# on a user's machine does). Reports slowdown = loaded time / idle time for the old fixed
# choice (2 threads; the trainer with libgomp's default waits, 300,000 spins) and for the
# new defaults (runtime: threads auto; trainer: the idle cores, 10,000 spins), with 1 thread and
# (the trainer) passive waits beside them for comparison. The raw results go to
# bench/results/ (load_runtime_idle.json, load_runtime_loaded.json, load_train.txt) and the
# "Under load" section of docs/benchmarks.md is written from them. Needs a build
# (build/bench/runtime_bench, build/host_train/host_train) and MNIST. About 3 minutes on
# the 2-core VM; run it on a machine that is otherwise quiet (the load average before the
# run is recorded and shown beside the figures).
#   scripts/run_load_benchmark.sh [MODEL]      (default: models/default.dnz)
#   DNZ_LOAD_REPETITIONS=5 DNZ_LOAD_TRAIN_STEPS=20 (the defaults) set the length.
# scripts/run_benchmarks.sh runs this too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
model="${1:-$root/models/default.dnz}"
out="$root/bench/results"
repetitions="${DNZ_LOAD_REPETITIONS:-5}"
steps="${DNZ_LOAD_TRAIN_STEPS:-20}"
mkdir -p "$out"
"$root/scripts/fetch_mnist.sh" >/dev/null

spinner=""
start_load() {
  bash -c 'while :; do :; done' &
  spinner=$!
  sleep 0.5  # let the scheduler place it
}
stop_load() {
  if [[ -n "$spinner" ]]; then
    kill "$spinner" 2>/dev/null || true
    wait "$spinner" 2>/dev/null || true
    spinner=""
  fi
}
trap stop_load EXIT

# Runtime: the old fixed 2 threads, the new default (threads:0 = auto) and 1 thread.
runtime() {  # $1: idle|loaded
  "$root/build/bench/runtime_bench" --model "$model" \
    --benchmark_filter='denoise/onednn/batch:(1|128)/threads:(0|1|2)/' \
    --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$out/load_runtime_$1.json"
}
echo "bench: runtime under load (cores: $(nproc), loadavg before: $(cut -d' ' -f1-3 /proc/loadavg))"
runtime idle
start_load
runtime loaded
stop_load

# Trainer, bf16 (the shipped model's precision). "old": 2 threads, libgomp's default waits
# (GOMP_SPINCOUNT=300000 is that default, and stops host_train from choosing its own);
# "new": what host_train does when given nothing (the cores idle at its start,
# host_train/cli/busy_cores.h, and GOMP_SPINCOUNT=10000);
# "passive": 2 threads, OMP_WAIT_POLICY=passive; "one": 1 thread.
train() {  # $1: case, $2: idle|loaded, then the environment and arguments
  local name="$1" phase="$2"
  shift 2
  local line
  line=$(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT "$@" --bench-steps "$steps" --precision bf16 --data "$root/data/mnist" | grep '^BENCH')
  echo "LOAD case=$name phase=$phase $line" | tee -a "$out/load_train.txt"
}
echo "bench: trainer under load"
{
  echo "LOAD context cores=$(nproc) cpu=\"$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')\"" \
    "loadavg_before=\"$(cut -d' ' -f1-3 /proc/loadavg)\" load=\"one bash busy loop, unpinned\""
} >"$out/load_train.txt"
for variant in old new passive one; do
  case "$variant" in
    old) args=(GOMP_SPINCOUNT=300000 "$root/build/host_train/host_train" --threads 2) ;;
    new) args=("$root/build/host_train/host_train") ;;
    passive) args=(OMP_WAIT_POLICY=passive "$root/build/host_train/host_train" --threads 2) ;;
    one) args=("$root/build/host_train/host_train" --threads 1) ;;
  esac
  train "$variant" idle "${args[@]}"
  start_load
  train "$variant" loaded "${args[@]}"
  stop_load
done

/usr/bin/python3 "$root/scripts/write_benchmarks_md.py" "$out" "$root/docs/benchmarks.md" \
  "$root/README.md"
echo "bench: wrote bench/results/load_* and docs/benchmarks.md"
