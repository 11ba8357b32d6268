//===- Problem.cpp - layer scheduling on tensor and vector units ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Problem.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <cmath>
#include <numeric>
#include <sstream>

using namespace mlir::phaze::sched;

namespace {

std::string label(const Problem &p, int i) {
  const std::string &n = p.tasks[i].name;
  return n.empty() ? "task " + std::to_string(i) : "task '" + n + "'";
}

} // namespace

bool Problem::check(std::string &error) const {
  int n = tasks.size();
  for (int i = 0; i < n; ++i) {
    const Task &t = tasks[i];
    if (!(t.single > 0) || !(t.parallel > 0) || !std::isfinite(t.single) ||
        !std::isfinite(t.parallel)) {
      error = label(*this, i) + " needs positive, finite latencies";
      return false;
    }
    if (usesTensor(t.kind) && tensorUnits < 1) {
      error = label(*this, i) + " needs a tensor unit and the chip has none";
      return false;
    }
    if (usesVector(t.kind) && vectorUnits < 1) {
      error = label(*this, i) + " needs a vector unit and the chip has none";
      return false;
    }
  }
  for (auto [a, b] : edges)
    if (a < 0 || b < 0 || a >= n || b >= n || a == b) {
      error = "dependence (" + std::to_string(a) + ", " + std::to_string(b) +
              ") does not name two distinct tasks";
      return false;
    }
  if (static_cast<int>(topologicalOrder().size()) != n) {
    error = "the dependences have a cycle";
    return false;
  }
  return true;
}

std::vector<int> Problem::topologicalOrder() const {
  int n = tasks.size();
  std::vector<int> indeg(n, 0), order;
  std::vector<std::vector<int>> succ(n);
  for (auto [a, b] : edges)
    if (a >= 0 && b >= 0 && a < n && b < n) {
      succ[a].push_back(b);
      ++indeg[b];
    }
  std::vector<int> ready;
  for (int i = n - 1; i >= 0; --i)
    if (indeg[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.back();
    ready.pop_back();
    order.push_back(i);
    for (int j : succ[i])
      if (--indeg[j] == 0)
        ready.push_back(j);
  }
  return order;
}

std::vector<std::vector<bool>> Problem::reachability() const {
  int n = tasks.size();
  std::vector<std::vector<bool>> reach(n, std::vector<bool>(n, false));
  std::vector<std::vector<int>> succ(n);
  for (auto [a, b] : edges)
    succ[a].push_back(b);
  std::vector<int> order = topologicalOrder();
  for (auto it = order.rbegin(); it != order.rend(); ++it)
    for (int j : succ[*it]) {
      reach[*it][j] = true;
      for (int k = 0; k < n; ++k)
        if (reach[j][k])
          reach[*it][k] = true;
    }
  return reach;
}

bool mlir::phaze::sched::verify(const Problem &p, const Schedule &s,
                                std::string &error, double tol) {
  int n = p.tasks.size();
  if (static_cast<int>(s.start.size()) != n ||
      static_cast<int>(s.parallel.size()) != n) {
    error = "the schedule does not cover every task";
    return false;
  }
  double end = 0;
  for (int i = 0; i < n; ++i) {
    if (!(s.start[i] >= 0) || !std::isfinite(s.start[i])) {
      error = label(p, i) + " has an invalid start time";
      return false;
    }
    end = std::max(end, s.start[i] + s.duration(p, i));
  }
  double eps = tol * std::max(1.0, end);
  for (auto [a, b] : p.edges)
    if (s.start[b] + eps < s.start[a] + s.duration(p, a)) {
      error = label(p, b) + " starts before " + label(p, a) + " finishes";
      return false;
    }
  // Check every elementary interval between event times.
  std::vector<double> times;
  for (int i = 0; i < n; ++i) {
    times.push_back(s.start[i]);
    times.push_back(s.start[i] + s.duration(p, i));
  }
  std::sort(times.begin(), times.end());
  for (size_t k = 0; k + 1 < times.size(); ++k) {
    if (times[k + 1] - times[k] <= eps)
      continue;
    double mid = 0.5 * (times[k] + times[k + 1]);
    int64_t tensor = 0, vector = 0, running = 0;
    int parallelTask = -1, other = -1;
    for (int i = 0; i < n; ++i) {
      if (!(s.start[i] <= mid && mid < s.start[i] + s.duration(p, i)))
        continue;
      ++running;
      if (s.parallel[i])
        parallelTask = i;
      else
        other = i;
      if (!s.parallel[i]) {
        tensor += usesTensor(p.tasks[i].kind);
        vector += usesVector(p.tasks[i].kind);
      }
    }
    if (parallelTask >= 0 && running > 1) {
      int o = other >= 0 ? other : -1;
      for (int i = 0; o < 0 && i < n; ++i)
        if (i != parallelTask && s.start[i] <= mid &&
            mid < s.start[i] + s.duration(p, i))
          o = i;
      std::ostringstream os;
      os << "intra-op-parallel " << label(p, parallelTask) << " overlaps "
         << label(p, o) << " at time " << mid;
      error = os.str();
      return false;
    }
    if (tensor > p.tensorUnits || vector > p.vectorUnits) {
      std::ostringstream os;
      os << "at time " << mid << " " << tensor << " tensor and " << vector
         << " vector units are busy; the chip has " << p.tensorUnits << " and "
         << p.vectorUnits;
      error = os.str();
      return false;
    }
  }
  if (std::fabs(s.makespan - end) > eps) {
    std::ostringstream os;
    os << "makespan " << s.makespan << " differs from the last finish " << end;
    error = os.str();
    return false;
  }
  return true;
}

std::vector<double> mlir::phaze::sched::pathsToEnd(const Problem &p) {
  int n = p.tasks.size();
  std::vector<std::vector<int>> succ(n);
  for (auto [a, b] : p.edges)
    succ[a].push_back(b);
  std::vector<int> order = p.topologicalOrder();
  std::vector<double> tail(n, 0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    double after = 0;
    for (int j : succ[*it])
      after = std::max(after, tail[j]);
    tail[*it] = p.tasks[*it].best() + after;
  }
  return tail;
}

double mlir::phaze::sched::criticalPath(const Problem &p) {
  std::vector<double> tail = pathsToEnd(p);
  return tail.empty() ? 0.0 : *std::max_element(tail.begin(), tail.end());
}

void mlir::phaze::sched::longestPaths(const std::vector<int> &order,
                                      const std::vector<std::vector<int>> &next,
                                      const std::vector<double> &weight,
                                      std::vector<double> &length,
                                      std::vector<int> &via) {
  length.assign(weight.size(), 0);
  via.assign(weight.size(), -1);
  for (int i : order) {
    for (int a : next[i])
      if (via[i] < 0 || length[a] > length[via[i]])
        via[i] = a;
    length[i] = (via[i] < 0 ? 0 : length[via[i]]) + weight[i];
  }
}

std::vector<std::vector<int>>
mlir::phaze::sched::longestPathsThrough(const Problem &p) {
  int n = p.tasks.size();
  std::vector<int> topo = p.topologicalOrder();
  std::vector<std::vector<int>> pred(n), succ(n);
  for (auto [a, b] : p.edges) {
    pred[b].push_back(a);
    succ[a].push_back(b);
  }
  // to[i]: the longest path ending at i; from[i]: starting at i.
  std::vector<double> best(n);
  for (int i = 0; i < n; ++i)
    best[i] = p.tasks[i].best();
  std::vector<double> to, from;
  std::vector<int> bestPred, bestSucc;
  longestPaths(topo, pred, best, to, bestPred);
  longestPaths(std::vector<int>(topo.rbegin(), topo.rend()), succ, best, from,
               bestSucc);
  std::vector<std::vector<int>> paths(n);
  for (int i = 0; i < n; ++i) {
    std::vector<int> &path = paths[i];
    for (int k = bestPred[i]; k >= 0; k = bestPred[k])
      path.push_back(k);
    std::reverse(path.begin(), path.end());
    path.push_back(i);
    for (int k = bestSucc[i]; k >= 0; k = bestSucc[k])
      path.push_back(k);
  }
  return paths;
}

std::vector<int> mlir::phaze::sched::longestOneUnitPath(const Problem &p) {
  int n = p.tasks.size();
  std::vector<std::vector<int>> pred(n);
  for (auto [a, b] : p.edges)
    pred[b].push_back(a);
  std::vector<int> topo = p.topologicalOrder();
  std::vector<double> single(n), to;
  for (int i = 0; i < n; ++i)
    single[i] = p.tasks[i].single;
  std::vector<int> via;
  longestPaths(topo, pred, single, to, via);
  // The first in topological order of the longest.
  int last = -1;
  for (int i : topo)
    if (last < 0 || to[i] > to[last])
      last = i;
  std::vector<int> path;
  for (int i = last; i >= 0; i = via[i])
    path.push_back(i);
  std::reverse(path.begin(), path.end());
  return path;
}

double mlir::phaze::sched::lowerBound(const Problem &p) {
  double path = criticalPath(p);
  // Unit-time area: a task occupies one unit for `single` or all R units
  // for `parallel`.
  double tensorArea = 0, vectorArea = 0;
  for (const Task &t : p.tasks) {
    if (usesTensor(t.kind))
      tensorArea += std::min(t.single, p.tensorUnits * t.parallel);
    if (usesVector(t.kind))
      vectorArea += std::min(t.single, p.vectorUnits * t.parallel);
  }
  double bound = path;
  if (p.tensorUnits > 0)
    bound = std::max(bound, tensorArea / p.tensorUnits);
  if (p.vectorUnits > 0)
    bound = std::max(bound, vectorArea / p.vectorUnits);
  return bound;
}

double mlir::phaze::sched::serialBound(const Problem &p) {
  double sum = 0;
  for (const Task &t : p.tasks)
    sum += t.best();
  return sum;
}

namespace {

/// Places tasks one at a time, each at the earliest time at or after its
/// ready time where its units are free for its whole duration (the serial
/// schedule-generation scheme). The units in use are kept as a profile:
/// breakpoints in time and what runs between consecutive ones, so finding
/// a start and placing a task each take one pass over the breakpoints.
class Placer {
public:
  Placer(const Problem &p) : p(p), n(p.tasks.size()), pred(n) {
    for (auto [a, b] : p.edges)
      pred[b].push_back(a);
    s.start.assign(n, 0);
    s.parallel.assign(n, false);
    at.push_back(0);
    use.push_back({});
  }

  /// The earliest start of task `i` in mode `par` after its predecessors
  /// (all placed) and the tasks placed so far: at its ready time or when
  /// a placed task finishes.
  double earliest(int i, bool par) {
    double ready = 0;
    for (int a : pred[i])
      ready = std::max(ready, s.start[a] + s.duration(p, a));
    double d = par ? p.tasks[i].parallel : p.tasks[i].single;
    bool needT = usesTensor(p.tasks[i].kind),
         needV = usesVector(p.tasks[i].kind);
    auto fits = [&](const Usage &u) {
      return par ? u.tasks == 0
                 : u.parallel == 0 && !(needT && u.tensor >= p.tensorUnits) &&
                       !(needV && u.vector >= p.vectorUnits);
    };
    // The segment holding `ready`, then every segment that [t, t + d)
    // overlaps; past one that does not fit, t moves to its end. Usage
    // only rises where a task starts, so such an end is a finish.
    double t = ready;
    size_t k = std::upper_bound(at.begin(), at.end(), t) - at.begin() - 1;
    for (size_t q = k; q < at.size() && at[q] < t + d; ++q)
      if (!fits(use[q]))
        t = at[q + 1]; // the last segment is empty, so q + 1 exists
    return t;
  }

  void place(int i, bool par, double t) {
    s.start[i] = t;
    s.parallel[i] = par;
    double end = t + s.duration(p, i);
    s.makespan = std::max(s.makespan, end);
    size_t a = split(t), b = split(end);
    bool holdsT = !par && usesTensor(p.tasks[i].kind),
         holdsV = !par && usesVector(p.tasks[i].kind);
    for (size_t q = a; q < b; ++q) {
      ++use[q].tasks;
      use[q].parallel += par;
      use[q].tensor += holdsT;
      use[q].vector += holdsV;
    }
  }

  const Problem &p;
  int n;
  std::vector<std::vector<int>> pred;
  Schedule s;

private:
  /// What runs over one segment of the profile.
  struct Usage {
    int64_t tasks = 0, parallel = 0, tensor = 0, vector = 0;
  };
  /// The index of the segment starting at `x`, splitting the one holding
  /// it if needed.
  size_t split(double x) {
    size_t k = std::upper_bound(at.begin(), at.end(), x) - at.begin() - 1;
    if (at[k] == x)
      return k;
    at.insert(at.begin() + k + 1, x);
    use.insert(use.begin() + k + 1, use[k]);
    return k + 1;
  }

  /// Breakpoints (from 0, increasing) and what runs from each to the next
  /// (the last to infinity: nothing).
  std::vector<double> at;
  std::vector<Usage> use;
};

} // namespace

std::vector<int> mlir::phaze::sched::priorityOrder(const Problem &p) {
  int n = p.tasks.size();
  std::vector<double> tail = pathsToEnd(p);
  std::vector<std::vector<int>> succ(n);
  std::vector<int> waiting(n, 0), ready, order;
  for (auto [a, b] : p.edges) {
    succ[a].push_back(b);
    ++waiting[b];
  }
  for (int i = 0; i < n; ++i)
    if (waiting[i] == 0)
      ready.push_back(i);
  while (!ready.empty()) {
    // The longest tail; among equals the lowest index.
    auto pick = ready.begin();
    for (auto it = ready.begin(); it != ready.end(); ++it)
      if (tail[*it] > tail[*pick] || (tail[*it] == tail[*pick] && *it < *pick))
        pick = it;
    int i = *pick;
    ready.erase(pick);
    order.push_back(i);
    for (int b : succ[i])
      if (--waiting[b] == 0)
        ready.push_back(b);
  }
  return order;
}

Schedule mlir::phaze::sched::listSchedule(const Problem &p) {
  return serialSchedule(
      p, priorityOrder(p),
      std::vector<ModeChoice>(p.tasks.size(), ModeChoice::FinishFirst));
}

Schedule
mlir::phaze::sched::serialSchedule(const Problem &p,
                                   const std::vector<int> &order,
                                   const std::vector<ModeChoice> &modes) {
  Placer placer(p);
  for (int i : order) {
    const Task &t = p.tasks[i];
    if (!t.gainsFromParallel() || modes[i] == ModeChoice::OneUnit) {
      placer.place(i, false, placer.earliest(i, false));
      continue;
    }
    if (modes[i] == ModeChoice::Parallel) {
      placer.place(i, true, placer.earliest(i, true));
      continue;
    }
    double ts = placer.earliest(i, false), tp = placer.earliest(i, true);
    bool par = tp + t.parallel < ts + t.single;
    placer.place(i, par, par ? tp : ts);
  }
  return placer.s;
}

Schedule mlir::phaze::sched::serialSchedule(const Problem &p,
                                            const std::vector<int> &order,
                                            const std::vector<bool> &parallel) {
  Placer placer(p);
  for (int i : order)
    placer.place(i, parallel[i], placer.earliest(i, parallel[i]));
  return placer.s;
}

Problem mlir::phaze::sched::subproblem(const Problem &p,
                                       const std::vector<int> &tasks) {
  Problem q;
  q.tensorUnits = p.tensorUnits;
  q.vectorUnits = p.vectorUnits;
  std::vector<int> local(p.tasks.size(), -1);
  for (int i : tasks) {
    local[i] = q.tasks.size();
    q.tasks.push_back(p.tasks[i]);
  }
  for (auto [a, b] : p.edges)
    if (local[a] >= 0 && local[b] >= 0)
      q.edges.push_back({local[a], local[b]});
  return q;
}

/// The latency a held task's other mode gets: the sum of every task's
/// longer latency, which no schedule in the held modes reaches (the serial
/// scheme places each task no later than the end of those before it).
static double heldLatency(const Problem &p) {
  double longer = 0;
  for (const Task &t : p.tasks)
    longer += std::max(t.single, t.parallel);
  return longer;
}

Problem mlir::phaze::sched::withModes(const Problem &p,
                                      const std::vector<bool> &parallel) {
  double longer = heldLatency(p);
  Problem q = p;
  for (size_t i = 0; i < q.tasks.size(); ++i) {
    Task &t = q.tasks[i];
    if (t.kind != UnitKind::None)
      (parallel[i] ? t.single : t.parallel) = longer;
  }
  return q;
}

Problem mlir::phaze::sched::withParallel(const Problem &p,
                                         const std::vector<int> &tasks) {
  double longer = heldLatency(p);
  Problem q = p;
  for (int j : tasks) {
    assert(p.tasks[j].gainsFromParallel() && "held parallel but no faster so");
    q.tasks[j].single = longer;
  }
  return q;
}

Problem mlir::phaze::sched::reversed(const Problem &p) {
  Problem r = p;
  for (auto &[a, b] : r.edges)
    std::swap(a, b);
  return r;
}

Schedule mlir::phaze::sched::mirrored(const Problem &p, const Schedule &s) {
  Schedule r = s;
  for (size_t i = 0; i < s.start.size(); ++i)
    r.start[i] = std::max(0.0, s.makespan - (s.start[i] + s.duration(p, i)));
  return r;
}

Schedule mlir::phaze::sched::improveSchedule(const Problem &p,
                                             const Schedule &s,
                                             double timeLimitS) {
  int n = p.tasks.size();
  auto begin = std::chrono::steady_clock::now();
  auto outOfTime = [&] {
    return timeLimitS > 0 && std::chrono::duration<double>(
                                 std::chrono::steady_clock::now() - begin)
                                     .count() >= timeLimitS;
  };
  std::vector<int> topo = p.topologicalOrder();
  std::vector<std::vector<bool>> reach = p.reachability();
  // Tasks whose mode matters: a collective has one latency.
  std::vector<int> flexible;
  for (int i = 0; i < n; ++i)
    if (p.tasks[i].kind != UnitKind::None &&
        p.tasks[i].single != p.tasks[i].parallel)
      flexible.push_back(i);
  Schedule best = s;
  std::vector<int> order;
  // Rebuilds with `i` (and `j` when >= 0) flipped; keeps an improvement.
  auto tryFlip = [&](int i, int j) {
    std::vector<bool> modes = best.parallel;
    modes[i] = !modes[i];
    if (j >= 0)
      modes[j] = !modes[j];
    Schedule t = serialSchedule(p, order, modes);
    if (t.makespan < best.makespan * (1 - 1e-12)) {
      best = std::move(t);
      return true;
    }
    return false;
  };
  bool improved = true;
  while (improved && !outOfTime()) {
    improved = false;
    // The current schedule's start order: a topological order from which
    // the serial scheme rebuilds it (or something no later).
    order = topo;
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return best.start[a] < best.start[b];
    });
    for (int i : flexible)
      if (tryFlip(i, -1)) {
        improved = true;
        break;
      }
    for (size_t a = 0; !improved && a < flexible.size() && !outOfTime(); ++a)
      for (size_t b = a + 1; b < flexible.size(); ++b) {
        int i = flexible[a], j = flexible[b];
        if (!reach[i][j] && !reach[j][i] && tryFlip(i, j)) {
          improved = true;
          break;
        }
      }
  }
  return best;
}
