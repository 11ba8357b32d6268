//===- Search.h - the architecture x placement co-search --------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// phaze-search's driver. The architecture-independent part of the workload
// (import, layers, tensor-parallel variants, training graph, analysis) runs
// once per (tensor-parallel width, microbatch size) through the workload
// pipeline phaze-opt runs; its problems are loaded once (Loaders.h). Per
// candidate chip only the architecture-dependent steps run, through the
// library calls the passes make: cost::estimate (memoized per op and unit
// configuration), sched::solveSchedule per layer function,
// partition::solvePlan per (width, microbatch size, HBM, recompute).
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SEARCH_SEARCH_H
#define PHAZE_SEARCH_SEARCH_H

#include "phaze/Partition/Plan.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace search {

/// What the search maximizes.
enum class Objective { Throughput, ThroughputPerArea, ThroughputPerWatt };

/// Everything the user chose. Defaults are PHAZE's GPT-3 experiment.
struct SearchOptions {
  /// A model-zoo name (phaze-models --list) or an MLIR file.
  std::string workload = "gpt3-175b";
  /// Model-zoo overrides (0: the model's default).
  int64_t seq = 0, layers = 0;
  /// An accel file with the space's template chip, the system and the
  /// space; empty: the built-in PHAZE hardware (hardware/phaze.mlir).
  std::string hardware;
  std::string space, system; ///< names in `hardware` (empty: the only one)
  /// Sweeps.
  std::vector<int64_t> tensorParallel = {1, 2, 4, 8};
  std::vector<int64_t> microbatchSizes = {1, 2, 4, 8};
  std::vector<double> hbmGiB = {32, 64, 80};
  std::vector<partition::RecomputePolicy> recompute = {
      partition::RecomputePolicy::Off, partition::RecomputePolicy::Full};
  int64_t globalBatch = 4096;
  int64_t devices = 0; ///< 0: the system's
  Objective objective = Objective::Throughput;
  /// Skip candidates whose admissible bound cannot beat the incumbent.
  bool prune = true;
  /// PHAZE's early stop: visit area buckets (10,000 um^2) from the largest
  /// and stop once the best of this many consecutive buckets stops rising
  /// (0: off, exhaustive). Implies no pruning.
  int64_t earlyStopBuckets = 0;
  /// Schedules: list schedule with its proven bound (false), or the MILP
  /// within `scheduleTimeLimitS` per layer function (true).
  bool exactSchedules = false;
  double scheduleTimeLimitS = 1.0;
  /// With list schedules: seconds of MILP per layer function to certify
  /// the winner's schedules (summary.json best_schedules_certified; 0:
  /// skip).
  double certifyTimeLimitS = 1.0;
  /// The fixed Megatron-style placement evaluated on the template chip
  /// (stages x tensor width x data-parallel degree; 0: the model's entry
  /// in PHAZE's baseline table, none for other workloads).
  int64_t baselineStages = 0, baselineT = 0, baselineD = 0;
  /// Worker threads (0: all cores).
  unsigned threads = 0;
  /// Output directory (results.jsonl, summary.json, best.mlir,
  /// pareto.csv).
  std::string outputDir = "phaze-search-out";
  bool resume = false;
  bool quiet = false;
  /// Evaluate at most this many candidates in the search order (0: all);
  /// for tests and quick looks.
  int64_t maxCandidates = 0;
  /// Candidates per synchronization step (the incumbent used for pruning
  /// is updated between steps, so results do not depend on threads).
  int64_t chunk = 256;
  /// MPI: this process's rank among `ranks` (set by the tool).
  int rank = 0, ranks = 1;
};

/// A message with what went wrong; an empty message means success.
struct Status {
  std::string message;
  bool ok() const { return message.empty(); }
};

/// Exchanges the results of one step between MPI ranks: each rank passes
/// the JSON lines it produced and gets every rank's, in rank order. The
/// default (one process) returns its input.
using ExchangeFn = std::function<std::vector<std::string>(
    const std::vector<std::string> &mine)>;

/// Runs the search and writes its outputs; returns a message on failure
/// (bad options, unknown model, unwritable directory: before any work).
Status runSearch(MLIRContext &context, const SearchOptions &options,
                 const ExchangeFn &exchange = nullptr);

/// Parses "a,b,c" into integers / numbers / recompute policies; false with
/// `error` set on a malformed list.
bool parseIntList(StringRef text, std::vector<int64_t> &out,
                  std::string &error);
bool parseNumberList(StringRef text, std::vector<double> &out,
                     std::string &error);
bool parseRecomputeList(StringRef text,
                        std::vector<partition::RecomputePolicy> &out,
                        std::string &error);

} // namespace search
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SEARCH_SEARCH_H
