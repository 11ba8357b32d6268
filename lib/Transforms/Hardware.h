//===- Hardware.h - load accel chips and systems for a pass ----*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Shared by the passes that take `hardware=FILE chip=NAME system=NAME`
// options (phaze-estimate, phaze-partition).
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_LIB_TRANSFORMS_HARDWARE_H
#define PHAZE_LIB_TRANSFORMS_HARDWARE_H

#include "phaze/Dialect/Accel/IR/AccelOps.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
namespace phaze {

/// Finds the accel.chip and its accel.system: in `hardware` (a file, parsed
/// into `file`) or, when empty, in `module`. `chip` and `system` pick by
/// name (default: the only chip; the last system of that chip, if any).
/// Errors are emitted on `module`, prefixed by `pass`.
LogicalResult loadHardware(ModuleOp module, StringRef pass,
                           StringRef hardware, StringRef chip,
                           StringRef system, OwningOpRef<ModuleOp> &file,
                           accel::ChipOp &chipOp, accel::SystemOp &sysOp);

} // namespace phaze
} // namespace mlir

#endif // PHAZE_LIB_TRANSFORMS_HARDWARE_H
