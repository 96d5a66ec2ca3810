#!/usr/bin/env bash
# A dry run of scripts/gpu_check.sh on the emulated GPU, then of its import, so that the script
# meets its mistakes here and not in the one session that lends a GPU:
#
#   gpu_check_dry_run.sh BUILD TRAINER EMULATED_CUDNN
#
# BUILD is a CUDA build with the emulation, TRAINER its host_train_emulated. The run is shrunk
# (one GPU test, 2 timed steps, 1 epoch of 16 images, batches of 4) and the PyTorch peer is
# skipped, but every step of the script runs: nvidia-smi (a stand-in), the tests, the six
# timed configurations with the profile, training, the export beside the peer's slot, and
# `import` into a copy of the repository's results and docs, whose GPU section must then show
# the run's figures.
set -uo pipefail
build="${1:?usage: gpu_check_dry_run.sh BUILD TRAINER EMULATED_CUDNN}"
trainer="${2:?}"
cudnn="${3:?}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "gpu_check dry run: $*" >&2; exit 1; }

# nvidia-smi's stand-in: the name line gpu_check.sh queries, and the full report.
mkdir -p "$work/bin"
cat > "$work/bin/nvidia-smi" <<'EOF'
#!/bin/sh
case "$*" in
  *--query-gpu*) echo "CPU emulation of a CUDA device, 0 MiB, none, 0 MHz" ;;
  *) echo "nvidia-smi stand-in for the gpu_check dry run" ;;
esac
EOF
chmod +x "$work/bin/nvidia-smi"

PATH="$work/bin:$PATH" \
  DNZ_CUDNN_LIBRARY="$cudnn" \
  DNZ_GPU_CHECK_BUILD="$build" \
  DNZ_GPU_CHECK_TRAINER="$trainer" \
  DNZ_GPU_CHECK_TESTS='-R ^emulated\.CudaBackendTest\.AdamStepMatchesTheCpu$' \
  DNZ_GPU_BENCH_STEPS=2 \
  DNZ_GPU_TRAIN_ARGS="--batch 4 --train-limit 16 --val-limit 16" \
  DNZ_GPU_EPOCHS=1 \
  DNZ_GPU_SKIP_PEER=1 \
  "$root/scripts/gpu_check.sh" "$work/out" > "$work/gpu_check.log" 2>&1
rc=$?
cat "$work/gpu_check.log"
[ "$rc" = 0 ] || fail "gpu_check.sh exited $rc"

summary="$work/out/summary.txt"
expect() {  # expect COUNT PATTERN: the summary has COUNT lines matching PATTERN
  local n
  n=$(grep -cE "$2" "$summary")
  [ "$n" = "$1" ] || fail "summary.txt has $n lines matching '$2', not $1"
}
expect 1 '^gpu: CPU emulation of a CUDA device'
expect 1 '^gpu tests: 100% tests passed, 0 tests failed out of 1'
expect 3 '^BENCH train .*launch="graph"'
expect 3 '^BENCH train .*launch="direct"'
expect 3 '^PROFILE .*stage="total"'
expect 1 '^trained in [0-9]+ s'
expect 1 '^epoch 1/1  train'
grep -qiE 'psnr' "$summary" || fail "summary.txt has no export figures"
[ -s "$work/out/run/model.dnz" ] || fail "the run exported no model"

# The import, into a copy of what it rewrites.
copy="$work/repo"
mkdir -p "$copy/bench" "$copy/docs"
cp -r "$root/scripts" "$copy/"
cp -r "$root/bench/results" "$copy/bench/"
cp "$root/docs/benchmarks.md" "$copy/docs/"
cp "$root/README.md" "$copy/"
"$copy/scripts/gpu_check.sh" import "$work/out" || fail "import failed"
for f in summary.txt nvidia-smi.txt gpu_tests.log train.log export.log \
         bench_{f32,f16,bf16}_graph_{on,off}.log; do
  [ -f "$copy/bench/results/gpu/$f" ] || fail "import did not copy $f"
done
section=$(sed -n '/^## .*GPU/,$p' "$copy/docs/benchmarks.md")
echo "$section"
grep -q 'CPU emulation of a CUDA device' <<< "$section" || fail "the GPU section names no GPU"
grep -q 'Not run on a GPU yet' <<< "$section" && fail "the GPU section still says not run"
for precision in f32 f16 bf16; do
  for launch in graph direct; do
    grep -qE "^\| host_train \| $precision \| $launch \| [0-9][0-9,]* \| [0-9.]+ \| [0-9.]+ ms" \
      <<< "$section" || fail "the GPU section has no $precision $launch row with figures"
  done
done
grep -q '^### The 1-epoch run' <<< "$section" || fail "the GPU section has no training run"
grep -qE '^\| int8 \([a-z]+\) \| [0-9.]+ \| [0-9.]+ dB' <<< "$section" \
  || fail "the GPU section has no int8 export figures"
echo "gpu_check dry run: passed"
