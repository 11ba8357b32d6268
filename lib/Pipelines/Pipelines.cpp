//===- Pipelines.cpp - phaze's pass pipelines -----------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Pipelines/Pipelines.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/Conversion/TosaToArith/TosaToArith.h"
#include "mlir/Conversion/TosaToLinalg/TosaToLinalg.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::phaze;

void mlir::phaze::buildWorkloadPipeline(
    OpPassManager &pm, const WorkloadPipelineOptions &options) {
  if (options.tosa) {
    tosa::addTosaToLinalgPasses(pm, TosaToLinalgOptions());
    pm.addNestedPass<func::FuncOp>(createTosaToArithPass());
  }
  if (options.simplify) {
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  if (options.outline)
    pm.addPass(createPhazeOutlineLayersPass());
  if (options.tensorParallel > 1 || !options.widths.empty()) {
    PhazeTensorParallelPassOptions tp;
    tp.t = options.tensorParallel;
    tp.widths = llvm::to_vector(options.widths);
    pm.addPass(createPhazeTensorParallelPass(tp));
  }
  if (options.training) {
    PhazeTrainingGraphPassOptions tg;
    tg.optimizer = options.optimizer;
    tg.mixedPrecision = options.mixedPrecision;
    pm.addPass(createPhazeTrainingGraphPass(tg));
  }
  if (!options.hardware.empty()) {
    PhazeEstimatePassOptions est;
    est.hardware = options.hardware;
    est.chip = options.chip;
    pm.addPass(createPhazeEstimatePass(est));
  }
  PhazeAnalyzeOpsPassOptions an;
  an.report = options.report;
  an.reportFile = options.reportFile;
  pm.addPass(createPhazeAnalyzeOpsPass(an));
}

void mlir::phaze::buildEvaluatePipeline(
    OpPassManager &pm, const EvaluatePipelineOptions &options) {
  PhazeEstimatePassOptions est;
  est.hardware = options.hardware;
  est.chip = options.chip;
  est.system = options.system;
  pm.addPass(createPhazeEstimatePass(est));
  PhazeSchedulePassOptions sched;
  sched.exact = options.exact;
  sched.timeLimit = options.timeLimit;
  sched.traceFile = options.traceFile;
  pm.addPass(createPhazeSchedulePass(sched));
  PhazePartitionPassOptions part;
  part.hardware = options.hardware;
  part.chip = options.chip;
  part.system = options.system;
  part.memoryGiB = options.memoryGiB;
  part.recompute = options.recompute;
  part.globalBatch = options.globalBatch;
  part.devices = options.devices;
  part.report = options.report;
  pm.addPass(createPhazePartitionPass(part));
}

void mlir::phaze::registerPhazePipelines() {
  PassPipelineRegistration<WorkloadPipelineOptions>(
      "phaze-workload-pipeline",
      "Import a model (TOSA or linalg), outline its layers, apply tensor "
      "parallelism, derive the training graph and analyse every op",
      buildWorkloadPipeline);
  PassPipelineRegistration<EvaluatePipelineOptions>(
      "phaze-evaluate-pipeline",
      "Estimate every op on a chip, schedule each layer function and place "
      "the training run on the system (the steps phaze-search runs per "
      "candidate)",
      buildEvaluatePipeline);
}
