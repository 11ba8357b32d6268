#!/usr/bin/env bash
#===- scripts/quickstart.sh - set up, build and run the main job ----------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Installs what is missing, builds phaze and runs the main job on built-in
# defaults. Until the search driver exists, the main job describes the shipped
# hardware: PHAZE's TPUv4-like chip, 1024-device system and 29,360-point
# search space, then the A100, H100 and VTA descriptions.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" phaze-opt

for f in phaze a100 h100 vta; do
  echo "=== hardware/$f.mlir"
  "$build/bin/phaze-opt" "$root/hardware/$f.mlir" --accel-describe -o /dev/null
done
