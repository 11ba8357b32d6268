//===- PhazeBase.td - phaze results dialect ----------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD
#define PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD

include "mlir/IR/OpBase.td"

def Phaze_Dialect : Dialect {
  let name = "phaze";
  let cppNamespace = "::mlir::phaze";
  let summary = "Analysis results of phaze: workloads, costs, schedules, plans";
  let description = [{
    The `phaze` dialect holds what phaze's passes compute about a workload:
    per-operator analysis and costs, layer schedules and parallelization
    plans, as typed attributes in physical units (seconds, bytes, FLOPs,
    joules). Hardware is described by the `accel` dialect.

    This dialect currently defines no attributes of its own; they arrive
    with the analysis, cost-model, scheduling and partitioning passes.
  }];
}

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD
