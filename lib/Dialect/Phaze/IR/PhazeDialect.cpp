//===- PhazeDialect.cpp - phaze results dialect ---------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Phaze/IR/PhazeDialect.h"

using namespace mlir;
using namespace mlir::phaze;

#include "phaze/Dialect/Phaze/IR/PhazeDialect.cpp.inc"

void PhazeDialect::initialize() {}
