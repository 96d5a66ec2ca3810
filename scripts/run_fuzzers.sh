#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, build-fuzz/) and runs each for a
# bounded time (default 60 s; DNZ_FUZZ_SECONDS overrides), seeded from its committed corpus
# (tests/fuzz/corpus/<target>/, plus the example images for `image`) and its
# dictionary. Fails on any crash, leak, timeout or out-of-memory; prints the executions of
# each target. New inputs go to a scratch corpus, never into the committed one. The targets
# run side by side, as many at once as there are cores (DNZ_FUZZ_JOBS overrides; 1: one after
# another).
#   scripts/run_fuzzers.sh [TARGET...]     (default: all five)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${DNZ_FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(verifier model_run image idx_reader checkpoint)

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDNZ_FUZZ=ON \
  -DDNZ_BUILD_TESTS=OFF -DDNZ_BUILD_BENCH=OFF -DDNZ_WERROR=ON -DDNZ_WITH_CUDA=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# One target for $seconds: its log in build-fuzz/fuzz_TARGET.log, its status (0: no crash) in
# the scratch folder.
fuzz_one() {  # TARGET
  local target="$1" corpus="$scratch/$1" seeds="$1" dict="$root/tests/fuzz/$1.dict"
  local max_len=2000000
  mkdir -p "$corpus"
  case "$target" in
    # The model file: small models only (the shipped 1.67 MB one would spend the minute
    # verifying and running it), inputs up to 64 KiB.
    verifier) max_len=65536 ;;
    model_run) seeds=verifier dict="$root/tests/fuzz/verifier.dict" max_len=65536 ;;
    image) cp "$root/examples/"*.png "$root/examples/"*.jpg "$corpus/" ;;
  esac
  cp "$root/tests/fuzz/corpus/$seeds"/* "$corpus/" 2>/dev/null || true
  echo "run_fuzzers: $target for $seconds s"
  local status=0
  (cd "$scratch" && "$build/tests/fuzz/${target}_fuzzer" "$corpus" \
     -dict="$dict" -max_total_time="$seconds" -timeout=10 -artifact_prefix="$scratch/$target-" \
     -seed="${DNZ_FUZZ_SEED:-1}" \
     -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1) >"$build/fuzz_$target.log" 2>&1 || status=$?
  echo "$status" >"$scratch/$target.status"
}

# The targets run side by side, one per core (each libFuzzer process is single-threaded), so
# that each still gets its $seconds of a core: 5 targets on 2 cores take 3 rounds, not 5.
parallel="${DNZ_FUZZ_JOBS:-$(nproc)}"
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  fuzz_one "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  [ "$(cat "$scratch/$target.status" 2>/dev/null)" = 0 ] || failed+=("$target")
done

summary=()
for target in "${targets[@]}"; do
  log="$build/fuzz_$target.log"
  if [[ " ${failed[*]} " == *" $target "* ]]; then
    tail -40 "$log"
    echo "run_fuzzers: $target FAILED (log: $log; the input that failed: $scratch/$target-*)"
    continue
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$target: ${runs:-?} executions in $seconds s ($(( ${runs:-0} / seconds )) per second), no crash")
done
[ ${#summary[@]} -eq 0 ] || printf 'run_fuzzers: %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  trap - EXIT
  exit 1
fi
