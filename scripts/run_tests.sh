#!/usr/bin/env bash
# The whole test suite in one command, stage by stage (the names its time report uses):
#   install, mnist   what is missing: Debian packages, the MNIST files
#   build, tests     build/ (warnings as errors in CI), every test through CTest
#   no_vnni          the onednn tests again as on CPUs without AVX-512 VNNI
#   edge             the edge builds under QEMU (scripts/run_edge_tests.sh; DNZ_EDGE_TESTS=0 skips)
#   web              the WebAssembly build and the page (scripts/run_web_tests.sh;
#                    DNZ_WEB_TESTS=0 skips)
#   asan_build, asan_tests   the suite again under AddressSanitizer + UBSan (build-asan/), but
#                    two long tests of many digits
#   tsan_build, tsan_tests   the threading tests under ThreadSanitizer (build-tsan/: CTest
#                    labels runtime_threads, train_threads; tests/tsan/ says what is told to TSan)
#   fuzz             every fuzz target for a bounded time, one per core at a time
#                    (scripts/run_fuzzers.sh; DNZ_FUZZ_SECONDS, default 60 per target, 0 skips)
# Each run says how many tests ran and how many were skipped; a skip that
# tests/skip_allowlist.txt does not allow fails the run. In CI (CI=true) oneDNN and CUDA
# are required (-DDNZ_WITH_ONEDNN=ON -DDNZ_WITH_CUDA=ON), so that a missing package cannot
# silently drop tests and the GPU trainer is compiled though CI has no GPU to run it; so are
# the tools tests need (Python, shellcheck: scripts/build.sh, DNZ_REQUIRE_TEST_TOOLS). The run
# prints which kernel variants ran (tests/runtime/kernel_variants_main.cc).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"

# Each stage's wall time, printed at the end (and when a stage fails), so CI's cost is known
# stage by stage (the goal: all of it under 45 minutes on 2 cores).
stage_times=()
started=$SECONDS
report_times() {
  echo "run_tests: stage times (s): ${stage_times[*]:-none}; total $((SECONDS - started)) s"
}
trap report_times EXIT
timed() {  # NAME COMMAND...
  local name="$1" start=$SECONDS
  shift
  "$@"
  stage_times+=("$name=$((SECONDS - start))")
}
onednn=AUTO
cuda=AUTO
[ "${CI:-}" = "true" ] && onednn=ON && cuda=ON
timed install "$root/scripts/install_deps.sh"
timed mnist "$root/scripts/fetch_mnist.sh"
timed build "$root/scripts/build.sh" -DDNZ_WITH_ONEDNN="$onednn" -DDNZ_WITH_CUDA="$cuda"
timed tests "$root/scripts/ctest_summary.sh" "$root/build" -j"$jobs"
# Which CPU paths that run took: our x86 kernels' variants, oneDNN's int8 path, mcu's set.
variants="$("$root/build/tests/runtime/kernel_variants")"
echo "run_tests: $variants"

# CPUs without VNNI, as many users' are (our x86 kernels' variants are covered by the
# tests themselves, x86/isa.h): oneDNN's AVX2 and AVX-512 int8 convolutions could
# saturate, so the onednn backend splits each conv's input into 7-bit halves
# (runtime/src/onednn/split_int8.h); its bytes must still be ref's.
no_vnni() {
  local path
  if [[ "$variants" == *"no oneDNN"* ]]; then
    echo "run_tests: no oneDNN in this build: no CPU-without-VNNI runs"
    return
  fi
  for isa in AVX2 AVX512_CORE; do
    # Fails unless oneDNN honours the limit, so that this stage cannot test VNNI again.
    path="$(ONEDNN_MAX_CPU_ISA=$isa "$root/build/tests/runtime/kernel_variants" --expect-split)"
    echo "run_tests: a CPU without VNNI (ONEDNN_MAX_CPU_ISA=$isa): $path; bytes as ref's"
    ONEDNN_MAX_CPU_ISA=$isa "$root/scripts/ctest_summary.sh" "$root/build" -j"$jobs" \
      -R "BackendsTest|(EveryBackend|Int8Backend)\..*/onednn|ConvTest|ZeroAllocation|ThreadsOnednn"
  done
}
timed no_vnni no_vnni

# The edge builds (docs/edge.md): Cortex-M4 and M7 firmware under qemu-system-arm, the
# runtime and its tests on 64-bit Arm Linux under qemu-aarch64. DNZ_EDGE_TESTS=0 skips them.
if [ "${DNZ_EDGE_TESTS:-1}" != "0" ]; then
  timed edge "$root/scripts/run_edge_tests.sh"
fi

# The WebAssembly build and the page (docs/web.md): the module in Node and the page in headless
# Chromium, byte for byte against the host's runtime. DNZ_WEB_TESTS=0 skips them.
if [ "${DNZ_WEB_TESTS:-1}" != "0" ]; then
  timed web "$root/scripts/run_web_tests.sh"
fi

# (The GPU code is left out: its tests cannot run here, and nvcc's code is not instrumented.)
echo "run_tests: the suite under AddressSanitizer + UBSan"
timed asan_build env DNZ_BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" -DDNZ_SANITIZE=ON \
  -DDNZ_WITH_ONEDNN="$onednn" -DDNZ_WITH_CUDA=OFF -DDNZ_BUILD_BENCH=OFF
# Less two tests of quantity, not new paths (the first build runs them): 200 digits on every
# backend, and the float model against the int8 one and a drifted one (176 s of the stage).
timed asan_tests "$root/scripts/ctest_summary.sh" "$root/build-asan" -j"$jobs" \
  -E '^(MnistBackends\.EveryInt8BackendEqualsRefOnTestDigits|ModelQuality\.ShippedInt8StaysCloseToItsFloatWeights)$'

# The threading tests under ThreadSanitizer (CTest labels runtime_threads and train_threads:
# ConcurrentSessions, ThreadsOnednn, the trainer's OpenMP regions); only their programs are
# built, without CUDA. OpenMP's fork and join are told to TSan and the suppressions are
# committed (tests/tsan/); a race fails the test that saw it.
echo "run_tests: the threading tests under ThreadSanitizer"
timed tsan_build env DNZ_BUILD_DIR="$root/build-tsan" \
  DNZ_BUILD_TARGETS="threads_test concurrent_sessions_test dnz_train_test" \
  "$root/scripts/build.sh" -DDNZ_SANITIZE=thread -DDNZ_WITH_ONEDNN="$onednn" -DDNZ_WITH_CUDA=OFF \
  -DDNZ_BUILD_BENCH=OFF
timed tsan_tests "$root/scripts/ctest_summary.sh" "$root/build-tsan" -j"$jobs" -L threads

if [ "${DNZ_FUZZ_SECONDS:-60}" != "0" ]; then
  timed fuzz "$root/scripts/run_fuzzers.sh"
fi
