// RUN: not phaze-opt %s --phaze-estimate="hardware=%t.missing.mlir" -o /dev/null 2>&1 | FileCheck %s --check-prefix=FILE
// RUN: not phaze-opt %s --phaze-estimate="hardware=%hardware/a100.mlir chip=tpu" -o /dev/null 2>&1 | FileCheck %s --check-prefix=CHIP
// FILE: error: phaze-estimate: cannot open input file '{{.*}}missing.mlir'
// CHIP: error: phaze-estimate: no accel.chip @tpu
func.func @f() {
  return
}
