//===- Loaders.h - IR to the IR-free problems of the libraries --*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The one place where the IR of a workload becomes the problems of the
// IR-free libraries: an op's work for the cost model, a function's tasks and
// dependences for the scheduler, the chain of layers for the placement DP.
// The passes (phaze-estimate, phaze-schedule, phaze-partition) and the
// search driver (phaze-search) call these, so both see the same problems.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_TRANSFORMS_LOADERS_H
#define PHAZE_TRANSFORMS_LOADERS_H

#include "phaze/CostModel/CostModel.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Dialect/Phaze/IR/PhazeAttrs.h"
#include "phaze/Partition/Plan.h"
#include "phaze/Scheduling/Problem.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {

//===----------------------------------------------------------------------===//
// Cost model
//===----------------------------------------------------------------------===//

/// The cost model's view of an accel chip.
cost::ChipSpec lowerChip(accel::ChipAttr chip);

/// The link a collective over `groupSize` devices of `system` uses: the
/// intra-node link when the group fits in a node and the node has one,
/// the inter-node link otherwise.
cost::LinkSpec collectiveLink(accel::SystemAttr system, int64_t groupSize);

/// The cost model's view of `op`, analysed as `analysis`. Returns nullopt
/// for unknown ops (their class is Unknown); collectives carry their group
/// size, the link is chosen by the caller (collectiveLink).
std::optional<cost::OpWork> loadOpWork(Operation *op, OpAnalysisAttr analysis);

//===----------------------------------------------------------------------===//
// Scheduling
//===----------------------------------------------------------------------===//

/// The unit kind that runs ops of class `c`: tensor ops on tensor units,
/// collectives on the network (no unit), everything else on vector units.
sched::UnitKind unitKindOf(OpClass c);

/// The dependences among `tasks` (top-level ops of `fn`'s single block):
/// (i, j) when task j reads, directly or through ops that are not tasks, a
/// value task i produces. Ordered by j, then i; without duplicates.
std::vector<std::pair<int, int>> taskDependences(func::FuncOp fn,
                                                 ArrayRef<Operation *> tasks);

/// One candidate task's estimate: latency on one unit and on all `units`
/// units of its kind.
struct TaskEstimate {
  sched::UnitKind kind = sched::UnitKind::Vector;
  double singleS = 0;
  double parallelS = 0;
  int64_t units = 0;
};

/// The scheduling problem of candidate tasks with estimates `est` and
/// dependences `edges`: tasks of zero latency are dropped and the
/// dependences through them kept (their predecessors precede their
/// successors). `taskOf[k]` is the candidate of problem task k. Units per
/// kind are the largest `units` of that kind (1 when no task uses it);
/// network tasks take their single latency either way. `names` label the
/// tasks (empty: unnamed).
sched::Problem makeScheduleProblem(ArrayRef<std::string> names,
                                   ArrayRef<TaskEstimate> est,
                                   ArrayRef<std::pair<int, int>> edges,
                                   std::vector<int> &taskOf);

//===----------------------------------------------------------------------===//
// Placement
//===----------------------------------------------------------------------===//

/// The chain at another tensor-parallel width, from the width variants of
/// its layer functions (phaze-tensor-parallel{widths=...}): per chain
/// position the variant's figures (makespans from fillMakespans) and
/// functions.
struct ChainWidth {
  int64_t t = 1;
  std::vector<partition::PlanLayer> layers;
  std::vector<func::FuncOp> forward, backward, optimizer;
};

/// The chain of layer calls of a module's entry function, as the placement
/// DP sees it. Makespans are not filled (layers[k].forwardS etc. are 0);
/// they come from `forward/backward/optimizer[k]`'s #phaze.makespan
/// (fillMakespans) or from a search driver's own schedules.
struct LayerChain {
  func::FuncOp entry;
  std::vector<partition::PlanLayer> layers;
  /// Per chain position: the layer function and its backward and optimizer
  /// functions.
  std::vector<func::FuncOp> forward, backward, optimizer;
  int64_t t = 1;
  int64_t samplesPerMicrobatch = 1, tokensPerSample = 1;
  /// The chain positions of the most repeated layer function's calls.
  int coreFirst = 0, coreLast = -1;
  /// The chain at the other widths its layers have variants for, by width.
  std::vector<ChainWidth> otherWidths;
  /// Which layer reads which (empty: a chain, each layer reading its
  /// predecessor). Non-empty when some layer does not read its predecessor
  /// (branches); layers[k].outputBytes is then the bytes of k's results
  /// that later layers read, else the bytes crossing the boundary after k.
  std::vector<partition::PlanEdge> edges;
};

/// Loads the chain of `module` (errors located on the offending op, prefixed
/// by `pass`).
FailureOr<LayerChain> loadLayerChain(ModuleOp module, StringRef pass);

/// Sets each layer's forward, backward and optimizer time, at every width,
/// from the #phaze.makespan of its functions (an error when one is
/// missing).
LogicalResult fillMakespans(LayerChain &chain, StringRef pass);

/// Placement options shared by the pass and the search driver.
struct PlacementOptions {
  int64_t devices = 0;    ///< 0: the system's
  double memoryBytes = 0; ///< 0: the chip's off-chip capacity
  int64_t globalBatch = 4096;
  int64_t microbatchSize = 0;  ///< 0: the workload's
  int64_t tokensPerSample = 0; ///< 0: the workload's
  partition::RecomputePolicy recompute = partition::RecomputePolicy::Auto;
  partition::RecomputeCheckpoint checkpoint =
      partition::RecomputeCheckpoint::Layer;
  /// Selective recomputation everywhere (overrides `recompute`): the
  /// attention cores recomputed, everything else stashed. Needs the layers'
  /// makespans filled (fillMakespans) and their ops scheduled.
  bool selective = false;
  partition::PipelineSchedule schedule = partition::PipelineSchedule::OneFOneB;
};

/// The placement problem of `chain` on `system` of `chip`; an error message
/// in `error` (and a default problem) when the options are inconsistent.
partition::PlanProblem makePlanProblem(const LayerChain &chain,
                                       accel::ChipAttr chip,
                                       accel::SystemAttr system,
                                       const PlacementOptions &options,
                                       std::string &error);

} // namespace phaze
} // namespace mlir

#endif // PHAZE_TRANSFORMS_LOADERS_H
