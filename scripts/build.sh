#!/usr/bin/env bash
# Configures and builds into build/ (or $DNZ_BUILD_DIR). Extra arguments go to cmake.
# DNZ_BUILD_TARGETS (space-separated): build only those targets and what they need.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_BUILD_DIR:-$root/build}"
# CI=true: warnings are errors, and a tool a test needs (Python, shellcheck) is required, so
# that a test cannot silently drop out (cmake/DnzTestTools.cmake).
strict=OFF
[ "${CI:-}" = "true" ] && strict=ON
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DDNZ_WERROR="$strict" \
  -DDNZ_REQUIRE_TEST_TOOLS="$strict" "$@" >/dev/null
read -r -a targets <<<"${DNZ_BUILD_TARGETS:-}"
cmake --build "$build" -j"$(nproc)" ${targets[@]+--target "${targets[@]}"}
