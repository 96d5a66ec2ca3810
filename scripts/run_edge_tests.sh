#!/usr/bin/env bash
# The edge builds and their tests in one command (docs/edge.md): install what is missing,
# then configure, build and run CTest in
#   build-m4/       Cortex-M4F image(s) on QEMU's mps2-an386
#   build-m7/       Cortex-M7 image(s) on QEMU's mps2-an500
#   build-aarch64/  the runtime, runtime_demo and the runtime tests on 64-bit Arm Linux (qemu-user)
# Each cross build makes the host programs it needs in its own host-tools/ folder (the M7
# build uses the M4 build's: the same programs). Under
# qemu-user the slow 10,000-digit MNIST test (label slow) is left out; the cross-backend tests
# run the backends built there (no oneDNN on Arm). Prints the firmware's footprint at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jobs="$(nproc)"
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
"$root/scripts/install_deps.sh"
"$root/scripts/install_edge_deps.sh"

build_and_test() {  # NAME TOOLCHAIN CMAKE_ARGUMENT [ctest arguments...]
  local name="$1" toolchain="$2" build="$root/build-$1"
  shift 2
  echo "run_edge_tests: $name ($toolchain)"
  cmake -S "$root" -B "$build" --toolchain "$root/cmake/$toolchain.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DDNZ_WERROR="$werror" "$1" >/dev/null
  shift
  cmake --build "$build" -j"$jobs"
  "$root/scripts/ctest_summary.sh" "$build" -j"$jobs" "$@"
}
# The M7 firmware needs the same host programs as the M4's: it uses the M4 build's
# (cmake/DnzHostTools.cmake).
build_and_test m4 arm-none-eabi-cortex-m4 -DDNZ_HOST_TOOLS_DIR="$root/build-m4/host-tools"
build_and_test m7 arm-none-eabi-cortex-m7 -DDNZ_HOST_TOOLS_DIR="$root/build-m4/host-tools"
build_and_test aarch64 aarch64-linux-gnu -DDNZ_HOST_TOOLS_DIR="$root/build-aarch64/host-tools" \
  -LE slow
"$root/scripts/firmware_footprint.sh" "$root/build-m4/firmware_demo/firmware_demo.elf"
