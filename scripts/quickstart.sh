#!/usr/bin/env bash
#===- scripts/quickstart.sh - set up, build and run the main job ----------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
#===----------------------------------------------------------------------===#
#
# Installs what is missing, builds phaze and runs the main job on built-in
# defaults. Until the search driver (phaze-search) exists, the main job
# describes PHAZE's TPUv4-like chip, its 1024-device system and 29,360-point
# search space, then trains GPT-3 175B on that system: the workload pipeline
# (layers, training graph, tensor parallelism at t = 8, per-op estimates),
# optimal layer schedules, and the best placement over the 1024 devices
# beside PHAZE's fixed Megatron-style baseline (32 stages x 8 x 4).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${PHAZE_BUILD_DIR:-$root/build}"

bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" phaze-opt phaze-models

echo "=== hardware/phaze.mlir"
"$build/bin/phaze-opt" "$root/hardware/phaze.mlir" --accel-describe -o /dev/null

echo "=== GPT-3 175B on the TPUv4-like chip, 1024 devices, 4096 sequences"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$build/bin/phaze-models" gpt3-175b -o "$tmp/gpt3.mlir"
"$build/bin/phaze-opt" "$tmp/gpt3.mlir" \
  --phaze-workload-pipeline="t=8 hardware=$root/hardware/phaze.mlir" \
  --phaze-schedule="time-limit=1" \
  --phaze-partition="hardware=$root/hardware/phaze.mlir global-batch=4096 fixed-stages=32 fixed-data-parallel=4 report=true" \
  -o "$tmp/gpt3.placed.mlir" 2> "$tmp/log.txt" || { cat "$tmp/log.txt"; exit 1; }
echo "(schedules not proven optimal within 1 s: $(grep -c 'not proven optimal' "$tmp/log.txt" || true))"
