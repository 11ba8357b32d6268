#!/usr/bin/env bash
#===- scripts/quickstart.sh - set up, build and run the main job ----------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Installs what is missing, builds phaze and runs the main job on built-in
# defaults: phaze-search for GPT-3 175B over PHAZE's 29,360-architecture
# space (TPUv4-like area budget, 1024-device system), with every tensor-
# parallel width, microbatch size, HBM capacity and recompute choice, pruned
# by an admissible bound, and prints the summary table (best architecture
# and placement vs the TPUv4-like chip with its optimal placement and with
# PHAZE's fixed 32 x 4 x 8 split). Outputs go to
# phaze-search-out/<date-time>/ (docs/Search.md).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" phaze-opt phaze-search

echo "=== hardware/phaze.mlir"
"$build/bin/phaze-opt" "$root/hardware/phaze.mlir" --accel-describe -o /dev/null

out="${PHAZE_SEARCH_OUT:-$root/phaze-search-out/$(date +%Y%m%d-%H%M%S)}"
echo "=== phaze-search gpt3-175b -o $out"
"$build/bin/phaze-search" gpt3-175b -o "$out"
