#!/usr/bin/env bash
# The onednn backends use oneDNN 2's API, which oneDNN 3 removed (Ubuntu 24.04, and so Colab,
# ships 3.1): configured against a stand-in for oneDNN 3.1's CMake package, DNZ_WITH_ONEDNN=AUTO
# must leave them out in one line and ON must stop in one line, where either used to go on and
# fail to compile.
#   check_onednn_version_gate.sh SOURCE_DIR
set -euo pipefail
source_dir="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/dnnl"
cat >"$work/dnnl/dnnl-config.cmake" <<'CMAKE'
add_library(DNNL::dnnl INTERFACE IMPORTED)  # oneDNN 3.1 as find_package sees it, no more
CMAKE
cat >"$work/dnnl/dnnl-config-version.cmake" <<'CMAKE'
set(PACKAGE_VERSION "3.1.1")
set(PACKAGE_VERSION_COMPATIBLE TRUE)
CMAKE
configure() {  # WITH_ONEDNN: cmake's output; its status in $work/status
  local status=0
  cmake -S "$source_dir" -B "$work/build-$1" -Ddnnl_DIR="$work/dnnl" -DDNZ_WITH_ONEDNN="$1" \
    -DDNZ_WITH_CUDA=OFF -DDNZ_PYTHON=OFF -DDNZ_BUILD_TESTS=OFF -DDNZ_BUILD_BENCH=OFF \
    >"$work/out" 2>&1 || status=$?
  echo "$status" >"$work/status"
  cat "$work/out"
}
fail() { echo "check_onednn_version_gate: $1"; exit 1; }

auto="$(configure AUTO)"
[ "$(cat "$work/status")" = 0 ] || { echo "$auto"; fail "AUTO with oneDNN 3.1.1 did not configure"; }
grep -q "dnz: oneDNN 3.1.1 found, but the onednn backends need 2.6 or a later 2.x; onednn backends off" \
  <<<"$auto" || { echo "$auto"; fail "AUTO did not say that it leaves oneDNN 3.1.1 out"; }

on="$(configure ON)"
[ "$(cat "$work/status")" != 0 ] || fail "ON with oneDNN 3.1.1 configured"
# (CMake folds an error's lines: joined again.)
tr -s ' \n' '  ' <<<"$on" | grep -q "the onednn backends need 2.6 or a later 2.x (or -DDNZ_WITH_ONEDNN=OFF)" ||
  { echo "$on"; fail "ON did not say why it stops"; }
echo "check_onednn_version_gate: oneDNN 3.1.1 is left out (AUTO) or refused (ON), in one line"
