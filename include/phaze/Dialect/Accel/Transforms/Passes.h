//===- Passes.h - accel dialect passes --------------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_H
#define PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace phaze {
namespace accel {

#define GEN_PASS_DECL
#include "phaze/Dialect/Accel/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "phaze/Dialect/Accel/Transforms/Passes.h.inc"

} // namespace accel
} // namespace phaze
} // namespace mlir

#endif // PHAZE_DIALECT_ACCEL_TRANSFORMS_PASSES_H
