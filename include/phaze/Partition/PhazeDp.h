//===- PhazeDp.h - PHAZE's device-placement model ---------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The device-placement model of PHAZE's DP program (device_placement.cpp;
// phaze-reference.md §5), in its reference semantics: a chain of layers
// (one graph per tensor-parallel width t) is cut into pipeline stages of 1
// or t devices, replicated d times; 1F1B time per batch
//   maxStageLoad · (ceil(M/d) + s − 1) + 4 (d − 1) P_first / (B d),
// with per-stage memory under 1F1B (a stage at position σ from the end holds
// σ − 1 stashed microbatches) and optional activation recomputation. Also
// evaluates PHAZE's fixed Megatron-style baseline (p × t × d) in the same
// model.
//
// IR-free: `check()` validates the instance, `solvePhazeReference` runs the
// DP (exact for the model), `evaluateFixed` the baseline.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_PARTITION_PHAZEDP_H
#define PHAZE_PARTITION_PHAZEDP_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace partition {

/// One layer of a PHAZE layer graph.
struct PhazeLayer {
  int64_t id = 0;              ///< the id in the input
  double parameterBytes = 0;   ///< PHAZE: 2 · parameter count
  double activationBytes = 0;  ///< PHAZE: 2 · Σ op output elements
  double forwardS = 0;         ///< forward latency (the ILP's makespan)
  double backwardS = 0;        ///< backward latency
  bool tensorParallel = false; ///< split over the t devices of its stage
};

/// A cross-layer data edge; `bytes` per microbatch.
struct PhazeEdge {
  int from = 0, to = 0; ///< layer indices
  double bytes = 0;
};

/// The layer graph at one tensor-parallel width t.
struct PhazeGraph {
  int64_t t = 1;
  std::vector<PhazeLayer> layers;
  std::vector<PhazeEdge> edges;
};

/// PHAZE's fixed baseline: p stages of t devices, d pipelines; the first L
/// layers in blocks of ceil(L/p), the rest in the last stage.
struct PhazeFixed {
  int64_t stages = 0; ///< p (0: no baseline)
  int64_t t = 1;
  int64_t d = 1;
  int64_t transformerLayers = 0; ///< L
};

/// A PHAZE device-placement instance.
struct PhazeProblem {
  std::vector<PhazeGraph> graphs;   ///< one per t, same layer and edge ids
  double maxMemoryBytes = 0;        ///< per device
  int64_t maxDevices = 1;           ///< N
  double bandwidthBytesPerS = 0;    ///< B, one scalar for all traffic
  int64_t microbatchesPerBatch = 1; ///< M
  bool recompute = false;
  bool adam = false; ///< Adam adds one more copy of the parameters
  PhazeFixed fixed;

  /// Checks the instance: positive budgets; per graph layers with finite
  /// non-negative figures, edges naming layers, no duplicate edge, acyclic;
  /// every graph with the same layer ids and edges; t = 1 has no
  /// tensor-parallel layer; and (PHAZE's DP handles chains only) one
  /// topological order, i.e. consecutive layers connected. On failure
  /// returns false naming the graph and layer.
  bool check(std::string &error) const;
};

/// One stage: layers [first, last] in topological order.
struct PhazeStage {
  int first = 0, last = 0;
  int64_t devices = 1;    ///< 1 or t
  double load = 0;        ///< forward + backward (recompute) seconds
  bool recompute = false; ///< recomputation on and not the last stage
  double memoryBytes = 0; ///< 2P (+P) + A + (σ − 1) · stash, at its place
};

/// A placement.
struct PhazePlan {
  bool feasible = false;
  int64_t t = 1, d = 1;
  int64_t microbatchesPerPipeline = 0; ///< ceil(M / d)
  std::vector<PhazeStage> stages;      ///< input side first
  double maxStageLoad = 0;
  double timePerBatch = 0; ///< seconds
  std::string message;     ///< why infeasible
  /// When no placement fits: the smallest memory per device that admits
  /// one (0 when none exists at any memory).
  double memoryNeededBytes = 0;
};

/// Runs PHAZE's DP in its reference semantics on every graph and returns
/// the best plan (ties: the smaller t, then d, then the smaller first
/// stage). `p` must pass check().
PhazePlan solvePhazeReference(const PhazeProblem &p);

/// Evaluates the fixed baseline `p.fixed` in the same model.
PhazePlan evaluateFixed(const PhazeProblem &p);

} // namespace partition
} // namespace phaze
} // namespace mlir

#endif // PHAZE_PARTITION_PHAZEDP_H
