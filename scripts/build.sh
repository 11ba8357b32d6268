#!/usr/bin/env bash
#===- scripts/build.sh - configure and build phaze ------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Configures (once) and builds phaze with Ninja in $PHAZE_BUILD_DIR (default:
# build/ in the checkout), linking against Debian's LLVM/MLIR 22 dylibs.
# Extra arguments are passed to ninja (e.g. a target name).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"

if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
ninja -C "$build" "$@"
