//===- SearchImpl.h - phaze-search internals --------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_LIB_SEARCH_SEARCHIMPL_H
#define PHAZE_LIB_SEARCH_SEARCHIMPL_H

#include "phaze/CostModel/CostModel.h"
#include "phaze/Dialect/Accel/IR/AccelOps.h"
#include "phaze/Scheduling/Problem.h"
#include "phaze/Search/Search.h"
#include "phaze/Transforms/Loaders.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace search {

/// Every distinct op work of the workload (all variants), with the link a
/// collective uses.
struct WorkTable {
  std::vector<cost::OpWork> works;
  std::vector<cost::LinkSpec> links;
  llvm::StringMap<int> index;
  /// The id of `w` on `link`, added when new.
  int intern(const cost::OpWork &w, const cost::LinkSpec &link);
};

/// What the pruning bound knows of a task, whatever the chip.
struct FunctionTask {
  sched::UnitKind kind = sched::UnitKind::Vector;
  double work = 0;     ///< MACs (tensor) or operations (vector)
  double trafficS = 0; ///< compulsory traffic time at the template's rates
  double fixedS = 0;   ///< collectives: their latency
  std::vector<int> preds;
};

/// One layer function's candidate tasks (Loaders.h semantics).
struct Function {
  std::string name;
  std::vector<int> works; ///< WorkTable ids
  std::vector<sched::UnitKind> kinds;
  std::vector<std::pair<int, int>> edges;
  double macs = 0; ///< tensor MACs of one execution
  /// Per task, for the pruning bound.
  std::vector<FunctionTask> tasks;
};

/// The workload at one (tensor-parallel width, microbatch size).
struct Variant {
  int64_t t = 1, mbs = 1;
  LayerChain chain; ///< IR-free: makespans 0, no FuncOps
  std::vector<Function> functions;
  /// Per chain position: indices into `functions`.
  std::vector<int> forward, backward, optimizer;
  /// The fewest pipeline stages whose static memory fits the largest HBM
  /// of the sweep (0: none).
  int64_t minStages = 1;
};

/// Builds the workload (model zoo or file) at width `t` and microbatch
/// size `mbs` with the workload pipeline.
FailureOr<OwningOpRef<ModuleOp>> buildWorkload(MLIRContext &ctx,
                                               const SearchOptions &o,
                                               int64_t t, int64_t mbs,
                                               std::string &error);

/// Loads a built workload's problems.
FailureOr<Variant> loadVariant(ModuleOp module, accel::SystemAttr sys,
                               WorkTable &works, std::string &error);

} // namespace search
} // namespace phaze
} // namespace mlir

#endif // PHAZE_LIB_SEARCH_SEARCHIMPL_H
