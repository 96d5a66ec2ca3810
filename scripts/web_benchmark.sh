#!/usr/bin/env bash
# The web benchmark (docs/benchmarks.md, "The runtime in a browser"): per-image time of the
# WebAssembly module in Node and in headless Chromium against the native ref and mcu, in the
# same run, into bench/results/web.json; then docs/benchmarks.md is rewritten from the results
# as scripts/run_benchmarks.sh does. Builds first (scripts/run_web_tests.sh's build, no tests).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_WEB_BUILD_DIR:-$root/build-web}"
"$root/scripts/install_web_deps.sh" "$build"
cmake -S "$root" -B "$build" --toolchain "$root/cmake/wasm32-wasi.cmake" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)"
node "$root/bench/web_bench.mjs" "$build/web/site" "$build/host-tools/tests/web/host/web_reference" \
  "$root/models/default.dnz" "$root/data/mnist" "$build/node/node_modules" \
  "$root/bench/results/web.json"
python3 "$root/scripts/write_benchmarks_md.py" "$root/bench/results" "$root/docs/benchmarks.md"
