//===- Plan.h - phaze's pipeline/data/tensor-parallel placement -*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// phaze's own placement model (the default semantics of `phaze-partition`):
// a chain of layers, each with forward, backward and optimizer-step
// latencies at tensor-parallel width t and its memory (parameters,
// gradients, optimizer state, activations stashed per microbatch with and
// without recomputation), is cut into p pipeline stages of t devices,
// replicated over d data-parallel pipelines. It fixes PHAZE's
// simplifications (phaze-reference.md §9.9):
//  - the gradient all-reduce covers every stage (a ring: 2(d − 1)/d of the
//    stage's gradient bytes), over the link that joins the replicas;
//  - bandwidth is hierarchical: tensor-parallel traffic is inside the layer
//    latencies (NVLink/ICI), pipeline traffic crosses nodes, data-parallel
//    traffic is inside a node only when all replicas fit in one;
//  - d divides the microbatches per batch (no silent rounding);
//  - memory counts parameters, gradients and optimizer state as the
//    training graph computed them, and activations of the microbatches in
//    flight (1F1B: the stage at position σ from the end holds min(σ, m);
//    GPipe: m);
//  - recomputation per stage (off, full, or chosen per stage: the faster
//    option that fits), checkpointing every layer's input or only the
//    stage's;
//  - the tensor-parallel width per stage, when the layers are given at
//    several widths (`otherWidths`): a pipeline then spans the sum of its
//    stages' widths.
//
// Time per batch = max stage load · (m + p − 1) + max stage gradient
// all-reduce + max stage optimizer step, where a stage's load is its
// forward, backward (and recomputed forward) time per microbatch plus
// receiving its input activation and its output gradient.
//
// The DP is exact for this model. IR-free: `check()` validates,
// `evaluateStages` scores a given cut, `solvePlan` optimises,
// `evaluateFixed` scores a Megatron-style p × t × d split.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_PARTITION_PLAN_H
#define PHAZE_PARTITION_PLAN_H

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace partition {

/// One layer at the chosen tensor-parallel width; figures per device.
struct PlanLayer {
  std::string name;
  double forwardS = 0;   ///< per microbatch
  double backwardS = 0;  ///< per microbatch
  double optimizerS = 0; ///< per step
  double parameterBytes = 0;
  double gradientBytes = 0;
  double optimizerStateBytes = 0;
  double stashBytes = 0;          ///< saved for backward per microbatch
  double recomputeStashBytes = 0; ///< saved with recomputation (inputs)
  double outputBytes = 0;         ///< activation sent to the next layer
  double forwardFlops = 0;        ///< model FLOPs per microbatch (MFU)
  /// Selective recomputation (the attention core recomputed, the rest
  /// stashed): its stash per microbatch (-1: the layer has none) and the
  /// core's forward time, added to the backward. Read by the loaders'
  /// `selective` option, not by the DP.
  double selectiveStashBytes = -1;
  double selectiveRecomputeS = 0;
};

/// The chain at another tensor-parallel width: one entry per layer of
/// PlanProblem::layers, figures per device at width t. Boundary traffic is
/// the problem's `layers[k].outputBytes` at every width (a layer's output is
/// replicated over its t devices).
struct PlanWidth {
  int64_t t = 1;
  std::vector<PlanLayer> layers;
};

/// A dependence between layers: layer `to` reads the output of layer
/// `from` (from < to: layers are numbered in a topological order).
struct PlanEdge {
  int from = 0, to = 0;
};

/// A link: bandwidth per device and per-message latency.
struct PlanLink {
  double bandwidthBytesPerS = 0;
  double latencyS = 0;
};

enum class PipelineSchedule { OneFOneB, GPipe };
enum class RecomputePolicy { Off, Full, Auto };

/// What recomputation keeps of each in-flight microbatch: every layer's
/// input, one layer's activations rebuilt at a time (Megatron-LM's full
/// recomputation), or only the stage's input, the whole stage's
/// activations rebuilt at once (Piper's and PHAZE's model).
enum class RecomputeCheckpoint { Layer, Stage };

/// "off", "full" or "auto".
const char *toString(RecomputePolicy policy);
/// "layer" or "stage".
const char *toString(RecomputeCheckpoint checkpoint);
/// Parses "layer" or "stage"; false for anything else.
bool parseRecomputeCheckpoint(const std::string &text,
                              RecomputeCheckpoint &checkpoint);
/// Parses "off", "full" or "auto"; false for anything else.
bool parseRecomputePolicy(const std::string &text, RecomputePolicy &policy);

/// The system and the training setup.
struct PlanProblem {
  std::vector<PlanLayer> layers;
  int64_t devices = 1;
  int64_t devicesPerNode = 1;
  PlanLink intraNode, interNode;
  double memoryBytes = 0;   ///< HBM per device
  double peakFlopsPerS = 0; ///< per device (MFU); 0: not reported
  int64_t t = 1;            ///< tensor-parallel width of the layers
  /// The layers at other widths a stage may use instead of t (empty: every
  /// stage is t wide). With them the DP also chooses each stage's width.
  std::vector<PlanWidth> otherWidths;
  /// The layer DAG (empty: the chain, layer k feeding k + 1, where
  /// layers[k].outputBytes crosses the boundary after k). With edges a
  /// stage is any set of layers that is the difference of two
  /// successor-closed sets (Piper's model); it receives the outputBytes of
  /// every earlier layer it reads and sends back the gradients of its
  /// layers that later stages read.
  std::vector<PlanEdge> edges;
  int64_t microbatches = 1; ///< per batch (M = global batch / mbs)
  int64_t samplesPerMicrobatch = 1;
  int64_t tokensPerSample = 1;
  PipelineSchedule schedule = PipelineSchedule::OneFOneB;
  RecomputePolicy recompute = RecomputePolicy::Auto;
  RecomputeCheckpoint checkpoint = RecomputeCheckpoint::Layer;
  /// When no placement fits, find the smallest memory that would admit one
  /// (Plan::memoryNeededBytes; another DP). A search that only needs the
  /// verdict turns it off.
  bool explainInfeasible = true;

  /// Checks the instance; on failure returns false naming the field or
  /// layer.
  bool check(std::string &error) const;
};

/// One stage: layers [first, last] of a chain; with a layer DAG, `layers`
/// (first and last are then its smallest and largest layer).
struct PlanStage {
  int first = 0, last = 0;
  std::vector<int> layers; ///< ascending; filled for every plan
  int64_t t = 1;           ///< tensor-parallel width (devices per replica)
  bool recompute = false;
  double loadS = 0;       ///< per microbatch
  double memoryBytes = 0; ///< per device, at its position
  double allReduceS = 0;  ///< gradient all-reduce over d
  double optimizerS = 0;
};

/// A placement and its figures.
struct Plan {
  bool feasible = false;
  int64_t t = 1; ///< the widest stage's width (all equal without otherWidths)
  int64_t d = 1, p = 0;
  int64_t devicesPerPipeline = 0; ///< the stages' widths summed
  int64_t microbatchesPerPipeline = 0;
  std::vector<PlanStage> stages; ///< input side first
  double maxStageLoadS = 0;
  double pipelineS = 0;  ///< maxStageLoad · (m + p − 1)
  double allReduceS = 0; ///< max over stages
  double optimizerS = 0; ///< max over stages
  double timePerBatchS = 0;
  double samplesPerS = 0;
  double tokensPerS = 0;
  double peakMemoryBytes = 0;
  double mfu = 0; ///< model FLOPs utilization (0 when unknown)
  /// Why no plan fits, and the smallest memory per device that would
  /// admit one (0 when memory is not what binds).
  std::string message;
  double memoryNeededBytes = 0;
};

/// Scores the stages cut at `firsts` (first layer of each stage, ascending,
/// starting at 0) with d pipelines, per-stage recomputation `recompute`
/// (empty: by the problem's policy) and per-stage widths `widths` (values
/// of t among the problem's; empty: every stage at p.t). Infeasible plans
/// say why.
Plan evaluateStages(const PlanProblem &p, const std::vector<int> &firsts,
                    int64_t d, const std::vector<bool> &recompute = {},
                    const std::vector<int64_t> &widths = {});

/// Scores stages given as layer sets (input side first; with a chain each
/// must be an interval), as evaluateStages does.
Plan evaluateStageSets(const PlanProblem &p,
                       const std::vector<std::vector<int>> &stages, int64_t d,
                       const std::vector<bool> &recompute = {},
                       const std::vector<int64_t> &widths = {});

/// The Megatron-style split over d pipelines: the repeated core layers
/// [coreFirst, coreLast] in blocks of ceil(L/p), L = coreLast − coreFirst
/// + 1 (the last block takes the rest); layers before the core join the
/// first stage, layers after it the last (coreLast < 0: the whole chain is
/// the core).
Plan evaluateFixed(const PlanProblem &p, int64_t stages, int64_t d,
                   int coreFirst = 0, int coreLast = -1);

/// The best plan over every cut, every d dividing the microbatches with
/// d times the pipeline's devices <= devices, every recomputation choice the
/// policy allows and, with otherWidths, every width per stage.
Plan solvePlan(const PlanProblem &p);

} // namespace partition
} // namespace phaze
} // namespace mlir

#endif // PHAZE_PARTITION_PLAN_H
