//===- Problem.cpp - layer scheduling on tensor and vector units ----------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Problem.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

using namespace mlir::phaze::sched;

namespace {

bool usesTensor(UnitKind k) {
  return k == UnitKind::Tensor || k == UnitKind::Fused;
}
bool usesVector(UnitKind k) {
  return k == UnitKind::Vector || k == UnitKind::Fused;
}

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

double mlir::phaze::sched::lowerBound(const Problem &p) {
  int n = p.tasks.size();
  std::vector<double> finish(n, 0);
  std::vector<std::vector<int>> pred(n);
  for (auto [a, b] : p.edges)
    pred[b].push_back(a);
  double path = 0;
  for (int i : p.topologicalOrder()) {
    double ready = 0;
    for (int a : pred[i])
      ready = std::max(ready, finish[a]);
    finish[i] = ready + p.tasks[i].best();
    path = std::max(path, finish[i]);
  }
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

Schedule mlir::phaze::sched::listSchedule(const Problem &p) {
  int n = p.tasks.size();
  std::vector<std::vector<int>> succ(n), pred(n);
  for (auto [a, b] : p.edges) {
    succ[a].push_back(b);
    pred[b].push_back(a);
  }
  // Priority: the longest path to the end at best latencies.
  std::vector<int> order = p.topologicalOrder();
  std::vector<double> tail(n, 0);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    double after = 0;
    for (int j : succ[*it])
      after = std::max(after, tail[j]);
    tail[*it] = p.tasks[*it].best() + after;
  }
  Schedule s;
  s.start.assign(n, 0);
  s.parallel.assign(n, false);
  std::vector<bool> done(n, false);
  std::vector<int> placed;
  // Whether task i (intra-op parallel or not) fits at t0: the units it
  // needs are free at t0 and at every start inside [t0, t0 + d).
  auto fitsAt = [&](int i, bool par, double t) {
    int64_t tensor = 0, vector = 0;
    for (int j : placed) {
      double e = s.start[j] + s.duration(p, j);
      if (!(s.start[j] <= t && t < e))
        continue;
      if (par || s.parallel[j])
        return false;
      tensor += usesTensor(p.tasks[j].kind);
      vector += usesVector(p.tasks[j].kind);
    }
    return par || !((usesTensor(p.tasks[i].kind) && tensor >= p.tensorUnits) ||
                    (usesVector(p.tasks[i].kind) && vector >= p.vectorUnits));
  };
  auto fits = [&](int i, bool par, double t0) {
    double d = par ? p.tasks[i].parallel : p.tasks[i].single;
    double t1 = t0 + d;
    if (!fitsAt(i, par, t0))
      return false;
    for (int j : placed)
      if (s.start[j] > t0 && s.start[j] < t1 && !fitsAt(i, par, s.start[j]))
        return false;
    return true;
  };
  std::vector<double> candidates; // start times to try, reused
  for (int step = 0; step < n; ++step) {
    int pick = -1;
    for (int i = 0; i < n; ++i) {
      if (done[i] || !std::all_of(pred[i].begin(), pred[i].end(),
                                  [&](int a) { return done[a]; }))
        continue;
      if (pick < 0 || tail[i] > tail[pick])
        pick = i;
    }
    double ready = 0;
    for (int a : pred[pick])
      ready = std::max(ready, s.start[a] + s.duration(p, a));
    candidates.clear();
    candidates.push_back(ready);
    for (int j : placed) {
      double e = s.start[j] + s.duration(p, j);
      if (e > ready)
        candidates.push_back(e);
    }
    std::sort(candidates.begin(), candidates.end());
    double bestFinish = 0, bestStart = 0;
    bool bestPar = false, found = false;
    for (bool par : {false, true}) {
      double d = par ? p.tasks[pick].parallel : p.tasks[pick].single;
      for (double t : candidates)
        if (fits(pick, par, t)) {
          if (!found || t + d < bestFinish) {
            bestFinish = t + d;
            bestStart = t;
            bestPar = par;
            found = true;
          }
          break;
        }
    }
    s.start[pick] = bestStart;
    s.parallel[pick] = bestPar;
    done[pick] = true;
    placed.push_back(pick);
    s.makespan = std::max(s.makespan, bestFinish);
  }
  return s;
}
