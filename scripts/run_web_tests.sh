#!/usr/bin/env bash
# The WebAssembly build and its tests in one command (docs/web.md): install what is missing,
# configure build-web/ with cmake/wasm32-wasi.cmake, build the module, the site and the host
# copy the tests compare against, then run the CTests labelled `web`: the module's size, the
# module in Node against the host's bytes (examples, 1,000 MNIST digits, bad files), the page
# in headless Chromium. scripts/run_tests.sh runs this as a stage (DNZ_WEB_TESTS=0 skips it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_WEB_BUILD_DIR:-$root/build-web}"
jobs="$(nproc)"
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
start=$SECONDS
"$root/scripts/install_deps.sh"
"$root/scripts/fetch_mnist.sh"
"$root/scripts/install_web_deps.sh" "$build"
cmake -S "$root" -B "$build" --toolchain "$root/cmake/wasm32-wasi.cmake" \
  -DCMAKE_BUILD_TYPE=Release -DDNZ_WERROR="$werror" >/dev/null
cmake --build "$build" -j"$jobs"
"$root/scripts/ctest_summary.sh" "$build" -j"$jobs" -L web
site="$build/web/site"
echo "run_web_tests: $((SECONDS - start)) s; dnz_web.wasm $(stat -c %s "$site/dnz_web.wasm") bytes," \
  "dnz_web_portable.wasm $(stat -c %s "$site/dnz_web_portable.wasm")"
