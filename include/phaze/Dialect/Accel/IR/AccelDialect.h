//===- AccelDialect.h - accel dialect ---------------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_IR_ACCELDIALECT_H
#define PHAZE_DIALECT_ACCEL_IR_ACCELDIALECT_H

#include "mlir/IR/Dialect.h"

#include "phaze/Dialect/Accel/IR/AccelOpsDialect.h.inc"

#endif // PHAZE_DIALECT_ACCEL_IR_ACCELDIALECT_H
