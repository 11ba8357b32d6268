//===- Passes.h - phaze workload passes -------------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_TRANSFORMS_PASSES_H
#define PHAZE_TRANSFORMS_PASSES_H

#include "phaze/Dialect/Phaze/IR/PhazeDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace phaze {

#define GEN_PASS_DECL
#include "phaze/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "phaze/Transforms/Passes.h.inc"

} // namespace phaze
} // namespace mlir

#endif // PHAZE_TRANSFORMS_PASSES_H
