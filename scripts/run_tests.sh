#!/usr/bin/env bash
# The whole test suite in one command: install what is missing, fetch MNIST,
# build, and run every test through CTest. Then the verifier's fuzz tests again
# under AddressSanitizer + UBSan in a second, runtime-only build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"
"$root/scripts/install_deps.sh"
"$root/scripts/fetch_mnist.sh"
"$root/scripts/build.sh"
(cd "$root/build" && ctest --output-on-failure -j"$jobs")

echo "run_tests: runtime tests under AddressSanitizer + UBSan"
DNZ_BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" -DDNZ_SANITIZE=ON \
  -DDNZ_BUILD_HOST_TOOLS=OFF -DDNZ_BUILD_BENCH=OFF
(cd "$root/build-asan" && ctest --output-on-failure -j"$jobs" -L runtime -LE slow)
