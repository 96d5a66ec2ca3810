#!/usr/bin/env bash
# The page in one command (docs/web.md): install what is missing, build the WebAssembly module
# and the site into build-web/web/site/, and serve it on 127.0.0.1 with Python's http.server
# (Ctrl-C stops it). The page loads nothing from the network but this server.
#   scripts/run_web_demo.sh [PORT]     (default 8000)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DNZ_WEB_BUILD_DIR:-$root/build-web}"
port="${1:-8000}"
"$root/scripts/install_deps.sh" demo
"$root/scripts/install_web_deps.sh" --build-only
cmake -S "$root" -B "$build" --toolchain "$root/cmake/wasm32-wasi.cmake" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target dnz_web_site
echo "run_web_demo: the page is at http://127.0.0.1:$port/ (Ctrl-C stops the server)"
exec python3 -m http.server "$port" --bind 127.0.0.1 --directory "$build/web/site"
