#!/usr/bin/env bash
# Installs what the edge builds need from Debian's packages (as root), only what is missing,
# so a second run does nothing: the Cortex-M toolchain with newlib-nano, QEMU for the MPS2
# boards, the 64-bit Arm Linux cross compiler and qemu-user. The host packages of
# scripts/install_deps.sh are needed too (run_edge_tests.sh runs both).
set -euo pipefail

packages=(gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-newlib  # Cortex-M
  qemu-system-arm                                                                  # mps2 boards
  g++-aarch64-linux-gnu qemu-user)                                                 # Arm Linux

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install_edge_deps: installing ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then
    echo "install_edge_deps: run as root (or: sudo $0) to install ${missing[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
