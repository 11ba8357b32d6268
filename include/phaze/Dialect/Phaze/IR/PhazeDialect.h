//===- PhazeDialect.h - phaze results dialect -------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEDIALECT_H
#define PHAZE_DIALECT_PHAZE_IR_PHAZEDIALECT_H

#include "mlir/IR/Dialect.h"

#include "phaze/Dialect/Phaze/IR/PhazeDialect.h.inc"

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEDIALECT_H
