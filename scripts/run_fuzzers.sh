#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, build-fuzz/) and runs each for a
# bounded time (default 60 s; DNZ_FUZZ_SECONDS overrides), seeded from its committed corpus
# (tests/fuzz/corpus/<target>/, plus the example images for `image`) and its
# dictionary. Fails on any crash, leak, timeout or out-of-memory; prints the executions of
# each target. New inputs go to a scratch corpus, never into the committed one.
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
summary=()
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  mkdir -p "$corpus"
  seeds="$target"
  dict="$root/tests/fuzz/$target.dict"
  max_len=2000000
  case "$target" in
    # The model file: small models only (the shipped 1.67 MB one would spend the minute
    # verifying and running it), inputs up to 64 KiB.
    verifier) max_len=65536 ;;
    model_run) seeds=verifier dict="$root/tests/fuzz/verifier.dict" max_len=65536 ;;
    image) cp "$root/examples/"*.png "$root/examples/"*.jpg "$corpus/" ;;
  esac
  cp "$root/tests/fuzz/corpus/$seeds"/* "$corpus/" 2>/dev/null || true
  log="$build/fuzz_$target.log"
  echo "run_fuzzers: $target for $seconds s"
  if ! (cd "$scratch" && "$build/tests/fuzz/${target}_fuzzer" "$corpus" \
          -dict="$dict" -max_total_time="$seconds" -timeout=10 \
          -seed="${DNZ_FUZZ_SEED:-1}" \
          -rss_limit_mb=2048 -max_len="$max_len" -print_final_stats=1) >"$log" 2>&1; then
    tail -40 "$log"
    echo "run_fuzzers: $target FAILED (log: $log; the input that failed is in $scratch)"
    trap - EXIT
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$target: ${runs:-?} executions in $seconds s ($(( ${runs:-0} / seconds )) per second), no crash")
done
printf 'run_fuzzers: %s\n' "${summary[@]}"
