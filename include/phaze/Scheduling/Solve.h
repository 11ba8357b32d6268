//===- Solve.h - optimal layer schedules ------------------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Minimum-makespan schedules of a Problem (Problem.h). The problem is split
// into series blocks (tasks every other task precedes or follows cut it);
// each block is solved on its own: the list schedule and a local search
// over modes, from the start and from the end (the reversed problem, whose
// schedules run backwards are the problem's), give a starting solution,
// the critical-path, area and off-path bounds a lower bound; if they
// differ, an exact branch and bound (BranchAndBound.h) searches briefly
// (on wide problems from the end), then, in an order that depends on the
// block's shape (docs/Scheduling.md), simulated annealing over orders and
// modes (Anneal.h) looks for a better schedule, the path relaxation
// (PathRelaxation.h) raises the lower bound and, on chain-like blocks, its
// modes held guide the search to schedules that meet it, the search goes
// on, and on a wide problem a mixed-integer program in CBC (start times, a
// mode per task, an order variable per pair of tasks that no dependence
// orders, unit capacities by lazily generated forbidden sets) starts from
// the best schedule found and proves or bounds it.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_SOLVE_H
#define PHAZE_SCHEDULING_SOLVE_H

#include "phaze/Scheduling/Problem.h"

#include <atomic>
#include <string>
#include <vector>

namespace mlir {
namespace phaze {
namespace sched {

struct SolveOptions {
  /// Wall-clock limit for the whole solve, seconds (0: none; the branch and
  /// bound then stops after 5 million nodes and CBC runs unlimited). The
  /// scheduling MILP (wide blocks only) leaves an allowance for CBC's root
  /// processing, which reads the clock only between nodes: measured at 1 s,
  /// every solve of the benchmark within 1.00 s.
  double timeLimitS = 10;
  /// Search (local search, branch and bound, annealing, path relaxation,
  /// MILP) when the bounds differ; false: return the list schedule with the
  /// lower bound (Optimal only when they meet), a fast path for searches
  /// over many architectures.
  bool milp = true;
  /// Maximum rounds of forbidden-set cuts.
  int maxRounds = 100;
  /// Threads (1 or 2; more count as 2; only with a time limit): with 2, once
  /// the list schedule leaves the bounds apart, a second thread runs the
  /// branch and bound beside the rest (on wide blocks from then on, first
  /// with the lower bound as its target, then in another child order; on
  /// chain-like ones after the local searches and a short search, with the
  /// sources and sinks held intra-op parallel that forcedParallelEnds
  /// shows must be, while the first thread's search takes the other child
  /// order); the threads share the best makespan and the first to prove
  /// optimality ends the solve. The makespan and the proof are as with 1 (up
  /// to what the time limit allows); which of two equally short schedules
  /// is returned may vary from run to run.
  int threads = 1;
};

struct SolveResult {
  enum class Status { Optimal, Feasible, Error };
  Status status = Status::Error;
  Schedule schedule;
  /// Proven lower bound on the optimum (equals the makespan when optimal).
  double lowerBound = 0;
  /// (makespan - lowerBound) / makespan.
  double gap() const;
  int rounds = 0; ///< MILP solves
  bool usedMilp = false;
  std::string message;
};

/// The series blocks of `p` in execution order: a task that every other
/// task precedes or follows (a cut) is a block of its own, and the tasks
/// between two cuts form one block. Every schedule runs the blocks one after
/// another, so the optimum is the sum of the blocks' optima.
std::vector<std::vector<int>> seriesBlocks(const Problem &p);

/// The sources and sinks that every schedule of `p` shorter than
/// `makespan` runs intra-op parallel (each then runs first or last, alone):
/// parallelEnds (BranchAndBound.h: the search's root bound with each on one
/// unit) and then, with those taken out and their latencies off the
/// makespan, each source or sink of the rest whose intra-op-parallel
/// latency is at least 1 % of `makespan` (longest first) whose path
/// relaxation (PathRelaxation.h, without its core rows) with it on one unit
/// reaches what is left of the makespan. `secondsPerRelaxation` limits each
/// relaxation and `secondsInAll` all of them (0: no limit; a bound cut short
/// is still valid, and a test not run takes nothing out), `stop` ends the
/// tests. Latencies of order 1 to 1000, as for the relaxation.
std::vector<int> forcedParallelEnds(const Problem &p, double makespan,
                                    double secondsPerRelaxation = 0,
                                    double secondsInAll = 0,
                                    const std::atomic<bool> *stop = nullptr);

/// Solves `p` (which must pass check()): block by block (seriesBlocks), each
/// block by the list schedule, local search over modes (improveSchedule)
/// from both ends and, when its bounds still differ, the branch and bound
/// (first briefly; on wide blocks from the end), the annealing, the path
/// relaxation and, on wide blocks, the MILP (docs/Scheduling.md gives the
/// order and time shares).
SolveResult solveSchedule(const Problem &p, const SolveOptions &options = {});

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_SOLVE_H
