//===- PhazeOps.h - phaze dialect operations --------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_H
#define PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "phaze/Dialect/Phaze/IR/PhazeDialect.h"

#define GET_OP_CLASSES
#include "phaze/Dialect/Phaze/IR/PhazeOps.h.inc"

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEOPS_H
