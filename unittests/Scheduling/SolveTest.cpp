//===- SolveTest.cpp - MILP schedules against brute force -----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The optimum of small random problems is computed independently by
// enumerating every mode assignment and every dependence-respecting order
// and placing tasks with the serial schedule-generation scheme (earliest
// feasible start); the set of schedules it generates contains an optimal one
// for makespan minimization.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Solve.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <functional>
#include <random>

using namespace mlir::phaze::sched;

namespace {

/// The earliest start of task `i` (mode s.parallel[i]) after its
/// predecessors, given the tasks already `placed` in `s`.
double placeOne(const Problem &p, const Schedule &s,
                const std::vector<int> &placed, int i) {
  const std::vector<bool> &modes = s.parallel;
  auto usesT = [](UnitKind k) {
    return k == UnitKind::Tensor || k == UnitKind::Fused;
  };
  auto usesV = [](UnitKind k) {
    return k == UnitKind::Vector || k == UnitKind::Fused;
  };
  double ready = 0;
  for (auto [a, b] : p.edges)
    if (b == i)
      ready = std::max(ready, s.start[a] + s.duration(p, a));
  std::vector<double> cands = {ready};
  for (int j : placed)
    cands.push_back(std::max(ready, s.start[j] + s.duration(p, j)));
  std::sort(cands.begin(), cands.end());
  double d = s.duration(p, i);
  for (double t0 : cands) {
    bool ok = true;
    std::vector<double> probes = {t0};
    for (int j : placed)
      if (s.start[j] > t0 && s.start[j] < t0 + d)
        probes.push_back(s.start[j]);
    for (double t : probes) {
      int64_t tu = 0, vu = 0;
      for (int j : placed) {
        if (!(s.start[j] <= t && t < s.start[j] + s.duration(p, j)))
          continue;
        if (modes[i] || modes[j])
          ok = false;
        tu += usesT(p.tasks[j].kind);
        vu += usesV(p.tasks[j].kind);
      }
      if (!modes[i] && ((usesT(p.tasks[i].kind) && tu >= p.tensorUnits) ||
                        (usesV(p.tasks[i].kind) && vu >= p.vectorUnits)))
        ok = false;
    }
    if (ok)
      return t0;
  }
  return 1e300; // unreachable: the last candidate is after every task
}

/// Earliest-start placement of tasks in `order` with fixed `modes`.
double serialSgs(const Problem &p, const std::vector<int> &order,
                 const std::vector<bool> &modes) {
  Schedule s;
  s.start.assign(p.tasks.size(), 0);
  s.parallel = modes;
  std::vector<int> placed;
  double makespan = 0;
  for (int i : order) {
    s.start[i] = placeOne(p, s, placed, i);
    placed.push_back(i);
    makespan = std::max(makespan, s.start[i] + s.duration(p, i));
  }
  return makespan;
}

/// The same enumeration (every dependence-respecting order, every mode,
/// serial schedule generation) as a depth-first search that extends
/// topological prefixes only and prunes prefixes no shorter than the best
/// complete schedule: fast enough for 10 tasks.
double bruteForceDfs(const Problem &p) {
  int n = p.tasks.size();
  std::vector<std::vector<int>> succ(n);
  std::vector<int> preds(n, 0);
  for (auto [a, b] : p.edges) {
    succ[a].push_back(b);
    ++preds[b];
  }
  Schedule s;
  s.start.assign(n, 0);
  s.parallel.assign(n, false);
  std::vector<int> placed;
  std::vector<bool> done(n, false);
  double best = 1e300;
  std::function<void(double)> dfs = [&](double makespan) {
    if (makespan >= best)
      return;
    if (static_cast<int>(placed.size()) == n) {
      best = makespan;
      return;
    }
    for (int i = 0; i < n; ++i) {
      if (done[i] || preds[i] > 0)
        continue;
      for (bool mode : {false, true}) {
        s.parallel[i] = mode;
        s.start[i] = placeOne(p, s, placed, i);
        placed.push_back(i);
        done[i] = true;
        for (int b : succ[i])
          --preds[b];
        dfs(std::max(makespan, s.start[i] + s.duration(p, i)));
        for (int b : succ[i])
          ++preds[b];
        done[i] = false;
        placed.pop_back();
      }
      s.parallel[i] = false;
    }
  };
  dfs(0);
  return best;
}

double bruteForce(const Problem &p) {
  int n = p.tasks.size();
  std::vector<int> perm(n);
  for (int i = 0; i < n; ++i)
    perm[i] = i;
  double best = 1e300;
  do {
    std::vector<int> pos(n);
    for (int k = 0; k < n; ++k)
      pos[perm[k]] = k;
    bool ok = std::all_of(p.edges.begin(), p.edges.end(),
                          [&](auto e) { return pos[e.first] < pos[e.second]; });
    if (!ok)
      continue;
    for (int mask = 0; mask < (1 << n); ++mask) {
      std::vector<bool> modes(n);
      for (int i = 0; i < n; ++i)
        modes[i] = (mask >> i) & 1;
      best = std::min(best, serialSgs(p, perm, modes));
    }
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

/// A random problem of `n` tasks (tensor, vector or fused; latencies 1 to
/// 9; 1 to 3 units of each kind; each forward edge with probability 0.3).
Problem randomProblem(std::mt19937 &rng, int n) {
  std::uniform_int_distribution<int> lat(1, 9), units(1, 3), kind(0, 2);
  std::bernoulli_distribution edge(0.3);
  Problem p;
  p.tensorUnits = units(rng);
  p.vectorUnits = units(rng);
  for (int i = 0; i < n; ++i) {
    Task t;
    t.kind = static_cast<UnitKind>(kind(rng));
    t.single = lat(rng);
    t.parallel = std::max(1, lat(rng) / 2);
    p.tasks.push_back(t);
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (edge(rng))
        p.edges.push_back({i, j});
  return p;
}

TEST(SolveSchedule, MatchesBruteForceOnRandomDags) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 5); // 2..6 tasks
    SolveResult r = solveSchedule(p);
    ASSERT_EQ(r.status, SolveResult::Status::Optimal)
        << "trial " << trial << ": " << r.message;
    std::string error;
    ASSERT_TRUE(verify(p, r.schedule, error, 1e-7)) << error;
    EXPECT_NEAR(r.schedule.makespan, bruteForce(p), 1e-6) << "trial " << trial;
    EXPECT_LE(r.gap(), 1e-9);
  }
}

/// The pruned search agrees with the plain enumeration on small problems,
/// then checks the MILP on random DAGs of 7 to 10 tasks.
TEST(SolveSchedule, MatchesBruteForceUpToTenTasks) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 10; ++trial) {
    Problem p = randomProblem(rng, 3 + trial % 4);
    EXPECT_NEAR(bruteForceDfs(p), bruteForce(p), 1e-9) << "trial " << trial;
  }
  for (int trial = 0; trial < 8; ++trial) {
    Problem p = randomProblem(rng, 7 + trial % 4); // 7..10 tasks
    SolveResult r = solveSchedule(p);
    ASSERT_EQ(r.status, SolveResult::Status::Optimal)
        << "trial " << trial << ": " << r.message;
    std::string error;
    ASSERT_TRUE(verify(p, r.schedule, error, 1e-7)) << error;
    EXPECT_NEAR(r.schedule.makespan, bruteForceDfs(p), 1e-6)
        << "trial " << trial;
  }
}

TEST(SolveSchedule, ChainNeedsNoMilp) {
  Problem p;
  p.tasks = {{"a", UnitKind::Tensor, 4, 1},
             {"b", UnitKind::Vector, 2, 3},
             {"c", UnitKind::Tensor, 5, 2}};
  p.edges = {{0, 1}, {1, 2}};
  SolveResult r = solveSchedule(p);
  EXPECT_EQ(r.status, SolveResult::Status::Optimal);
  EXPECT_FALSE(r.usedMilp);
  EXPECT_DOUBLE_EQ(r.schedule.makespan, 1 + 2 + 2);
}

TEST(SolveSchedule, RejectsBadInput) {
  Problem p;
  p.tasks = {{"a", UnitKind::Tensor, 1, 1}};
  p.tensorUnits = 0;
  SolveResult r = solveSchedule(p);
  EXPECT_EQ(r.status, SolveResult::Status::Error);
  EXPECT_NE(r.message.find("needs a tensor unit"), std::string::npos);
}

} // namespace
