#!/usr/bin/env bash
# The main job in one command: install what is missing, build, and denoise an
# example noisy digit with the built-in model.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install_deps.sh"
"$root/scripts/build.sh"
out="$root/build/digit_0_noisy.denoised.png"
"$root/build/runtime/demo/runtime_demo" "$root/examples/digit_0_noisy.png" -o "$out" --compare
echo "run_demo: the denoised digit is $out"
