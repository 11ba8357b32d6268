//===- Piper.h - Piper's pipeline/data/tensor partitioning model -*- C++
//-*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The partitioning model of Piper (Tarnawski et al., NeurIPS 2021), as
// specified in ../shared/reference/piper-model.md: a layer DAG is cut into
// contiguous stages (differences of successor-closed sets); each stage has a
// tensor-parallel degree t, a data-parallel degree d and one configuration
// (TMPC: e.g. "vanilla" or "activation recomp") per layer; the objective is
// the largest stage time per sample, subject to per-device memory and a
// device budget.
//
// Two ways of choosing the configurations inside a stage:
//  - `StageChoice::PiperGreedy`: Piper's greedy (ratio-ordered swaps, no
//    undo), which reproduces Piper's own program to rounding;
//  - `StageChoice::Exact`: the cheapest choice that fits in memory (an exact
//    covering knapsack), never worse than the greedy.
//
// IR-free: the problem checks its input (`check`), plans are scored by
// `evaluate` (Piper's getTPSForResult) and the DP is a free function.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_PARTITION_PIPER_H
#define PHAZE_PARTITION_PIPER_H

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace phaze {
namespace partition {

/// Piper's "infinite" time per sample: an infeasible plan or table entry.
constexpr double kPiperInfinity = 1e30;

/// One configuration of a layer at one tensor-parallel degree (a TMPC).
struct PiperOption {
  std::string name;               ///< e.g. "vanilla", "activation recomp"
  double timePerSample = 0;       ///< forward + backward, objective's unit
  double parameterBytes = 0;      ///< weights (data-parallel resync only)
  double memoryPerMicrobatch = 0; ///< bytes per in-flight microbatch (a)
  double memoryFixedBytes = 0;    ///< bytes independent of it (b)
  /// Extra bytes on the incoming edge from each predecessor (node index).
  std::vector<std::pair<int, double>> syncInBytes;
  /// Extra bytes on the outgoing edge to each successor (node index).
  std::vector<std::pair<int, double>> syncOutBytes;
};

/// A layer: its configurations per tensor-parallel degree, in list order
/// (the order breaks the greedy's ties).
struct PiperNode {
  std::string name;
  std::map<int64_t, std::vector<PiperOption>> options;
};

/// A data edge; bytes per sample.
struct PiperEdge {
  int from = 0, to = 0;
  double bytesPerSample = 0;
};

/// A Piper instance.
struct PiperProblem {
  std::vector<PiperNode> nodes;
  std::vector<PiperEdge> edges;
  double maxMemoryBytes = 0;        ///< per device (M)
  int64_t maxDevices = 1;           ///< device budget (K)
  double bandwidthBytesPerS = 0;    ///< (B)
  int64_t microbatchesPerBatch = 1; ///< (N); every d divides it

  /// Checks the input as Piper's loader does: at least one node and one
  /// edge, edges name nodes, no duplicate edge, acyclic, non-negative
  /// figures, sync keys exactly the predecessors/successors, at most two
  /// options per (node, t), budgets positive. On failure returns false with
  /// a message naming the node or edge.
  bool check(std::string &error) const;
};

/// One stage of a plan.
struct PiperStage {
  std::vector<int> nodes;  ///< ascending node indices
  int64_t t = 1;           ///< tensor-parallel degree
  int64_t d = 1;           ///< data-parallel degree
  std::vector<int> option; ///< per entry of `nodes`: index into options[t]
};

/// A plan: stages from the input side to the output side.
struct PiperPlan {
  std::vector<PiperStage> stages;
  int64_t devices() const;
};

/// Scores `plan` as Piper's getTPSForResult: the largest stage time per
/// sample, or kPiperInfinity when a stage exceeds the memory. Returns false
/// with a message when the plan is malformed (a node missing or repeated, an
/// edge going backwards, budgets exceeded, d not dividing N, an option that
/// does not exist).
bool evaluate(const PiperProblem &p, const PiperPlan &plan, double &value,
              std::string &error);

/// How the configurations inside a stage are chosen.
enum class StageChoice { PiperGreedy, Exact };

struct PiperOptions {
  StageChoice choice = StageChoice::Exact;
  /// Largest number of successor-closed sets before giving up (Piper:
  /// 40,000).
  int64_t maxIdeals = 40000;
};

struct PiperResult {
  /// False: no plan fits (or the instance is too large; see message).
  bool feasible = false;
  double value = kPiperInfinity; ///< the DP's optimum
  double score = kPiperInfinity; ///< evaluate() of `plan`
  PiperPlan plan;
  int64_t ideals = 0;            ///< successor-closed sets
  int64_t pairs = 0;             ///< nested pairs (candidate stages)
  int64_t stageTables = 0;       ///< (stage, t, d) cost tables built
  int64_t nonMonotoneTables = 0; ///< greedy tables that decrease in y
  std::string message;
};

/// Runs the DP of piper-model.md §7 on `p` (which must pass check()).
PiperResult solvePiper(const PiperProblem &p, const PiperOptions &options = {});

/// The smallest memory per device (bytes, to 1e-4 relative, rounded up)
/// at which `p` admits a plan; 0 when none exists at any memory. Feasibility
/// only grows with the memory, so doubling and bisection find it.
double smallestFeasibleMemory(const PiperProblem &p,
                              const PiperOptions &options = {});

} // namespace partition
} // namespace phaze
} // namespace mlir

#endif // PHAZE_PARTITION_PIPER_H
