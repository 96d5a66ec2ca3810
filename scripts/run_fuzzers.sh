#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan, build-fuzz/) and runs each for a
# bounded time (default 60 s; DNZ_FUZZ_SECONDS overrides), seeded from its committed corpus
# (tests/fuzz/corpus/<target>/, plus the shipped model and the example images) and its
# dictionary. Fails on any crash, leak, timeout or out-of-memory; prints the executions of
# each target. New inputs go to a scratch corpus, never into the committed one.
#   scripts/run_fuzzers.sh [TARGET...]     (default: all four)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_FUZZ_BUILD_DIR:-$root/build-fuzz}"
seconds="${DNZ_FUZZ_SECONDS:-60}"
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(model_loader image idx_reader checkpoint)

CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDNZ_FUZZ=ON \
  -DDNZ_BUILD_TESTS=OFF -DDNZ_BUILD_BENCH=OFF -DDNZ_WERROR=ON -DDNZ_WITH_CUDA=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/%/_fuzzer}"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
summary=()
for target in "${targets[@]}"; do
  corpus="$scratch/$target"
  mkdir -p "$corpus"
  cp "$root/tests/fuzz/corpus/$target"/* "$corpus/" 2>/dev/null || true
  case "$target" in
    model_loader) cp "$root/models/default.dnz" "$corpus/shipped_model" ;;
    image) cp "$root/examples/"*.png "$root/examples/"*.jpg "$corpus/" ;;
  esac
  log="$build/fuzz_$target.log"
  echo "run_fuzzers: $target for $seconds s"
  if ! (cd "$scratch" && "$build/tests/fuzz/${target}_fuzzer" "$corpus" \
          -dict="$root/tests/fuzz/$target.dict" -max_total_time="$seconds" -timeout=10 \
          -seed="${DNZ_FUZZ_SEED:-1}" \
          -rss_limit_mb=2048 -max_len=2000000 -print_final_stats=1) >"$log" 2>&1; then
    tail -40 "$log"
    echo "run_fuzzers: $target FAILED (log: $log; the input that failed is in $scratch)"
    trap - EXIT
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$target: ${runs:-?} executions in $seconds s, no crash")
done
printf 'run_fuzzers: %s\n' "${summary[@]}"
