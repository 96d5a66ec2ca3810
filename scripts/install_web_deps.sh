#!/usr/bin/env bash
# Installs what the WebAssembly build and the web tests need (docs/web.md), only what is
# missing, so a second run does nothing: from Debian (as root) clang-14 for wasm32 with
# wasi-libc and libc++, Binaryen's wasm-opt, Node and Chromium; from npm, puppeteer-core (a
# pinned version, no browser download: it drives Debian's chromium) into BUILD/node, inside
# the build folder, never the source tree. The host packages of scripts/install_deps.sh are
# needed too (the tests build a host copy of the runtime to compare against).
#   scripts/install_web_deps.sh [BUILD]     (default: build-web)
#   scripts/install_web_deps.sh --build-only   only what builds the module and the site
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build_only=false
if [ "${1:-}" = "--build-only" ]; then
  build_only=true
  shift
fi
build="${1:-$root/build-web}"
puppeteer_version=24.43.1  # the newest 24.x: Node >= 18 (25.x asks for 22; Debian 12 has 18/20)

packages=(clang-14 lld-14 wasi-libc libc++-14-dev-wasm32 libc++abi-14-dev-wasm32  # wasm32
  libclang-rt-14-dev-wasm32 binaryen nodejs)                                      # wasm-opt; node
if ! $build_only; then
  packages+=(chromium)
  # npm: Debian's package, unless the nodejs installed already carries it (NodeSource's does).
  command -v npm >/dev/null || packages+=(npm)
fi
"$root/scripts/apt_install_missing.sh" install_web_deps "${packages[@]}"
$build_only && exit 0

node_folder="$build/node"
installed="$node_folder/node_modules/puppeteer-core/package.json"
if [ ! -f "$installed" ] || ! grep -q "\"version\": \"$puppeteer_version\"" "$installed"; then
  echo "install_web_deps: npm install puppeteer-core@$puppeteer_version into $node_folder"
  mkdir -p "$node_folder"
  PUPPETEER_SKIP_DOWNLOAD=1 npm install --prefix "$node_folder" --no-audit --no-fund \
    --no-save --loglevel=error "puppeteer-core@$puppeteer_version" >/dev/null
fi
