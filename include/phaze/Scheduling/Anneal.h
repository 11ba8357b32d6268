//===- Anneal.h - layer schedules by simulated annealing --------*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A primal heuristic for the layer scheduling problem (Problem.h):
// simulated annealing over the serial scheme's inputs, a topological order
// and a mode rule per task (ModeChoice). Its moves reach what the local
// search over modes (improveSchedule) cannot: several tasks changing mode
// and order at once, such as two long vector tasks side by side on one unit
// each while tensor tasks run beside them on one unit each instead of
// intra-op parallel. A heuristic: it proves nothing; the exact search and
// the relaxations do.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_ANNEAL_H
#define PHAZE_SCHEDULING_ANNEAL_H

#include "phaze/Scheduling/Problem.h"

#include <atomic>
#include <cstdint>

namespace mlir {
namespace phaze {
namespace sched {

/// Limits of one annealing run; it stops at whichever comes first.
struct AnnealLimits {
  double timeLimitS = 0;       ///< wall clock, seconds (0: none)
  int64_t evaluations = 20000; ///< schedules built (0: none)
  uint64_t seed = 1;           ///< the random moves' seed
  /// Set by another thread to end the run early.
  const std::atomic<bool> *stop = nullptr;
};

/// Anneals from `s` (a feasible schedule of `p`, which must pass check()):
/// each step moves one to three tasks to random places in the order
/// between their predecessors and successors, or gives them a random mode
/// rule, rebuilds with serialSchedule, and accepts a longer schedule with
/// the Metropolis probability at a temperature that falls linearly from 1 %
/// of the makespan. Returns the best schedule seen: never worse than `s`.
/// Deterministic for a given seed when only `evaluations` limits it.
Schedule annealSchedule(const Problem &p, const Schedule &s,
                        const AnnealLimits &limits = {});

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_ANNEAL_H
