#!/usr/bin/env bash
# The whole test suite in one command: install what is missing, fetch MNIST, build, and
# run every test through CTest; then the whole suite again under AddressSanitizer + UBSan;
# then every fuzz target for a bounded time (scripts/run_fuzzers.sh; DNZ_FUZZ_SECONDS,
# default 60 per target, 0 skips them).
# Each run says how many tests ran and how many were skipped; a skip that
# tests/skip_allowlist.txt does not allow fails the run. In CI (CI=true) oneDNN is
# required (-DDNZ_WITH_ONEDNN=ON), so that a missing package cannot silently drop tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"
onednn=AUTO
[ "${CI:-}" = "true" ] && onednn=ON
"$root/scripts/install_deps.sh"
"$root/scripts/fetch_mnist.sh"
"$root/scripts/build.sh" -DDNZ_WITH_ONEDNN="$onednn"
"$root/scripts/ctest_summary.sh" "$root/build" -j"$jobs"

# oneDNN's own kernels for CPUs without AVX-512 (our x86 kernels' variants are covered by
# the tests themselves, x86/isa.h): the byte-identity tests once more on oneDNN's AVX2 path.
echo "run_tests: onednn == ref again with ONEDNN_MAX_CPU_ISA=AVX2"
ONEDNN_MAX_CPU_ISA=AVX2 "$root/scripts/ctest_summary.sh" "$root/build" -j"$jobs" \
  -R "BackendsTest|ConvTest|Verifier"

echo "run_tests: the whole suite under AddressSanitizer + UBSan"
DNZ_BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" -DDNZ_SANITIZE=ON \
  -DDNZ_WITH_ONEDNN="$onednn" -DDNZ_BUILD_BENCH=OFF
"$root/scripts/ctest_summary.sh" "$root/build-asan" -j"$jobs"

if [ "${DNZ_FUZZ_SECONDS:-60}" != "0" ]; then
  "$root/scripts/run_fuzzers.sh"
fi
