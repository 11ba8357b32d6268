//===- AccelDialect.cpp - accel dialect -----------------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Dialect/Accel/IR/AccelDialect.h"
#include "phaze/Dialect/Accel/IR/AccelAttrs.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"

using namespace mlir;
using namespace mlir::phaze::accel;

#include "phaze/Dialect/Accel/IR/AccelOpsDialect.cpp.inc"

void AccelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "phaze/Dialect/Accel/IR/AccelOps.cpp.inc"
      >();
  registerAttributes();
}
