//===- InitAll.h - register phaze's dialects and passes ---------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_INITALL_H
#define PHAZE_INITALL_H

namespace mlir {
class DialectRegistry;

namespace phaze {

/// Registers the accel and phaze dialects.
void registerPhazeDialects(DialectRegistry &registry);

/// Registers phaze's dialects and every upstream dialect that real frontend
/// output (torch-mlir, IREE, buddy-mlir) uses: func, linalg, tensor, arith,
/// math, tosa, scf, cf, affine, memref, bufferization and ml_program.
void registerAllDialects(DialectRegistry &registry);

/// Registers phaze's own passes (accel-* and phaze-*) and pipelines only:
/// for a plugin loaded into a tool that registers the upstream ones.
void registerPhazePassesAndPipelines();

/// Registers phaze's passes (accel-* and phaze-*) plus the upstream passes
/// phaze pipelines use: canonicalize, cse, symbol-dce, inline, and the
/// TOSA-to-linalg conversions with their pipeline.
void registerAllPasses();

} // namespace phaze
} // namespace mlir

#endif // PHAZE_INITALL_H
