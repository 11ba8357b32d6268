//===- InitAll.cpp - register phaze's dialects and passes -----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/InitAll.h"
#include "phaze/Dialect/Accel/IR/AccelDialect.h"
#include "phaze/Dialect/Accel/Transforms/Passes.h"
#include "phaze/Dialect/Phaze/IR/PhazeDialect.h"
#include "phaze/Pipelines/Pipelines.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Conversion/TosaToSCF/TosaToSCF.h"
#include "mlir/Conversion/TosaToTensor/TosaToTensor.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/Extensions/InlinerExtension.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Tosa/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void mlir::phaze::registerPhazeDialects(DialectRegistry &registry) {
  registry.insert<accel::AccelDialect, PhazeDialect>();
}

void mlir::phaze::registerAllDialects(DialectRegistry &registry) {
  registerPhazeDialects(registry);
  registry.insert<affine::AffineDialect, arith::ArithDialect,
                  bufferization::BufferizationDialect, cf::ControlFlowDialect,
                  func::FuncDialect, linalg::LinalgDialect, math::MathDialect,
                  memref::MemRefDialect, ml_program::MLProgramDialect,
                  scf::SCFDialect, tensor::TensorDialect, tosa::TosaDialect>();
  func::registerInlinerExtension(registry);
}

void mlir::phaze::registerPhazePassesAndPipelines() {
  accel::registerAccelPasses();
  registerPhazePasses();
  registerPhazePipelines();
}

void mlir::phaze::registerAllPasses() {
  registerPhazePassesAndPipelines();
  registerCanonicalizerPass();
  registerCSEPass();
  registerSymbolDCEPass();
  registerInlinerPass();
  ::mlir::registerPass([] { return tosa::createTosaToLinalg(); });
  ::mlir::registerPass([] { return tosa::createTosaToLinalgNamed(); });
  ::mlir::registerPass([] { return createTosaToArithPass(); });
  ::mlir::registerPass([] { return createTosaToTensorPass(); });
  ::mlir::registerPass([] { return createTosaToSCFPass(); });
  tosa::registerTosaToLinalgPipelines();
  tosa::registerTosaPasses();
}
