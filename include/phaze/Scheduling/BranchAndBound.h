//===- BranchAndBound.h - exact layer schedules by search -------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A depth-first branch and bound for the layer scheduling problem
// (Problem.h): it places tasks one at a time in order of non-decreasing
// start, each in a chosen mode at the earliest time its dependences and the
// units allow. Every schedule can be rebuilt this way no later (order its
// tasks by start), so the search is exact. It prunes with a lower bound
// (critical path, what the tasks off that path add to it, per-kind area;
// refined at the root),
// with dominance between partial schedules that placed the same tasks, with
// bounds learned for placed sets that leave the chip idle, and with two
// exchange rules (an intra-op-parallel sink can move to the end, an
// intra-op-parallel source to the start), by which it first takes out the
// sources and sinks that must run intra-op parallel to beat the incumbent.
// docs/Scheduling.md has the details.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_BRANCHANDBOUND_H
#define PHAZE_SCHEDULING_BRANCHANDBOUND_H

#include "phaze/Scheduling/Problem.h"

#include <atomic>
#include <cstdint>

namespace mlir {
namespace phaze {
namespace sched {

/// Limits of one search.
struct SearchLimits {
  double timeLimitS = 0; ///< wall clock, seconds (0: none)
  int64_t maxNodes = 0;  ///< search nodes (0: none)
  /// Partial schedules kept for dominance; past it, new ones are still
  /// checked but no longer kept.
  int64_t maxStates = 1000000;
  /// Set by another thread to end the search early (incomplete; read at
  /// the first node and every 256 nodes).
  const std::atomic<bool> *stop = nullptr;
  /// The best makespan of the threads of a solve: the search also prunes
  /// against it (read every 256 nodes) and lowers it with its own schedules.
  std::atomic<double> *sharedMakespan = nullptr;
  /// A lower bound on the makespan proven elsewhere (a relaxation's, say;
  /// read at the start and every 256 nodes): a schedule that meets it (up
  /// to a relative 1e-9) ends the search, complete.
  const std::atomic<double> *knownBound = nullptr;
  /// At equal starts, try the child that finishes first first (default: the
  /// one with the longest path after it): a different search order for a
  /// second thread.
  bool earliestFinishFirst = false;
};

struct SearchResult {
  /// The best schedule found: `incumbent` unless the search improved it.
  Schedule schedule;
  /// The search space was exhausted: `schedule` is optimal (up to a
  /// relative 1e-9).
  bool complete = false;
  int64_t nodes = 0; ///< search nodes visited
  /// When complete: no schedule is shorter than this (up to a relative
  /// 1e-9): `schedule`'s makespan, or a lower shared makespan.
  double cutoff = 0;
};

/// The largest problem the search takes (tasks; sets are 128-bit masks).
constexpr int kMaxSearchTasks = 128;

/// Lowers `shared` to `value` when that is lower (atomically).
inline void lowerShared(std::atomic<double> &shared, double value) {
  double seen = shared.load(std::memory_order_relaxed);
  while (value < seen && !shared.compare_exchange_weak(seen, value))
    ;
}

/// Raises `shared` to `value` when that is higher (atomically).
inline void raiseShared(std::atomic<double> &shared, double value) {
  double seen = shared.load(std::memory_order_relaxed);
  while (value > seen && !shared.compare_exchange_weak(seen, value))
    ;
}

/// The lower bound the search prunes with, at its root: the critical path at
/// best latencies plus the cheapest way to fit the tasks off it (each either
/// intra-op parallel, adding its latency, or on one unit, delaying the path
/// by what the path cannot progress meanwhile; delays of tasks that run
/// apart add up), and the per-kind areas. Refined as only the root is:
/// large groups of off-path tasks also by the exact cost of their largest
/// tasks, and a delay by a dual bound on the path's progress.
double searchLowerBound(const Problem &p);

/// The sources and sinks that every schedule of `p` shorter than `makespan`
/// runs intra-op parallel, as the refined root bound with each on one unit
/// (also along the critical path of the problem with it free) shows: taken
/// out in rounds, so that a task becomes a source or sink once those around
/// it are out (at most twice the task count plus 8 root bounds in all). By
/// the exchange rules each runs first or last, alone, adding exactly its
/// intra-op-parallel latency.
std::vector<int> parallelEnds(const Problem &p, double makespan);

/// The tasks that every schedule of `p` no longer than `makespan` runs
/// intra-op parallel, by the balance of a kind's units. Give each task run
/// on one unit a unit of its kind; an intra-op-parallel task (or one of
/// another kind, alone on the chip) holds every unit of the kind alike. So
/// two units' busy times differ by the one-unit latencies on the first less
/// those on the second, and at most by the kind's idle time, which is at
/// most its slack: the units times `makespan`, less each task's least area.
/// A task on one unit therefore needs a signed sum of the others' one-unit
/// latencies within the slack of its own latency's negative. When the
/// others' latencies are all near multiples of some q (whole cycles of one
/// clock) and its own is further from the multiples of q than the slack
/// and the others' distances summed (a memory-bound latency, say), no
/// such sum exists. Such tasks are returned (only those that can run
/// intra-op parallel within the slack), sorted.
std::vector<int> parallelByBalance(const Problem &p, double makespan);

/// A problem with sources and sinks taken out that run intra-op parallel,
/// first and last (the exchange rules), and how to put them back.
struct EndReduction {
  Problem rest;              ///< the tasks left and the dependences among them
  std::vector<int> original; ///< per task of `rest`, its index in the problem
  /// The sources (run first) and sinks (run last) taken out, by index in
  /// the problem, in the order they run.
  std::vector<int> first, last;
  double offset = 0; ///< their intra-op-parallel latencies, summed

  /// Nothing taken out of `p` yet.
  explicit EndReduction(const Problem &p);
  /// Takes out `tasks` (indices in `rest`, each a source or a sink of it,
  /// none depending on another): sources run after those taken out before,
  /// in the given order; sinks before those taken out before.
  void takeOut(const std::vector<int> &tasks);
};

/// parallelEnds(p, makespan) taken out of `p`; `stop` ends the tests early
/// (what was taken out stays valid).
EndReduction reduceParallelEnds(const Problem &p, double makespan,
                                const std::atomic<bool> *stop = nullptr);

/// Searches for a schedule shorter than `incumbent` (a feasible schedule of
/// `p`, which must pass check(); only its makespan is used, and it comes
/// back unchanged when nothing shorter is found). It first holds
/// parallelByBalance(p, incumbent.makespan) intra-op parallel, then takes
/// out parallelEnds(p, incumbent.makespan) and searches the rest (their
/// latencies less). A problem of more than kMaxSearchTasks tasks is not
/// searched: the incumbent comes back, not complete.
SearchResult branchAndBound(const Problem &p, const Schedule &incumbent,
                            const SearchLimits &limits = {});

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_BRANCHANDBOUND_H
