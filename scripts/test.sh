#!/usr/bin/env bash
#===- scripts/test.sh - set up, build and run every test ------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Installs what is missing, builds phaze and runs `check-phaze`: the lit
# FileCheck tests and the GoogleTest unit tests (through lit). Tests that need
# ../shared/data are skipped where it is absent. Ends with a one-line summary
# "N passed, N failed, N skipped" and lit's exit status.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"

log="$build/check-phaze.log"
status=0
ninja -C "$build" check-phaze 2>&1 | tee "$log" || status=$?

count() { # count WORD: the number in lit's summary line whose label starts
           # with WORD ("  Passed: 68 (100.00%)", "  Passed     : 62 (...)")
  awk -v k="$1" '
    /^ +[A-Za-z][A-Za-z ]*: *[0-9]+/ {
      line = $0
      sub(/^ +/, "", line)
      split(line, parts, ":")
      split(parts[1], words, " ")
      if (words[1] == k) n += parts[2] + 0
    }
    END { print n + 0 }' "$log"
}
passed=$(( $(count Passed) + $(count "Expectedly") ))
failed=$(( $(count Failed) + $(count Unresolved) + $(count Timed) ))
skipped=$(( $(count Unsupported) + $(count Skipped) ))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
