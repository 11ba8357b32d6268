#!/usr/bin/env bash
#===- scripts/gen-docs.sh - refresh docs/generated from TableGen ----------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Builds the phaze-doc target and copies the generated dialect and pass
# references into docs/generated/. A lit test (test/docs.test) fails when the
# committed copies differ from what the sources generate.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" phaze-doc
(cd "$build/docs" && find . -name CMakeFiles -prune -o -name '*.md' -print) | while read -r f; do
  mkdir -p "$root/docs/generated/$(dirname "$f")"
  cp "$build/docs/$f" "$root/docs/generated/$f"
done
echo "docs/generated updated from $build/docs"
