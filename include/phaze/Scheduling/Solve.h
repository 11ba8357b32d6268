//===- Solve.h - optimal layer schedules with CBC ---------------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Minimum-makespan schedules of a Problem (Problem.h) by mixed-integer
// programming with CBC: start times, a mode per task, an order variable per
// pair of tasks that no dependence orders, and unit capacities enforced by
// forbidden sets generated lazily (R + 1 tasks of a kind that overlap at one
// instant get a cut: one of their pairs must be ordered). The list schedule
// is the starting solution and upper bound; the critical-path and area
// bounds are the lower bound; when they meet, no MILP is solved.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_SOLVE_H
#define PHAZE_SCHEDULING_SOLVE_H

#include "phaze/Scheduling/Problem.h"

#include <string>

namespace mlir {
namespace phaze {
namespace sched {

struct SolveOptions {
  /// Wall-clock limit for all MILP solves together, seconds (0: none).
  double timeLimitS = 10;
  /// Solve the MILP when the bounds differ; false: return the list schedule
  /// with the lower bound (Optimal only when they meet), a fast path for
  /// searches over many architectures.
  bool milp = true;
  /// Maximum rounds of forbidden-set cuts.
  int maxRounds = 100;
};

struct SolveResult {
  enum class Status { Optimal, Feasible, Error };
  Status status = Status::Error;
  Schedule schedule;
  /// Proven lower bound on the optimum (equals the makespan when optimal).
  double lowerBound = 0;
  /// (makespan - lowerBound) / makespan.
  double gap() const;
  int rounds = 0;       ///< MILP solves
  bool usedMilp = false;
  std::string message;
};

/// Solves `p` (which must pass check()).
SolveResult solveSchedule(const Problem &p, const SolveOptions &options = {});

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_SOLVE_H
