#!/usr/bin/env bash
# Installs, from Debian's packages, those of the named packages that are not installed yet
# (as root; a second run does nothing). Used by install_deps.sh and install_edge_deps.sh.
#   scripts/apt_install_missing.sh WHO PACKAGE...     (WHO names the caller in messages)
set -euo pipefail
who="$1"
shift
missing=()
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -gt 0 ] || exit 0
echo "$who: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "$who: run as root (or: sudo) to install ${missing[*]}" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
