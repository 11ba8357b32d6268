//===- PathRelaxation.h - a MILP lower bound along the path -----*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// A lower bound on the makespan of a layer schedule (Problem.h) from a
// small mixed-integer relaxation along one chain of tasks (the critical
// path at best latencies). Every schedule splits its makespan into the
// chain's tasks, one after another, and the gaps between them; an
// intra-op-parallel task off the chain runs alone, so inside a gap; a task
// off the chain on one unit runs in the time no intra-op-parallel task
// runs, within its window (after the chain's tasks it depends on, before
// those that depend on it), on the units the chain's task of that moment
// leaves. The relaxation keeps a mode per task (binary), the idle time of
// each gap, per-kind unit time over every window, for every pair off the
// chain that a path of tasks off the chain orders the longest such path
// one task after another, for long tasks off the chain one contiguous
// stretch of the chain on one unit beside them, with their long heads and
// tails (paths off the chain before and after them) in the time before
// and after that stretch (or the gap an intra-op-parallel one lies in),
// and for the tasks that must
// run between two chain tasks (a core) their own optimum, found by the
// branch and bound (BranchAndBound.h), as the least time between the two;
// it forgets where inside a window a task runs. docs/Scheduling.md derives
// each constraint.
//
// Solved by CBC (IR-free, through include/phaze/Solver/MILP.h); its best
// bound is valid when the time limit stops it.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_PATHRELAXATION_H
#define PHAZE_SCHEDULING_PATHRELAXATION_H

#include "phaze/Scheduling/Problem.h"

#include <atomic>
#include <limits>
#include <map>
#include <vector>

namespace mlir {
namespace phaze {
namespace sched {

/// The relaxation's outcome.
struct PathRelaxationResult {
  /// A lower bound on the makespan of every schedule of the problem (0 when
  /// CBC gave none).
  double lowerBound = 0;
  /// CBC solved the relaxation to optimality: `lowerBound` is its optimum.
  bool solved = false;
  /// The modes of the relaxation's best solution (true: intra-op
  /// parallel), per task; empty when CBC found none below the target.
  std::vector<bool> parallel;
  /// The chain it cut the makespan at (tasks in execution order).
  std::vector<int> chain;
};

/// How to build and solve the relaxation.
struct PathRelaxationOptions {
  /// Wall clock for everything (the cores' searches and CBC), seconds (0:
  /// no limit).
  double timeLimitS = 0;
  /// The makespan of a known schedule: CBC prunes every part of its search
  /// whose bound reaches it, and a bound that reaches it everywhere comes
  /// back as `target`, solved.
  double target = std::numeric_limits<double>::infinity();
  /// Tasks off the chain at least this share of the critical path long get
  /// the contiguous stretch (more binaries; shorter ones fit beside one
  /// chain task or in a gap more often, where the stretch adds little): a
  /// larger share gives a smaller model, solved sooner, and a bound no
  /// higher.
  double stretchShare = 0.1;
  /// Only this many of those tasks, the longest, get one (0: all): each
  /// adds binaries over the chain tasks of its window, and CBC's time grows
  /// fast with them.
  int maxStretchTasks = 0;
  /// Heads and tails (the longest paths of tasks off the chain that end
  /// just before a task off the chain, or start just after it) at least
  /// this share of the chain's best latencies long bound where that task's
  /// stretch or gap lies (more rows; shorter ones rarely bind; infinity:
  /// none).
  double headShare = 0.1;
  /// The same for the heads and tails of intra-op-parallel tasks off the
  /// chain, which bound the gap such a task lies in.
  double parallelHeadShare = 0.1;
  /// The chain to cut the makespan at: tasks each of which depends on the
  /// one before (through a path of dependences). Empty, or not so ordered:
  /// the critical path at best latencies. Any chain gives a valid bound;
  /// which one is tightest depends on the problem.
  std::vector<int> chain;
  /// Cores (the tasks between two chain tasks) of at most this many tasks
  /// are solved by the branch and bound for their rows (0: no core rows).
  int coreTasks = 24;
  /// Search nodes per core; a core whose search does not finish gets the
  /// search's root bound instead of its optimum.
  int64_t coreNodes = 20000;
  /// Set by another thread to stop CBC early (its bound still valid).
  const std::atomic<bool> *stop = nullptr;
  /// The cores' optima (or bounds) found by earlier relaxations of the same
  /// problem, by task set: read, and added to (a solve's relaxations of
  /// one problem share one; null: none).
  std::map<std::vector<int>, double> *coreBounds = nullptr;
};

/// Builds and solves the path relaxation of `p` (which must pass check();
/// latencies best of order 1 to 1000, as CBC's tolerances are absolute).
PathRelaxationResult
pathRelaxationBound(const Problem &p,
                    const PathRelaxationOptions &options = {});

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_PATHRELAXATION_H
