//===- phaze-opt.cpp - phaze modular optimizer driver ---------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// An mlir-opt style driver with phaze's dialects and passes plus the upstream
// dialects that frontends emit and the passes phaze pipelines use.
//
//===----------------------------------------------------------------------===//

#include "phaze/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  mlir::phaze::registerAllPasses();
  mlir::DialectRegistry registry;
  mlir::phaze::registerAllDialects(registry);
  llvm::cl::AddExtraVersionPrinter(
      [](llvm::raw_ostream &os) { os << "phaze " PHAZE_VERSION "\n"; });
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv,
      "phaze optimizer driver: accelerator descriptions (accel dialect), "
      "workload analysis and the phaze passes\n",
      registry));
}
