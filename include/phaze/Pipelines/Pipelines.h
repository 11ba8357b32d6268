//===- Pipelines.h - phaze's pass pipelines ---------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The pipelines phaze-opt registers and phaze-search runs, built from one
// options struct so both tools run the same passes.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_PIPELINES_PIPELINES_H
#define PHAZE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
namespace phaze {

/// Options of the workload pipeline: import, layers, tensor parallelism,
/// training graph, analysis.
struct WorkloadPipelineOptions
    : public PassPipelineOptions<WorkloadPipelineOptions> {
  Option<bool> tosa{*this, "tosa",
                    llvm::cl::desc("Lower TOSA to linalg first (upstream "
                                   "tosa-to-linalg passes)"),
                    llvm::cl::init(true)};
  Option<bool> simplify{*this, "simplify",
                        llvm::cl::desc("Canonicalize and CSE after import"),
                        llvm::cl::init(true)};
  Option<bool> outline{*this, "outline",
                       llvm::cl::desc("Outline repeated layers"),
                       llvm::cl::init(true)};
  Option<int64_t> tensorParallel{
      *this, "t", llvm::cl::desc("Tensor-parallel width (1: none)"),
      llvm::cl::init(1)};
  Option<bool> training{*this, "training",
                        llvm::cl::desc("Derive backward and optimizer work"),
                        llvm::cl::init(true)};
  Option<std::string> optimizer{*this, "optimizer",
                                llvm::cl::desc("'sgd' or 'adam'"),
                                llvm::cl::init("adam")};
  Option<bool> mixedPrecision{
      *this, "mixed-precision",
      llvm::cl::desc("fp32 master weights in the optimizer"),
      llvm::cl::init(true)};
  Option<std::string> hardware{
      *this, "hardware",
      llvm::cl::desc("An accel hardware file: estimate every op on its chip "
                     "(phaze-estimate); empty: no estimates"),
      llvm::cl::init("")};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The accel.chip of `hardware`"),
                           llvm::cl::init("")};
  Option<std::string> report{*this, "report",
                             llvm::cl::desc("'none', 'table' or 'json'"),
                             llvm::cl::init("none")};
  Option<std::string> reportFile{*this, "report-file",
                                 llvm::cl::desc("Where the report goes"),
                                 llvm::cl::init("-")};
};

/// Adds the workload pipeline to `pm` (anchored on builtin.module).
void buildWorkloadPipeline(OpPassManager &pm,
                           const WorkloadPipelineOptions &options);

/// Registers `phaze-workload-pipeline` for phaze-opt.
void registerPhazePipelines();

} // namespace phaze
} // namespace mlir

#endif // PHAZE_PIPELINES_PIPELINES_H
