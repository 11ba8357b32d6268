//===- PhazePlugin.cpp - phaze as a plugin of upstream mlir-opt -----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A shared library that MLIR tools load with
//   mlir-opt --load-dialect-plugin=PhazePlugin.so \
//            --load-pass-plugin=PhazePlugin.so ...
// It registers the accel and phaze dialects, the accel-* and phaze-*
// passes and the phaze pipelines. It links libMLIR.so, like Debian's
// mlir-opt, so there is one copy of MLIR's registries and type ids.
//
//===----------------------------------------------------------------------===//

#include "phaze/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

/// The dialect plugin entry point: the accel and phaze dialects.
extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "phaze", PHAZE_VERSION,
          [](::mlir::DialectRegistry *registry) {
            ::mlir::phaze::registerPhazeDialects(*registry);
          }};
}

/// The pass plugin entry point: phaze's passes and pipelines.
extern "C" LLVM_ATTRIBUTE_WEAK ::mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "phaze", PHAZE_VERSION,
          []() { ::mlir::phaze::registerPhazePassesAndPipelines(); }};
}
