#!/usr/bin/env bash
# runtime_demo on the photo test set: MNIST test digits rendered as photographs (light
# paper with a lighting gradient or a dark background, off-centre, noise, JPEG or PNG;
# tests/demo/photo_digits.h), made from MNIST and a fixed seed, never committed. Prints the
# mean PSNR against the clean digits with the MNIST framing (--framing auto) and without it
# (--framing none): the figures in docs/runtime_demo.md.
#   scripts/photo_quality.sh [COUNT]      (default: the full set, 1000 digits)
# Builds runtime_demo and photo_quality into build/ (or $DNZ_BUILD_DIR) if needed; MNIST
# must be in data/mnist (scripts/fetch_mnist.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_BUILD_DIR:-$root/build}"
count="${1:-1000}"
if [ ! -f "$root/data/mnist/t10k-images-idx3-ubyte" ] && [ ! -f "$root/data/mnist/t10k-images-idx3-ubyte.gz" ]; then
  echo "photo_quality: MNIST not found in data/mnist (run scripts/fetch_mnist.sh)" >&2
  exit 1
fi
[ -f "$build/CMakeCache.txt" ] || cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target runtime_demo photo_quality >/dev/null
for framing in auto none; do
  "$build/tests/demo/photo_quality" --mnist "$root/data/mnist" --count "$count" --framing "$framing"
done
