// REQUIRES: shared-data
// The enumeration of the shipped PHAZE space equals PHAZE's own list
// (cores.json): the same 29,360 configurations in the same order, with areas
// equal to relative 1e-9.
// RUN: phaze-opt %hardware/phaze.mlir --accel-enumerate-space="output-file=%t.jsonl" -o /dev/null
// RUN: %python %scripts/compare_cores.py %t.jsonl %shared_data/phaze/cores.json | FileCheck %s

// CHECK: phaze configurations: 29360
// CHECK: PHAZE configurations: 29360
// CHECK: missing: 0
// CHECK: extra: 0
// CHECK: order: identical
// CHECK: within 1e-9: yes
