//===- consumer-opt.cpp - an opt tool built against installed phaze -------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// What another MLIR project writes to use phaze: register phaze's dialects
// and passes next to its own, and run MlirOptMain.
//
//===----------------------------------------------------------------------===//

#include "phaze/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::phaze::registerAllDialects(registry);
  mlir::phaze::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "A tool built against an installed phaze\n", registry));
}
