//===- Problem.h - layer scheduling on tensor and vector units --*- C++ -*-===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The scheduling problem of one layer on one accelerator (PHAZE's semantics,
// phaze-reference.md §4): every task runs either on one unit of its kind
// (latency `single`) or intra-op parallel on all units of its kind (latency
// `parallel`), and an intra-op-parallel task runs alone on the chip; tasks
// run concurrently subject to dependences and unit counts; a fused task
// holds one tensor and one vector unit. Minimize the makespan.
//
// IR-free, in the style of CIRCT's scheduling library: the problem checks
// its input (`check`) and any solution (`verify`); algorithms are free
// functions. No MLIR or solver header.
//
//===----------------------------------------------------------------------===//

#ifndef PHAZE_SCHEDULING_PROBLEM_H
#define PHAZE_SCHEDULING_PROBLEM_H

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace mlir {
namespace phaze {
namespace sched {

/// Which units a task holds when it runs on one unit. `None` holds no unit
/// (a collective on the network): it overlaps any task on one unit, but
/// not an intra-op-parallel one, which runs alone.
enum class UnitKind { Tensor, Vector, Fused, None };

/// Whether a task of kind `k` holds a tensor unit when on one unit.
inline bool usesTensor(UnitKind k) {
  return k == UnitKind::Tensor || k == UnitKind::Fused;
}
/// Whether a task of kind `k` holds a vector unit when on one unit.
inline bool usesVector(UnitKind k) {
  return k == UnitKind::Vector || k == UnitKind::Fused;
}

/// One task (an op of the layer).
struct Task {
  std::string name;
  UnitKind kind = UnitKind::Tensor;
  double single = 0;   ///< latency on one unit of its kind, seconds
  double parallel = 0; ///< latency on all units of its kind, seconds
  double best() const { return single < parallel ? single : parallel; }
  /// Whether running intra-op parallel can shorten it: not a collective
  /// (one latency, no units), and faster on all units than on one.
  bool gainsFromParallel() const {
    return kind != UnitKind::None && parallel < single;
  }
};

/// A layer's tasks, their dependences, and the chip's unit counts.
struct Problem {
  std::vector<Task> tasks;
  std::vector<std::pair<int, int>> edges; ///< (i, j): j starts after i ends
  int64_t tensorUnits = 1;
  int64_t vectorUnits = 1;

  /// Checks the input: edges name tasks, the graph is acyclic, latencies
  /// are positive and finite, and the chip has units of every kind a task
  /// needs. On failure returns false with a message naming the task.
  bool check(std::string &error) const;

  /// Tasks in a topological order (valid after check()).
  std::vector<int> topologicalOrder() const;
  /// reach[i][j]: there is a path from i to j (i != j).
  std::vector<std::vector<bool>> reachability() const;
};

/// A schedule: per task its start time and whether it runs intra-op
/// parallel.
struct Schedule {
  std::vector<double> start;
  std::vector<bool> parallel;
  double makespan = 0;

  /// The duration of task `i` under this schedule.
  double duration(const Problem &p, int i) const {
    return parallel[i] ? p.tasks[i].parallel : p.tasks[i].single;
  }
};

/// Checks `s` against `p`: dependences, an intra-op-parallel task alone on
/// the chip, tensor and vector units in use at every instant within the
/// counts, and the makespan equal to the last finish. `tol` is a relative
/// time tolerance. On failure returns false with the first violation.
bool verify(const Problem &p, const Schedule &s, std::string &error,
            double tol = 1e-9);

/// For each task, the longest path from its start to the end, each task at
/// its best latency (the task's own latency included).
std::vector<double> pathsToEnd(const Problem &p);

/// The longest path with each task at its best latency.
double criticalPath(const Problem &p);

/// Longest paths with task i weighing `weight[i]`, visiting tasks in
/// `order` (a topological order with `next` the predecessors, or its
/// reverse with `next` the successors): `length[i]` is the longest path
/// that ends at task i coming from its `next` neighbours, i included,
/// through `via[i]` (the first such neighbour with the longest; -1 when it
/// starts at i).
void longestPaths(const std::vector<int> &order,
                  const std::vector<std::vector<int>> &next,
                  const std::vector<double> &weight,
                  std::vector<double> &length, std::vector<int> &via);

/// For each task, a longest path through it at best latencies, in
/// execution order (towards either end, the first predecessor or successor
/// with the longest path on).
std::vector<std::vector<int>> longestPathsThrough(const Problem &p);

/// A longest path with each task at its one-unit latency, in execution
/// order (empty for an empty problem). It differs from the critical path
/// at best latencies where a task would be short only intra-op parallel,
/// alone on the chip, which it rarely can afford.
std::vector<int> longestOneUnitPath(const Problem &p);

/// A lower bound on the makespan: the longest path with each task at its
/// best latency, and the total single-unit work over the units.
double lowerBound(const Problem &p);

/// An upper bound: running the tasks one after another, each at its best
/// latency (min over modes), never exceeds min(sum of parallel, sum of
/// single latencies).
double serialBound(const Problem &p);

/// The list schedule's order: a topological order that takes, of the tasks
/// whose predecessors are all taken, one with the longest path to the end
/// at best latencies.
std::vector<int> priorityOrder(const Problem &p);

/// A list schedule: tasks in topological order by longest remaining path,
/// each placed at the earliest time its dependences and the units allow, in
/// the mode that finishes it first. Feasible (verify() holds), fast.
Schedule listSchedule(const Problem &p);

/// The serial schedule-generation scheme with fixed modes: the tasks of
/// `order` (a topological order of all tasks), one after another, each at
/// the earliest time its dependences and the units allow in the mode
/// `parallel[i]`. Feasible (verify() holds).
Schedule serialSchedule(const Problem &p, const std::vector<int> &order,
                        const std::vector<bool> &parallel);

/// How the serial scheme picks a task's mode.
enum class ModeChoice : uint8_t {
  FinishFirst, ///< the mode that finishes it first (the list schedule's)
  OneUnit,     ///< on one unit
  Parallel,    ///< intra-op parallel (one unit if that is not shorter)
};

/// The serial schedule-generation scheme with a mode rule per task: as
/// above, task `i` in the mode `modes[i]` picks. Feasible (verify() holds).
Schedule serialSchedule(const Problem &p, const std::vector<int> &order,
                        const std::vector<ModeChoice> &modes);

/// The tasks `tasks` of `p` (in that order) and the dependences among them,
/// on the same chip. Restricting a schedule of `p` to them gives one of the
/// subproblem, so its optimum is a lower bound on the time they span.
Problem subproblem(const Problem &p, const std::vector<int> &tasks);

/// `p` with each task held to the mode `parallel[i]` (collectives have
/// one): the other mode's latency is made the sum of all latencies, which
/// no schedule in the held modes reaches (the serial scheme places each
/// task no later than the end of those before it). So a search started
/// from such a schedule keeps to the held modes, and what it finds is a
/// schedule of `p` with the same makespan.
Problem withModes(const Problem &p, const std::vector<bool> &parallel);

/// `p` with the tasks `tasks` (each faster intra-op parallel:
/// Task::gainsFromParallel) held intra-op parallel: their one-unit latency
/// made the sum of all latencies, as withModes does; the others keep both
/// modes. A schedule of it shorter than that sum is one of `p` with the
/// same makespan.
Problem withParallel(const Problem &p, const std::vector<int> &tasks);

/// The problem with every dependence reversed. Running a schedule of `p`
/// backwards in time (mirrored) gives a schedule of the reversed problem
/// with the same makespan and modes, and the other way round, so both have
/// the same optimum; searches from the end find what searches from the
/// start miss.
Problem reversed(const Problem &p);

/// `s` run backwards: each task starts when it finished in `s`, counted from
/// the end. A schedule of `p` becomes one of reversed(p) and back.
Schedule mirrored(const Problem &p, const Schedule &s);

/// Local search over modes from `s`: flips the mode of one task, or of two
/// tasks no dependence orders, rebuilds the schedule with serialSchedule in
/// the order of the current starts, and keeps any strict improvement, until
/// none is left or `timeLimitS` seconds have passed (0: no limit). Catches
/// what the list schedule's greedy mode choice misses, such as two sibling
/// contractions that finish sooner side by side on one unit each than one
/// after the other on all units. Never worse than `s`.
Schedule improveSchedule(const Problem &p, const Schedule &s,
                         double timeLimitS = 0);

} // namespace sched
} // namespace phaze
} // namespace mlir

#endif // PHAZE_SCHEDULING_PROBLEM_H
