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
  ListOption<int64_t> widths{
      *this, "widths",
      llvm::cl::desc("Also emit every layer at these tensor-parallel widths "
                     "(variants for a per-stage choice in phaze-partition)")};
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

/// Options of the evaluation pipeline: estimate, schedule and place a built
/// workload on one chip and system (phaze-search runs it on its winner).
struct EvaluatePipelineOptions
    : public PassPipelineOptions<EvaluatePipelineOptions> {
  Option<std::string> hardware{
      *this, "hardware",
      llvm::cl::desc("An accel hardware file (empty: the chip and system in "
                     "the module)"),
      llvm::cl::init("")};
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("The accel.chip to evaluate on"),
                           llvm::cl::init("")};
  Option<std::string> system{*this, "system",
                             llvm::cl::desc("The accel.system of the chip"),
                             llvm::cl::init("")};
  Option<bool> exact{*this, "exact",
                     llvm::cl::desc("Search for optimal schedules (branch "
                                    "and bound, path relaxation, MILP) "
                                    "when the bounds differ (false: list "
                                    "schedules with their proven gap)"),
                     llvm::cl::init(true)};
  Option<double> timeLimit{
      *this, "time-limit",
      llvm::cl::desc("Seconds of solving (search and MILP) per function"),
      llvm::cl::init(10.0)};
  Option<double> memoryGiB{
      *this, "memory-gib",
      llvm::cl::desc("HBM per device in GiB (0: the chip's off-chip "
                     "capacity)"),
      llvm::cl::init(0.0)};
  Option<std::string> recompute{
      *this, "recompute",
      llvm::cl::desc("'off', 'full', 'auto' or 'selective' (attention cores "
                     "recomputed)"),
      llvm::cl::init("auto")};
  Option<int64_t> globalBatch{*this, "global-batch",
                              llvm::cl::desc("Samples per iteration"),
                              llvm::cl::init(4096)};
  Option<int64_t> devices{*this, "devices",
                          llvm::cl::desc("Devices (0: the system's)"),
                          llvm::cl::init(0)};
  Option<bool> report{*this, "report",
                      llvm::cl::desc("Print the plan as a table"),
                      llvm::cl::init(false)};
  Option<std::string> traceFile{
      *this, "trace-file",
      llvm::cl::desc("Write the layer schedules as a Chrome trace"),
      llvm::cl::init("")};
};

/// Adds phaze-estimate, phaze-schedule and phaze-partition to `pm`.
void buildEvaluatePipeline(OpPassManager &pm,
                           const EvaluatePipelineOptions &options);

/// Registers `phaze-workload-pipeline` and `phaze-evaluate-pipeline` for
/// phaze-opt.
void registerPhazePipelines();

} // namespace phaze
} // namespace mlir

#endif // PHAZE_PIPELINES_PIPELINES_H
