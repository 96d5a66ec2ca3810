#!/usr/bin/env bash
# Installs what the edge builds need from Debian's packages (as root), only what is missing,
# so a second run does nothing: the Cortex-M toolchain with newlib-nano, QEMU for the MPS2
# boards, the 64-bit Arm Linux cross compiler and qemu-user. The host packages of
# scripts/install_deps.sh are needed too (run_edge_tests.sh runs both).
set -euo pipefail

packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib  # Cortex-M
  qemu-system-arm                                                                  # mps2 boards
  g++-aarch64-linux-gnu qemu-user)                                                 # Arm Linux

"$(dirname "$0")/apt_install_missing.sh" install_edge_deps "${packages[@]}"
