//===- AccelOps.h - accel dialect operations --------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELOPS_H
#define PHAZE_DIALECT_ACCEL_IR_ACCELOPS_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "phaze/Dialect/Accel/IR/AccelAttrs.h"
#include "phaze/Dialect/Accel/IR/AccelDialect.h"

#define GET_OP_CLASSES
#include "phaze/Dialect/Accel/IR/AccelOps.h.inc"

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELOPS_H
