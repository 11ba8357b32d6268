//===- AccelOps.td - accel dialect operations --------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Named hardware descriptions: chips, systems and search spaces as symbols.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELOPS_TD
#define PHAZE_DIALECT_ACCEL_IR_ACCELOPS_TD

include "phaze/Dialect/Accel/IR/AccelBase.td"
include "phaze/Dialect/Accel/IR/AccelAttrs.td"
include "mlir/IR/SymbolInterfaces.td"

def Accel_ChipOp : Accel_Op<"chip", [Symbol]> {
  let summary = "A named chip description";
  let description = [{
    Gives a `#accel.chip` a symbol name.

    ```mlir
    accel.chip @tpuv4_like #accel.chip<clock_hz = 1.05e9, ...>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, Accel_ChipAttr:$spec);
  let assemblyFormat = "$sym_name qualified($spec) attr-dict";
}

def Accel_SystemOp : Accel_Op<"system",
    [Symbol, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "A named multi-device system built from a chip";
  let description = [{
    `devices` copies of the chip `@chip`, connected as `#accel.system` says.

    ```mlir
    accel.system @dgx_a100_x64 chip @a100 #accel.system<devices = 64, ...>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$chip,
                       Accel_SystemAttr:$spec);
  let assemblyFormat = "$sym_name `chip` $chip qualified($spec) attr-dict";
  let extraClassDeclaration = [{
    /// The chip this system is built from, or null if unresolved.
    ChipOp getChipOp(::mlir::SymbolTableCollection &symbolTable);
  }];
}

def Accel_SpaceOp : Accel_Op<"space",
    [Symbol, DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "A named architecture search space";
  let description = [{
    An architecture search space. Each candidate is the chip `@template`
    with the enumerated parameters replaced. The area budget is either the
    space's `area_budget_um2` or the area of the chip named by `budget`
    (PHAZE: the TPUv4-like chip); exactly one of them must be given. The
    verifier rejects a space whose rules admit no configuration.

    ```mlir
    accel.space @phaze template @tpuv4_like budget @tpuv4_like
        #accel.space<tensor_count = #accel.pow2_range<1, 4096>, ...>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name, FlatSymbolRefAttr:$template_chip,
                       OptionalAttr<FlatSymbolRefAttr>:$budget,
                       Accel_SpaceAttr:$spec);
  let assemblyFormat = [{
    $sym_name `template` $template_chip (`budget` $budget^)? qualified($spec)
    attr-dict
  }];
  let extraClassDeclaration = [{
    /// The template chip, or null if unresolved.
    ChipOp getTemplateOp(::mlir::SymbolTableCollection &symbolTable);
    /// The area budget in um^2, or failure (with a diagnostic on this op)
    /// when it cannot be resolved.
    ::mlir::FailureOr<double>
    getAreaBudgetUm2(::mlir::SymbolTableCollection &symbolTable);
    /// The IR-free space specification, or failure with a diagnostic.
    ::mlir::FailureOr<::mlir::phaze::arch::SpaceSpec>
    getSpec(::mlir::SymbolTableCollection &symbolTable);
  }];
}

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELOPS_TD
