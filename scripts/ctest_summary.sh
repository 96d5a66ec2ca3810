#!/usr/bin/env bash
# Runs ctest in a build folder (extra arguments go to ctest), prints how many tests ran
# and how many were skipped, and fails when a test failed or a skipped test is not on
# tests/skip_allowlist.txt. A skip is a GTEST_SKIP() (tests/CMakeLists.txt makes CTest
# report it as "Skipped" instead of passed).
#   scripts/ctest_summary.sh BUILD_DIR [ctest arguments...]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$1"
shift
log="$build/ctest_output.log"
# --no-tests=error: a filter (-R, -L) that matches nothing fails instead of passing quietly.
(cd "$build" && ctest --output-on-failure --no-tests=error "$@") 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

skipped=$(sed -n 's/^[[:space:]]*[0-9]* - \(.*\) (Skipped)$/\1/p' "$log")
total=$(sed -n 's/.*tests passed, [0-9]* tests failed out of \([0-9]*\)$/\1/p' "$log" | tail -1)
allowed=$(grep -v '^[[:space:]]*\(#\|$\)' "$root/tests/skip_allowlist.txt" || true)
unexpected=()
while IFS= read -r name; do
  [ -z "$name" ] && continue
  ok=false
  while IFS= read -r pattern; do
    [ -n "$pattern" ] && [[ "$name" =~ $pattern ]] && ok=true
  done <<<"$allowed"
  $ok || unexpected+=("$name")
done <<<"$skipped"
count_skipped=$(grep -c . <<<"$skipped" || true)
echo "ctest_summary: ${total:-0} tests, $(( ${total:-0} - count_skipped )) ran, $count_skipped skipped" \
  "(${#unexpected[@]} not on tests/skip_allowlist.txt)"
for name in "${unexpected[@]}"; do echo "ctest_summary: skipped and not allowed: $name"; done
[ "$status" -eq 0 ] || exit "$status"
[ ${#unexpected[@]} -eq 0 ] || exit 1
