//===- PhazeBase.td - phaze results dialect ----------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD
#define PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Phaze_Dialect : Dialect {
  let name = "phaze";
  let cppNamespace = "::mlir::phaze";
  let summary = "Analysis results of phaze: workloads, costs, schedules, plans";
  let description = [{
    The `phaze` dialect holds what phaze's passes compute about a workload:
    per-operator analysis and costs, layer schedules and parallelization
    plans, as typed attributes in physical units (seconds, bytes, FLOPs,
    joules). Hardware is described by the `accel` dialect.

    Attributes so far: `#phaze.op_analysis` (what `phaze-analyze-ops`
    derives for each tensor operation) and `#phaze.layer` (a layer function
    that `phaze-outline-layers` outlined, with its repeat count).
  }];
  let useDefaultAttributePrinterParser = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
}

class Phaze_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Phaze_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEBASE_TD
