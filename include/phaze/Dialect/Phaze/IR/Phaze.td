//===- Phaze.td - phaze dialect umbrella -------------------*- tablegen -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_PHAZE_IR_PHAZE_TD
#define PHAZE_DIALECT_PHAZE_IR_PHAZE_TD

include "phaze/Dialect/Phaze/IR/PhazeAttrs.td"
include "phaze/Dialect/Phaze/IR/PhazeOps.td"

#endif // PHAZE_DIALECT_PHAZE_IR_PHAZE_TD
