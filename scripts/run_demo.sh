#!/usr/bin/env bash
# The main job in one command: install what runtime_demo needs (only what is missing), build
# runtime_demo alone into build-demo/ (no tests, benchmarks, trainer or GPU code), and denoise
# an example noisy digit with the built-in model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_BUILD_DIR:-$root/build-demo}"
"$root/scripts/install_deps.sh" demo
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDNZ_BUILD_TESTS=OFF \
  -DDNZ_BUILD_BENCH=OFF -DDNZ_BUILD_TRAINER=OFF -DDNZ_WITH_CUDA=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target runtime_demo
out="$build/digit_0_noisy.denoised.png"
"$build/runtime_demo/runtime_demo" "$root/examples/digit_0_noisy.png" -o "$out" --compare
echo "run_demo: the denoised digit is $out"
