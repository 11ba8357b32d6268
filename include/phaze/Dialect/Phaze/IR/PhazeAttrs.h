//===- PhazeAttrs.h - phaze result attributes -------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_H
#define PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectImplementation.h"
#include "phaze/Dialect/Accel/IR/AccelAttrs.h"

#include "phaze/Dialect/Phaze/IR/PhazeEnums.h.inc"

namespace mlir {
namespace phaze {
/// Parses a bracketed, possibly empty list of integers: `[0, 2, 5]`.
FailureOr<SmallVector<int64_t>> parseIndexList(AsmParser &parser);
/// Prints `values` as `[0, 2, 5]`.
void printIndexList(AsmPrinter &printer, ArrayRef<int64_t> values);
} // namespace phaze
} // namespace mlir

#define GET_ATTRDEF_CLASSES
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.h.inc"

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZEATTRS_H
