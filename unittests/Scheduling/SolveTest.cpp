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
#include "phaze/Scheduling/Anneal.h"
#include "phaze/Scheduling/BranchAndBound.h"
#include "phaze/Scheduling/PathRelaxation.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
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

/// The best schedule with every task in the mode `modes[i]`: every
/// dependence-respecting order through the serial scheme.
double bruteForceInModes(const Problem &p, const std::vector<bool> &modes) {
  int n = p.tasks.size();
  std::vector<int> perm(n);
  for (int i = 0; i < n; ++i)
    perm[i] = i;
  double best = 1e300;
  do {
    std::vector<int> pos(n);
    for (int k = 0; k < n; ++k)
      pos[perm[k]] = k;
    if (std::all_of(p.edges.begin(), p.edges.end(),
                    [&](auto e) { return pos[e.first] < pos[e.second]; }))
      best = std::min(best, serialSgs(p, perm, modes));
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

/// Every dependence-respecting order and every mode through the serial
/// scheme.
double bruteForce(const Problem &p) {
  int n = p.tasks.size();
  double best = 1e300;
  for (int mask = 0; mask < (1 << n); ++mask) {
    std::vector<bool> modes(n);
    for (int i = 0; i < n; ++i)
      modes[i] = (mask >> i) & 1;
    best = std::min(best, bruteForceInModes(p, modes));
  }
  return best;
}

/// Adds to `p` each forward edge (i, j), i < j, that `edge` draws.
void addRandomEdges(Problem &p, std::mt19937 &rng,
                    std::bernoulli_distribution &edge) {
  int n = p.tasks.size();
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (edge(rng))
        p.edges.push_back({i, j});
}

/// A random problem of `n` tasks (tensor, vector or fused, and collectives
/// when `network`; latencies 1 to 9; 1 to 3 units of each kind; each
/// forward edge with probability 0.3). A collective has one latency.
Problem randomProblem(std::mt19937 &rng, int n, bool network = false) {
  std::uniform_int_distribution<int> lat(1, 9), units(1, 3),
      kind(0, network ? 3 : 2);
  std::bernoulli_distribution edge(0.3);
  Problem p;
  p.tensorUnits = units(rng);
  p.vectorUnits = units(rng);
  for (int i = 0; i < n; ++i) {
    Task t;
    t.kind = static_cast<UnitKind>(kind(rng));
    t.single = lat(rng);
    t.parallel = std::max(1, lat(rng) / 2);
    if (t.kind == UnitKind::None)
      t.parallel = t.single;
    p.tasks.push_back(t);
  }
  addRandomEdges(p, rng, edge);
  return p;
}

/// The solver proves an optimum of `p` that verifies and equals the
/// brute-force enumeration `optimum` (computed by the caller).
void expectSolvedTo(const Problem &p, double optimum, int trial,
                    const SolveOptions &options = {}) {
  SolveResult r = solveSchedule(p, options);
  ASSERT_EQ(r.status, SolveResult::Status::Optimal)
      << "trial " << trial << ": " << r.message;
  std::string error;
  ASSERT_TRUE(verify(p, r.schedule, error, 1e-7)) << error;
  EXPECT_NEAR(r.schedule.makespan, optimum, 1e-6) << "trial " << trial;
  EXPECT_LE(r.gap(), 1e-9);
}

TEST(SolveSchedule, MatchesBruteForceOnRandomDags) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 60; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 5); // 2..6 tasks
    expectSolvedTo(p, bruteForce(p), trial);
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
    expectSolvedTo(p, bruteForceDfs(p), trial);
  }
}

/// The branch and bound alone, from the list schedule, completes, its
/// schedule verifies and equals the brute-force optimum, and its root bound
/// never exceeds that optimum. Returns the optimum.
double expectSearchIsExact(const Problem &p, int trial) {
  double optimum = bruteForceDfs(p);
  SearchResult r = branchAndBound(p, listSchedule(p));
  EXPECT_TRUE(r.complete) << "trial " << trial;
  std::string error;
  EXPECT_TRUE(verify(p, r.schedule, error, 1e-9))
      << "trial " << trial << ": " << error;
  EXPECT_NEAR(r.schedule.makespan, optimum, 1e-9) << "trial " << trial;
  EXPECT_LE(searchLowerBound(p), optimum + 1e-9) << "trial " << trial;
  return optimum;
}

/// The search is exact on random DAGs with collectives.
TEST(BranchAndBound, MatchesBruteForceWithCollectives) {
  std::mt19937 rng(17);
  for (int trial = 0; trial < 80; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 7, /*network=*/true); // 2..8
    expectSearchIsExact(p, trial);
  }
}

/// A layer-like random problem: a chain of n / 2 tasks (all kinds, with
/// collectives) and side tasks that hang off a chain task and may rejoin the
/// chain later, like weight and bias gradients.
Problem layerLikeProblem(std::mt19937 &rng, int n) {
  Problem p = randomProblem(rng, n, /*network=*/true);
  p.edges.clear();
  int chain = n / 2;
  for (int i = 1; i < chain; ++i)
    p.edges.push_back({i - 1, i});
  std::uniform_int_distribution<int> at(0, chain - 1);
  std::bernoulli_distribution rejoin(0.5);
  for (int i = chain; i < n; ++i) {
    int from = at(rng);
    p.edges.push_back({from, i});
    int to = at(rng);
    if (rejoin(rng) && to > from)
      p.edges.push_back({i, to});
  }
  return p;
}

/// The search is exact on layer-like problems, whose off-path tasks
/// exercise the bound's grouping along the path (checked on 600 with the
/// trial count raised).
TEST(BranchAndBound, MatchesBruteForceOnLayerLikeDags) {
  std::mt19937 rng(37);
  for (int trial = 0; trial < 60; ++trial) {
    Problem p = layerLikeProblem(rng, 6 + trial % 5); // 6..10
    expectSearchIsExact(p, trial);
  }
}

/// Side tasks that all run beside one stretch of a short chain form one
/// component of more than five tasks: the root bound's exact cost of the
/// most expensive ones and its dual bound on the path's progress stay at or
/// below the optimum, and the search stays exact.
TEST(BranchAndBound, MatchesBruteForceOnWideComponents) {
  std::mt19937 rng(41);
  for (int trial = 0; trial < 16; ++trial) {
    int n = 9; // a chain of 3 and 6 side tasks
    Problem p = randomProblem(rng, n, /*network=*/true);
    p.edges = {{0, 1}, {1, 2}};
    for (int i = 3; i < n; ++i) {
      p.edges.push_back({0, i});
      if (i % 2)
        p.edges.push_back({i, 2});
    }
    expectSearchIsExact(p, trial);
  }
}

/// Problems whose optimum often meets the vector-area bound: two vector
/// units, vector tasks whose intra-op-parallel latency is exactly half
/// their one-unit latency (even latencies 2 to 12), a few tensor tasks and
/// collectives. There the search's bounds below the cutoff (idle windows,
/// forced modes) and its comparison of running sinks by units decide most
/// nodes; the search stays exact, and the optimum meets the area bound
/// (computed here) on some problems, so the tight case is exercised.
TEST(BranchAndBound, MatchesBruteForceWhereVectorAreaIsTight) {
  std::mt19937 rng(53);
  std::uniform_int_distribution<int> half(1, 6), lat(1, 9), kind(0, 9);
  std::bernoulli_distribution edge(0.3);
  int tight = 0;
  for (int trial = 0; trial < 40; ++trial) {
    Problem p;
    p.tensorUnits = 1 + trial % 3;
    p.vectorUnits = 2;
    int n = 6 + trial % 4; // 6..9
    double vectorArea = 0;
    for (int i = 0; i < n; ++i) {
      Task t;
      int k = kind(rng);
      t.kind = k < 7   ? UnitKind::Vector
               : k < 9 ? UnitKind::Tensor
                       : UnitKind::None;
      if (t.kind == UnitKind::Vector) {
        t.single = 2 * half(rng);
        t.parallel = t.single / 2;
        vectorArea += t.single;
      } else {
        t.single = lat(rng);
        t.parallel =
            t.kind == UnitKind::None ? t.single : std::max(1, lat(rng) / 2);
      }
      p.tasks.push_back(t);
    }
    addRandomEdges(p, rng, edge);
    double optimum = expectSearchIsExact(p, trial);
    tight += std::fabs(optimum - vectorArea / 2) < 1e-9;
  }
  std::printf("optimum at the vector-area bound: %d of 40\n", tight);
  EXPECT_GE(tight, 5);
}

/// A task of `kind` with one-unit latency `single` and intra-op-parallel
/// latency `parallel`, for hand-written problems.
Task makeTask(UnitKind kind, double single, double parallel) {
  Task t;
  t.kind = kind;
  t.single = single;
  t.parallel = parallel;
  return t;
}

/// A problem on `tensorUnits` + `vectorUnits` units of `tasks` and `edges`.
Problem makeProblem(int64_t tensorUnits, int64_t vectorUnits,
                    std::vector<Task> tasks,
                    std::vector<std::pair<int, int>> edges) {
  Problem p;
  p.tensorUnits = tensorUnits;
  p.vectorUnits = vectorUnits;
  p.tasks = std::move(tasks);
  p.edges = std::move(edges);
  return p;
}

/// The search is exact on problems with up to 8 tensor and 4 vector units,
/// all four kinds, intra-op-parallel latencies that scale perfectly, partly
/// or not at all, and whole or fractional latencies: the mix on which the
/// regression problems below were found (3,000 passed with the trial
/// count raised).
TEST(BranchAndBound, MatchesBruteForceOnMixedUnitCounts) {
  std::mt19937 rng(59);
  std::uniform_int_distribution<int> tensorUnits(1, 8), vectorUnits(1, 4),
      kind(0, 9), whole(1, 12), hundredths(50, 1049), scaling(0, 2),
      share(30, 129);
  std::bernoulli_distribution edge(0.25), integral(0.5);
  for (int trial = 0; trial < 60; ++trial) {
    Problem p;
    p.tensorUnits = tensorUnits(rng);
    p.vectorUnits = vectorUnits(rng);
    bool integer = integral(rng);
    int n = 5 + trial % 4; // 5..8
    for (int i = 0; i < n; ++i) {
      int k = kind(rng);
      UnitKind taskKind = k < 4   ? UnitKind::Tensor
                          : k < 8 ? UnitKind::Vector
                          : k < 9 ? UnitKind::Fused
                                  : UnitKind::None;
      double single = integer ? whole(rng) : hundredths(rng) / 100.0;
      int64_t units =
          taskKind == UnitKind::Tensor ? p.tensorUnits : p.vectorUnits;
      int mode = scaling(rng);
      double parallel = mode == 0   ? single / units
                        : mode == 1 ? single * share(rng) / 100.0
                                    : single * 1.2;
      if (integer)
        parallel = std::max(1.0, std::round(parallel));
      if (taskKind == UnitKind::None)
        parallel = single;
      p.tasks.push_back(makeTask(taskKind, single, parallel));
    }
    addRandomEdges(p, rng, edge);
    expectSearchIsExact(p, trial);
  }
}

/// The dominance test compares running sinks by the units they hold, not
/// by name: a partial schedule whose sinks hold tensor units longer must
/// not dominate one whose sinks end sooner. Here (found among random
/// problems) ignoring the units sinks hold loses the optimum: 11.9384
/// instead of the brute force's 11.33.
TEST(BranchAndBound, RunningSinksHoldTheirUnits) {
  Problem p = makeProblem(3, 3,
                          {makeTask(UnitKind::Vector, 3.12, 0.9984),
                           makeTask(UnitKind::Tensor, 2.85, 0.95),
                           makeTask(UnitKind::Tensor, 8.09, 2.69667),
                           makeTask(UnitKind::Vector, 10.09, 6.3567),
                           makeTask(UnitKind::Tensor, 10.16, 5.3848),
                           makeTask(UnitKind::Tensor, 8.48, 6.2752)},
                          {{0, 1}, {0, 2}});
  EXPECT_NEAR(expectSearchIsExact(p, 0), 11.33, 1e-9);
}

/// Near dominance delays a partial schedule's completions onto one searched
/// before; an intra-op-parallel task among them needs the chip empty, so
/// the other's running collectives must end by then too. Here (found among
/// random problems; one vector unit, a collective sink) forgetting that
/// returns 13.7773 instead of the brute force's 13.3895.
TEST(BranchAndBound, DelayedCompletionsNeedAnEmptyChip) {
  Problem p =
      makeProblem(3, 1,
                  {makeTask(UnitKind::Vector, 2.97, 2.5245),
                   makeTask(UnitKind::Tensor, 1, 1.0 / 3),
                   makeTask(UnitKind::Tensor, 4.39, 4.39 / 3),
                   makeTask(UnitKind::Tensor, 0.77, 0.7315),
                   makeTask(UnitKind::Vector, 4.76, 3.9984),
                   makeTask(UnitKind::None, 6.32, 6.32),
                   makeTask(UnitKind::Vector, 7.71, 3.4695)},
                  {{0, 4}, {0, 5}, {0, 6}, {1, 6}, {2, 3}, {2, 4}, {3, 4}});
  EXPECT_NEAR(expectSearchIsExact(p, 0), 13.3895, 1e-9);
}

/// Twins (equal kind, latencies and successors) go in index order only
/// when the first is ready by the second's start: two vector gradients of
/// 2 s on one vector unit, the first after a 5 s tensor task, the second
/// after a 2 s one (two tensor units): the second runs at 2, the first at
/// 5, 7 s (the critical path 5 + 2). Taking the first twin first whatever
/// its ready time gives 9 s from a poor incumbent.
TEST(BranchAndBound, TwinsInOrderOnlyWhenReady) {
  Problem p = makeProblem(
      2, 1,
      {makeTask(UnitKind::Vector, 2, 2), makeTask(UnitKind::Vector, 2, 2),
       makeTask(UnitKind::Tensor, 5, 5), makeTask(UnitKind::Tensor, 2, 2)},
      {{2, 0}, {3, 1}});
  EXPECT_NEAR(bruteForceDfs(p), 7, 1e-9);
  expectSearchIsExact(p, 0);
  // From a poor incumbent (the list schedule finds 7 s itself).
  Schedule poor = listSchedule(p);
  poor.makespan = 100;
  SearchResult r = branchAndBound(p, poor);
  EXPECT_TRUE(r.complete);
  EXPECT_NEAR(r.schedule.makespan, 7, 1e-9);
}

/// A partial schedule pruned by near dominance inherits the other's bound
/// less the shift, not the bound itself: its parent passes that on (to
/// near dominance and learned bounds), and here (found among random
/// problems) the unshifted bound hides the optimum, the brute force's
/// 17.5125.
TEST(BranchAndBound, NearDominanceBoundLessTheShift) {
  Problem p = makeProblem(4, 2,
                          {makeTask(UnitKind::Tensor, 8.15, 9.78),
                           makeTask(UnitKind::Fused, 9.17, 4.585),
                           makeTask(UnitKind::Tensor, 5.13, 3.5397),
                           makeTask(UnitKind::Tensor, 7.54, 1.885),
                           makeTask(UnitKind::Tensor, 1.49, 1.788),
                           makeTask(UnitKind::Fused, 7.11, 2.7018),
                           makeTask(UnitKind::Tensor, 5.24, 5.2924),
                           makeTask(UnitKind::None, 2.05, 2.05),
                           makeTask(UnitKind::Tensor, 3.25, 0.8125)},
                          {{0, 8},
                           {1, 6},
                           {1, 8},
                           {2, 4},
                           {2, 5},
                           {2, 8},
                           {3, 5},
                           {4, 5},
                           {5, 7},
                           {6, 8}});
  EXPECT_NEAR(expectSearchIsExact(p, 0), 17.5125, 1e-9);
}

/// The path relaxation is a lower bound: never above the brute-force
/// optimum, on random DAGs with collectives, layer-like DAGs and chains with
/// side tasks (3,000 passed with the trial count raised), with its core rows
/// (each core's optimum from the branch and bound) and, without them, with a
/// stretch for every task off the chain; dropping the core rows or
/// stretches never raises it; with the optimum as its target it comes back
/// at most at the target; its modes make a valid schedule. It meets the
/// optimum on most of them (2,964 of 3,000), and the core rows raise it on
/// some (135 of 3,000), the stretches on others (51), so the checks are not
/// vacuous.
TEST(PathRelaxation, NeverAboveTheOptimum) {
  std::mt19937 rng(47);
  int tight = 0, stretched = 0, oneStretchRaised = 0, cored = 0, reused = 0,
      trials = 120;
  for (int trial = 0; trial < trials; ++trial) {
    Problem p = trial % 3 == 0   ? randomProblem(rng, 2 + trial % 7, true)
                : trial % 3 == 1 ? layerLikeProblem(rng, 6 + trial % 5)
                                 : randomProblem(rng, 8, true);
    if (trial % 3 == 2) { // a chain of 3 with side tasks
      p.edges = {{0, 1}, {1, 2}};
      for (int i = 3; i < 8; ++i) {
        p.edges.push_back({0, i});
        if (i % 2)
          p.edges.push_back({i, 2});
      }
    }
    double optimum = bruteForceDfs(p);
    PathRelaxationResult r = pathRelaxationBound(p);
    ASSERT_TRUE(r.solved) << "trial " << trial;
    EXPECT_LE(r.lowerBound, optimum * (1 + 1e-9)) << "trial " << trial;
    EXPECT_GE(r.lowerBound, criticalPath(p) * (1 - 1e-9)) << "trial " << trial;
    tight += r.lowerBound >= optimum * (1 - 1e-9);
    // Its modes, in the list order, make a schedule: valid, not below the
    // optimum.
    ASSERT_EQ(r.parallel.size(), p.tasks.size()) << "trial " << trial;
    Schedule guided = serialSchedule(p, priorityOrder(p), r.parallel);
    std::string error;
    ASSERT_TRUE(verify(p, guided, error, 1e-9))
        << "trial " << trial << ": " << error;
    EXPECT_GE(guided.makespan, optimum * (1 - 1e-9)) << "trial " << trial;
    PathRelaxationOptions atOptimum;
    atOptimum.target = optimum;
    PathRelaxationResult targeted = pathRelaxationBound(p, atOptimum);
    ASSERT_TRUE(targeted.solved) << "trial " << trial;
    EXPECT_LE(targeted.lowerBound, optimum * (1 + 1e-9)) << "trial " << trial;
    EXPECT_NEAR(targeted.lowerBound, std::min(r.lowerBound, optimum),
                1e-6 * optimum)
        << "trial " << trial;
    // Without the core rows the bound is no higher.
    PathRelaxationOptions noCores;
    noCores.coreTasks = 0;
    PathRelaxationResult coreless = pathRelaxationBound(p, noCores);
    ASSERT_TRUE(coreless.solved) << "trial " << trial;
    EXPECT_LE(coreless.lowerBound, r.lowerBound * (1 + 1e-9))
        << "trial " << trial;
    cored += r.lowerBound > coreless.lowerBound * (1 + 1e-9);
    // Two relaxations sharing the cores' bounds: the same bound both times,
    // the second finding every core it needs known.
    std::map<std::vector<int>, double> coreBounds;
    PathRelaxationOptions shared;
    shared.coreBounds = &coreBounds;
    PathRelaxationResult first = pathRelaxationBound(p, shared);
    size_t known = coreBounds.size();
    PathRelaxationResult again = pathRelaxationBound(p, shared);
    EXPECT_NEAR(first.lowerBound, r.lowerBound, 1e-9 * optimum)
        << "trial " << trial;
    EXPECT_NEAR(again.lowerBound, r.lowerBound, 1e-9 * optimum)
        << "trial " << trial;
    EXPECT_EQ(coreBounds.size(), known) << "trial " << trial;
    // And it reads them: with each shared bound raised by half, the bound
    // rises where the core rows count.
    for (auto &entry : coreBounds)
      entry.second *= 1.5;
    reused +=
        pathRelaxationBound(p, shared).lowerBound > r.lowerBound * (1 + 1e-9);
    // Stretches for every task off the chain (share 0) stay below the
    // optimum; for fewer (share 1: only tasks at least as long as the
    // critical path) the bound is no higher. Compared without the core
    // rows, which often meet the optimum alone.
    PathRelaxationOptions allStretches = noCores, noStretches = noCores;
    allStretches.stretchShare = 0;
    noStretches.stretchShare = 1;
    PathRelaxationResult all = pathRelaxationBound(p, allStretches);
    PathRelaxationResult none = pathRelaxationBound(p, noStretches);
    ASSERT_TRUE(all.solved && none.solved) << "trial " << trial;
    EXPECT_LE(all.lowerBound, optimum * (1 + 1e-9)) << "trial " << trial;
    EXPECT_GE(all.lowerBound, coreless.lowerBound * (1 - 1e-9))
        << "trial " << trial;
    EXPECT_LE(none.lowerBound, coreless.lowerBound * (1 + 1e-9))
        << "trial " << trial;
    stretched += all.lowerBound > none.lowerBound * (1 + 1e-9);
    // The stretch of only the longest task off the chain: between none at
    // all (share infinity) and every one.
    PathRelaxationOptions oneStretch = allStretches, bare = noCores;
    oneStretch.maxStretchTasks = 1;
    bare.stretchShare = std::numeric_limits<double>::infinity();
    PathRelaxationResult one = pathRelaxationBound(p, oneStretch);
    PathRelaxationResult unstretched = pathRelaxationBound(p, bare);
    ASSERT_TRUE(one.solved && unstretched.solved) << "trial " << trial;
    EXPECT_LE(one.lowerBound, all.lowerBound * (1 + 1e-9)) << "trial " << trial;
    EXPECT_GE(one.lowerBound, unstretched.lowerBound * (1 - 1e-9))
        << "trial " << trial;
    oneStretchRaised += one.lowerBound > unstretched.lowerBound * (1 + 1e-9);
    // Heads and tails of every length (shares 0, of one-unit and of
    // intra-op-parallel tasks) with every stretch stay below the optimum;
    // without any (shares infinity) the bound is no higher. (They raised it on
    // 3 of 1,500 such DAGs, none above the optimum; HeadsRunBeforeTheirStretch
    // shows one.)
    PathRelaxationOptions allHeads = allStretches, noHeads = allStretches;
    allHeads.headShare = allHeads.parallelHeadShare = 0;
    noHeads.headShare = noHeads.parallelHeadShare =
        std::numeric_limits<double>::infinity();
    PathRelaxationResult headed = pathRelaxationBound(p, allHeads);
    PathRelaxationResult headless = pathRelaxationBound(p, noHeads);
    ASSERT_TRUE(headed.solved && headless.solved) << "trial " << trial;
    EXPECT_LE(headed.lowerBound, optimum * (1 + 1e-9)) << "trial " << trial;
    EXPECT_LE(headless.lowerBound, headed.lowerBound * (1 + 1e-9))
        << "trial " << trial;
    // Cut along the longest path at one-unit latencies instead: still
    // below the optimum. A sequence the dependences do not order (the
    // chain reversed) falls back to the critical path.
    PathRelaxationOptions alongOneUnit;
    alongOneUnit.chain = longestOneUnitPath(p);
    PathRelaxationResult oneUnit = pathRelaxationBound(p, alongOneUnit);
    ASSERT_TRUE(oneUnit.solved) << "trial " << trial;
    EXPECT_EQ(oneUnit.chain, alongOneUnit.chain) << "trial " << trial;
    EXPECT_LE(oneUnit.lowerBound, optimum * (1 + 1e-9)) << "trial " << trial;
    if (r.chain.size() > 1) {
      PathRelaxationOptions unordered;
      unordered.chain.assign(r.chain.rbegin(), r.chain.rend());
      EXPECT_EQ(pathRelaxationBound(p, unordered).chain, r.chain)
          << "trial " << trial;
    }
  }
  EXPECT_GE(tight, trials / 2);
  EXPECT_GT(stretched, 0);        // the stretches matter somewhere
  EXPECT_GT(oneStretchRaised, 0); // the longest task's alone too
  EXPECT_GT(cored, 0);            // and the core rows
  EXPECT_GT(reused, 0);           // which later relaxations read back
}

/// A head before its task's stretch: chain c0 (vector, 4 on one unit, 2 on
/// both) -> c1 (tensor, 10) -> c2 (vector, 4 / 2) -> c3 (tensor, 4), and
/// off the chain a (vector, 4 / 2) -> b (tensor, 10), on 2 + 2 units. At the
/// chain's best, 18, c0 and c2 run intra-op parallel, alone, so b (10 on
/// one unit, in time no intra-op-parallel task takes) only fits beside c1,
/// and a cannot run before it: c0 on one unit beside a, a intra-op
/// parallel, or c2 on one unit beside b each cost 2, so the optimum is 20.
/// Without heads the window rows let a use c3's time, after b (18).
TEST(PathRelaxation, HeadsRunBeforeTheirStretch) {
  Problem p;
  p.tensorUnits = 2;
  p.vectorUnits = 2;
  p.tasks = {{"c0", UnitKind::Vector, 4, 2}, {"c1", UnitKind::Tensor, 10, 10},
             {"c2", UnitKind::Vector, 4, 2}, {"c3", UnitKind::Tensor, 4, 4},
             {"a", UnitKind::Vector, 4, 2},  {"b", UnitKind::Tensor, 10, 10}};
  p.edges = {{0, 1}, {1, 2}, {2, 3}, {4, 5}};
  EXPECT_NEAR(bruteForceDfs(p), 20, 1e-9);
  PathRelaxationOptions noHeads;
  noHeads.headShare = noHeads.parallelHeadShare =
      std::numeric_limits<double>::infinity();
  PathRelaxationResult headless = pathRelaxationBound(p, noHeads);
  PathRelaxationResult headed = pathRelaxationBound(p);
  ASSERT_TRUE(headless.solved && headed.solved);
  EXPECT_NEAR(headless.lowerBound, 18, 1e-6);
  EXPECT_NEAR(headed.lowerBound, 20, 1e-6);
}

/// Holding modes (withModes): the branch and bound on the held problem,
/// started from the serial schedule in those modes, finds the best schedule
/// in exactly those modes (every order through the serial scheme with the
/// modes fixed), and that schedule, in those modes, is one of the original
/// problem. Random modes on random DAGs with collectives (which have one
/// mode), so the held modes are often not the optimum's.
TEST(WithModes, SearchKeepsToTheHeldModes) {
  std::mt19937 rng(53);
  int worse = 0, trials = 60;
  for (int trial = 0; trial < trials; ++trial) {
    Problem p = randomProblem(rng, 3 + trial % 5, trial % 2 == 1);
    int n = p.tasks.size();
    std::vector<bool> modes(n);
    for (int i = 0; i < n; ++i)
      modes[i] = p.tasks[i].kind != UnitKind::None && rng() % 2;
    Problem held = withModes(p, modes);
    std::string error;
    ASSERT_TRUE(held.check(error)) << "trial " << trial << ": " << error;
    Schedule start = serialSchedule(held, priorityOrder(held), modes);
    SearchResult found = branchAndBound(held, start);
    ASSERT_TRUE(found.complete) << "trial " << trial;
    for (int i = 0; i < n; ++i) {
      if (p.tasks[i].kind != UnitKind::None) {
        EXPECT_EQ(found.schedule.parallel[i], modes[i])
            << "trial " << trial << ", task " << i;
      }
    }
    ASSERT_TRUE(verify(p, found.schedule, error, 1e-9))
        << "trial " << trial << ": " << error;
    double inModes = bruteForceInModes(p, modes);
    EXPECT_NEAR(found.schedule.makespan, inModes, 1e-9 * inModes)
        << "trial " << trial;
    worse += inModes > bruteForceDfs(p) * (1 + 1e-9);
  }
  EXPECT_GT(worse, 0); // held modes that exclude the optimum occur
}

/// Running a schedule backwards gives a schedule of the reversed problem
/// with the same makespan, and back again the original starts.
TEST(Reversed, MirroredSchedulesAreSchedulesOfTheReversedProblem) {
  std::mt19937 rng(43);
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 9, /*network=*/true);
    Problem back = reversed(p);
    ASSERT_EQ(back.edges.size(), p.edges.size());
    for (size_t e = 0; e < p.edges.size(); ++e) {
      EXPECT_EQ(back.edges[e].first, p.edges[e].second);
      EXPECT_EQ(back.edges[e].second, p.edges[e].first);
    }
    Schedule s = listSchedule(p);
    Schedule m = mirrored(p, s);
    std::string error;
    ASSERT_TRUE(verify(back, m, error, 1e-9))
        << "trial " << trial << ": " << error;
    EXPECT_DOUBLE_EQ(m.makespan, s.makespan);
    EXPECT_EQ(m.parallel, s.parallel);
    Schedule again = mirrored(back, m);
    for (size_t i = 0; i < s.start.size(); ++i)
      EXPECT_NEAR(again.start[i], s.start[i], 1e-9) << "trial " << trial;
    // Both directions have the same optimum.
    EXPECT_NEAR(bruteForceDfs(back), bruteForceDfs(p), 1e-9)
        << "trial " << trial;
  }
}

/// A node limit stops the search without a claim: on a problem whose list
/// schedule is not optimal, one node proves nothing, and the schedule
/// returned is never worse than the incumbent.
TEST(BranchAndBound, NodeLimitIsNotAProof) {
  std::mt19937 rng(23);
  int checked = 0;
  for (int trial = 0; trial < 200 && checked < 5; ++trial) {
    Problem p = randomProblem(rng, 6 + trial % 3);
    Schedule start = listSchedule(p);
    if (start.makespan <= bruteForceDfs(p) + 1e-9)
      continue;
    SearchLimits limits;
    limits.maxNodes = 1;
    SearchResult r = branchAndBound(p, start, limits);
    EXPECT_FALSE(r.complete) << "trial " << trial;
    EXPECT_LE(r.schedule.makespan, start.makespan);
    ++checked;
  }
  EXPECT_EQ(checked, 5);
}

/// The other child order is exact too; a shared makespan prunes like an
/// incumbent: with the optimum shared, the search completes with that as its
/// cutoff and keeps its own (list) schedule when nothing beats it; a stop
/// set before it starts is not a proof.
TEST(BranchAndBound, OtherOrderSharedMakespanAndStop) {
  std::mt19937 rng(61);
  int shared = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Problem p = randomProblem(rng, 5 + trial % 4); // 5..8 tasks
    double optimum = bruteForceDfs(p);
    Schedule start = listSchedule(p);
    SearchLimits other;
    other.earliestFinishFirst = true;
    SearchResult r = branchAndBound(p, start, other);
    EXPECT_TRUE(r.complete) << "trial " << trial;
    EXPECT_NEAR(r.schedule.makespan, optimum, 1e-9) << "trial " << trial;
    if (start.makespan <= optimum * (1 + 1e-6))
      continue;
    std::atomic<double> best{optimum};
    SearchLimits limits;
    limits.sharedMakespan = &best;
    r = branchAndBound(p, start, limits);
    EXPECT_TRUE(r.complete) << "trial " << trial;
    EXPECT_NEAR(r.cutoff, optimum, 1e-9) << "trial " << trial;
    EXPECT_GE(r.schedule.makespan, optimum * (1 - 1e-9)) << "trial " << trial;
    EXPECT_NEAR(best.load(), optimum, 1e-9) << "trial " << trial;
    std::atomic<bool> stop{true};
    SearchLimits stopped;
    stopped.stop = &stop;
    EXPECT_FALSE(branchAndBound(p, start, stopped).complete)
        << "trial " << trial;
    ++shared;
  }
  EXPECT_GE(shared, 10);
}

/// With two threads the solve gives the brute-force optimum, proven, on
/// random DAGs (chain-like and wide: the second thread's target search) and
/// on problems whose optimum meets the vector-area bound.
TEST(SolveSchedule, TwoThreadsMatchBruteForce) {
  std::mt19937 rng(67);
  SolveOptions options;
  options.threads = 2;
  options.timeLimitS = 20;
  for (int trial = 0; trial < 24; ++trial) {
    Problem p = randomProblem(rng, 6 + trial % 5); // 6..10 tasks
    if (trial % 2) {
      // Perfectly scaling vector tasks on two vector units.
      p.vectorUnits = 2;
      for (Task &t : p.tasks)
        if (t.kind == UnitKind::Vector)
          t.parallel = t.single / 2;
    }
    expectSolvedTo(p, bruteForceDfs(p), trial, options);
  }
}

/// Two sibling contractions after a shared input, 2 tensor units, each 4 s
/// on one unit or 3 s on both: side by side 1 + 4 = 5 s, one after the other
/// intra-op parallel 1 + 3 + 3 = 7 s, which the list schedule's greedy mode
/// choice takes; the local search over modes finds 5 s.
TEST(ImproveSchedule, FlipsSiblingsToOneUnitEach) {
  Problem p;
  p.tensorUnits = 2;
  p.tasks = {{"in", UnitKind::Vector, 1, 1},
             {"a", UnitKind::Tensor, 4, 3},
             {"b", UnitKind::Tensor, 4, 3}};
  p.edges = {{0, 1}, {0, 2}};
  Schedule list = listSchedule(p);
  EXPECT_DOUBLE_EQ(list.makespan, 7);
  Schedule s = improveSchedule(p, list);
  std::string error;
  ASSERT_TRUE(verify(p, s, error)) << error;
  EXPECT_DOUBLE_EQ(s.makespan, 5);
}

/// The local search never makes a schedule worse and keeps it feasible.
TEST(ImproveSchedule, NeverWorseOnRandomDags) {
  std::mt19937 rng(29);
  for (int trial = 0; trial < 60; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 9, /*network=*/true);
    Schedule list = listSchedule(p);
    Schedule s = improveSchedule(p, list);
    std::string error;
    ASSERT_TRUE(verify(p, s, error)) << "trial " << trial << ": " << error;
    EXPECT_LE(s.makespan, list.makespan);
  }
}

/// Two long vector tasks and three tensor tasks, all independent, on 8
/// tensor and 2 vector units: a and b take 10 s on one unit or 5 s on both,
/// t1-t3 10 s on one unit or 2 s on all. The vector area bounds every
/// schedule by (10 + 10) / 2 = 10 s, met by a and b side by side with the
/// tensor tasks beside them on one unit each. The list schedule runs
/// everything intra-op parallel (5 + 5 + 3 x 2 = 16 s), and changing one or
/// two modes never shortens it (a and b side by side still leave the
/// tensor tasks 6 s alone), so the local search stays at 16 s; the
/// annealing changes five at once.
TEST(AnnealSchedule, MovesSeveralTasksToOneUnitAtOnce) {
  Problem p;
  p.tensorUnits = 8;
  p.vectorUnits = 2;
  p.tasks = {{"a", UnitKind::Vector, 10, 5},
             {"b", UnitKind::Vector, 10, 5},
             {"t1", UnitKind::Tensor, 10, 2},
             {"t2", UnitKind::Tensor, 10, 2},
             {"t3", UnitKind::Tensor, 10, 2}};
  Schedule list = listSchedule(p);
  EXPECT_DOUBLE_EQ(list.makespan, 16);
  EXPECT_DOUBLE_EQ(improveSchedule(p, list).makespan, 16);
  AnnealLimits limits;
  limits.evaluations = 5000;
  Schedule s = annealSchedule(p, list, limits);
  std::string error;
  ASSERT_TRUE(verify(p, s, error)) << error;
  EXPECT_DOUBLE_EQ(s.makespan, 10);
}

/// The annealing never makes a schedule worse, keeps it feasible, never
/// goes below the brute-force optimum, and repeats itself for a seed when
/// only the evaluation count limits it.
TEST(AnnealSchedule, NeverWorseOnRandomDags) {
  std::mt19937 rng(31);
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 5, /*network=*/trial % 2);
    Schedule list = listSchedule(p);
    AnnealLimits limits;
    limits.evaluations = 500;
    limits.seed = trial;
    Schedule s = annealSchedule(p, list, limits);
    std::string error;
    ASSERT_TRUE(verify(p, s, error)) << "trial " << trial << ": " << error;
    EXPECT_LE(s.makespan, list.makespan) << "trial " << trial;
    EXPECT_GE(s.makespan, bruteForce(p) * (1 - 1e-9)) << "trial " << trial;
    EXPECT_EQ(annealSchedule(p, list, limits).start, s.start)
        << "trial " << trial;
  }
}

/// The serial scheme's fixed mode rules give the fixed-mode scheme's
/// schedule.
TEST(SerialSchedule, FixedModeRulesMatchFixedModes) {
  std::mt19937 rng(37);
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 9, /*network=*/true);
    int n = p.tasks.size();
    std::vector<int> order = priorityOrder(p);
    std::vector<bool> fixed(n);
    std::vector<ModeChoice> rules(n);
    for (int i = 0; i < n; ++i) {
      const Task &t = p.tasks[i];
      fixed[i] = t.gainsFromParallel() && rng() % 2;
      rules[i] = fixed[i] ? ModeChoice::Parallel : ModeChoice::OneUnit;
    }
    Schedule a = serialSchedule(p, order, fixed);
    Schedule b = serialSchedule(p, order, rules);
    EXPECT_EQ(a.start, b.start) << "trial " << trial;
    EXPECT_EQ(a.parallel, b.parallel) << "trial " << trial;
  }
}

/// Series blocks: a -> {b, c} -> d -> e, and f after a alone. Every task is
/// an ancestor or a descendant of a; d and e have f beside them; so the
/// blocks are {a} and {b, c, d, e, f}. Without f: {a}, {b, c}, {d}, {e}.
TEST(SeriesBlocks, SplitsAtCutTasks) {
  Problem p;
  for (const char *name : {"a", "b", "c", "d", "e", "f"})
    p.tasks.push_back({name, UnitKind::Vector, 1, 1});
  p.edges = {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {0, 5}};
  std::vector<std::vector<int>> blocks = seriesBlocks(p);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0], std::vector<int>({0}));
  EXPECT_EQ(blocks[1], std::vector<int>({1, 2, 3, 4, 5}));
  p.tasks.pop_back();
  p.edges.pop_back();
  blocks = seriesBlocks(p);
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[1], std::vector<int>({1, 2}));
  EXPECT_EQ(blocks[3], std::vector<int>({4}));
}

/// The full solver on random DAGs with collectives equals brute force.
TEST(SolveSchedule, MatchesBruteForceWithCollectives) {
  std::mt19937 rng(31);
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = randomProblem(rng, 2 + trial % 7, /*network=*/true);
    expectSolvedTo(p, bruteForceDfs(p), trial);
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

/// A backward-like problem of `n` tasks on 4 tensor and 2 vector units: a
/// chain of vector and tensor tasks (a third tensor), weight-gradient-like
/// tensor sinks and small vector sinks hanging off it, and a source or two
/// feeding it; tensor tasks scale perfectly or nearly intra-op parallel,
/// vector tasks perfectly or not at all (whole latencies, 1 to 16).
Problem gradientLikeProblem(std::mt19937 &rng, int n) {
  std::uniform_int_distribution<int> small(1, 4), large(4, 16), pick(0, 5);
  Problem p;
  p.tensorUnits = 4;
  p.vectorUnits = 2;
  int chain = n / 2 + 1;
  auto add = [&](bool tensor, bool big) {
    double single = big ? large(rng) : small(rng);
    if (tensor)
      p.tasks.push_back(makeTask(UnitKind::Tensor, 4 * single,
                                 pick(rng) ? single : single + 1));
    else
      p.tasks.push_back(makeTask(UnitKind::Vector, 2 * single,
                                 pick(rng) ? single : 2 * single));
  };
  for (int i = 0; i < chain; ++i) {
    add(i % 3 == 1, true);
    if (i > 0)
      p.edges.push_back({i - 1, i});
  }
  std::uniform_int_distribution<int> at(0, chain - 1);
  for (int i = chain; i < n; ++i) {
    int kind = pick(rng);
    if (kind == 0) {
      add(false, false); // a source feeding the chain
      p.edges.push_back({i, std::max(1, at(rng))});
    } else {
      add(kind <= 2, kind <= 2); // a tensor or small vector sink
      p.edges.push_back({at(rng), i});
    }
  }
  return p;
}

/// Every schedule shorter than `makespan` runs each of `ends` intra-op
/// parallel: with any one of them held on one unit (its intra-op-parallel
/// latency made its one-unit one, which no schedule prefers) the brute
/// force finds none shorter.
void expectParallelInShorter(const Problem &p, const std::vector<int> &ends,
                             double makespan, int trial) {
  for (int j : ends) {
    Problem forced = p;
    forced.tasks[j].parallel = forced.tasks[j].single;
    EXPECT_GE(bruteForceDfs(forced), makespan * (1 - 1e-9))
        << "trial " << trial << ", task " << j;
  }
}

/// The sources and sinks the search takes out (parallelEnds) run intra-op
/// parallel in every schedule shorter than the makespan they were taken
/// out for (the list schedule's, and 0.1 % above the optimum), and the
/// search over the rest stays exact.
TEST(BranchAndBound, ParallelEndsRunParallelInEveryShorterSchedule) {
  std::mt19937 rng(71);
  int found = 0;
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = gradientLikeProblem(rng, 6 + trial % 4); // 6..9
    double optimum = expectSearchIsExact(p, trial);
    for (double makespan : {listSchedule(p).makespan, optimum * 1.001}) {
      std::vector<int> ends = parallelEnds(p, makespan);
      found += ends.size();
      expectParallelInShorter(p, ends, makespan, trial);
    }
  }
  EXPECT_GT(found, 0);
}

/// forcedParallelEnds adds what the path relaxation shows to parallelEnds;
/// every end it returns runs intra-op parallel in every schedule shorter
/// than its makespan, and the search with them held so (withParallel) from
/// the list schedule finds the brute-force optimum, a schedule of the
/// original problem.
TEST(SolveSchedule, ForcedParallelEndsRunParallelInEveryShorterSchedule) {
  std::mt19937 rng(73);
  int found[2] = {0, 0}, byRelaxation = 0, listAbove = 0;
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = gradientLikeProblem(rng, 6 + trial % 4); // 6..9
    double optimum = bruteForceDfs(p);
    Schedule list = listSchedule(p);
    for (int near = 0; near < 2; ++near) {
      double makespan = near ? optimum * 1.001 : list.makespan;
      std::vector<int> ends = forcedParallelEnds(p, makespan);
      found[near] += ends.size();
      byRelaxation += ends.size() - parallelEnds(p, makespan).size();
      expectParallelInShorter(p, ends, makespan, trial);
    }
    listAbove += list.makespan > optimum * (1 + 1e-9);
    std::vector<int> ends = forcedParallelEnds(p, list.makespan);
    SearchResult r = branchAndBound(withParallel(p, ends), list);
    ASSERT_TRUE(r.complete) << "trial " << trial;
    std::string error;
    EXPECT_TRUE(verify(p, r.schedule, error, 1e-9))
        << "trial " << trial << ": " << error;
    EXPECT_NEAR(r.schedule.makespan, optimum, 1e-9 * optimum)
        << "trial " << trial;
  }
  EXPECT_GT(found[0], 0);
  EXPECT_GT(found[1], 0);
  EXPECT_GT(byRelaxation, 0);
  EXPECT_GT(listAbove, 0); // the held search had something to find
}

/// a -> b -> {x, y} -> c -> d on 8 tensor and 2 vector units: a, b, c, d
/// tensor tasks of 16 s on one unit or 2 s on all, x and y vector tasks of
/// 4 s on one unit or 3 s on both. The list schedule takes every task
/// intra-op parallel, one after another: 2 + 2 + 3 + 3 + 2 + 2 = 14 s. On one
/// unit a tensor task alone takes 16 s, so every schedule shorter than 14 s
/// runs a, b, c and d intra-op parallel: the search takes them out in two
/// rounds (b and c are ends once a and d are out), finds x and y side by
/// side on one vector unit each (4 s), and puts the four back around them:
/// 2 + 2 + 4 + 2 + 2 = 12 s, the optimum. It publishes and prunes against
/// the shared makespan of the whole problem, and a stop before the first
/// node is no proof.
TEST(BranchAndBound, TakesOutEndsInRoundsAndPutsThemBack) {
  Problem p;
  p.tensorUnits = 8;
  p.vectorUnits = 2;
  p.tasks = {
      makeTask(UnitKind::Tensor, 16, 2), makeTask(UnitKind::Tensor, 16, 2),
      makeTask(UnitKind::Vector, 4, 3),  makeTask(UnitKind::Vector, 4, 3),
      makeTask(UnitKind::Tensor, 16, 2), makeTask(UnitKind::Tensor, 16, 2)};
  p.edges = {{0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 4}, {4, 5}};
  Schedule list = listSchedule(p);
  ASSERT_DOUBLE_EQ(list.makespan, 14);
  std::vector<int> ends = parallelEnds(p, list.makespan);
  std::sort(ends.begin(), ends.end());
  EXPECT_EQ(ends, (std::vector<int>{0, 1, 4, 5}));

  std::atomic<double> shared{list.makespan};
  SearchLimits limits;
  limits.sharedMakespan = &shared;
  SearchResult r = branchAndBound(p, list, limits);
  ASSERT_TRUE(r.complete);
  std::string error;
  ASSERT_TRUE(verify(p, r.schedule, error)) << error;
  EXPECT_DOUBLE_EQ(r.schedule.makespan, 12);
  EXPECT_DOUBLE_EQ(r.cutoff, 12);
  EXPECT_DOUBLE_EQ(shared.load(), 12); // the whole problem's makespan
  EXPECT_EQ(r.schedule.parallel,
            (std::vector<bool>{true, true, false, false, true, true}));

  // With the optimum already shared nothing shorter is found: the list
  // schedule comes back, proven against the shared 12 s.
  shared.store(12);
  SearchResult proven = branchAndBound(p, list, limits);
  EXPECT_TRUE(proven.complete);
  EXPECT_DOUBLE_EQ(proven.schedule.makespan, 14);
  EXPECT_DOUBLE_EQ(proven.cutoff, 12);

  std::atomic<bool> stop{true};
  SearchLimits stopped;
  stopped.stop = &stop;
  SearchResult none = branchAndBound(p, list, stopped);
  EXPECT_FALSE(none.complete);
  EXPECT_DOUBLE_EQ(none.schedule.makespan, 14);
}

/// Hand-derived: two vector units, independent tasks of 2, 2 and 1 (each
/// half as long on both units). The area bound is 5 / 2 = 2.5, met only by
/// the short task on both units first (0.5) and the two long ones side by
/// side; on one unit it needs 3 (beside a long one). Below 3 the units'
/// balance shows it: the others' latencies are multiples of 2, its own is 1
/// from them, more than the slack 2 M - 5 for M < 3. At 3 it may run on one
/// unit, and the long ones never need both units.
TEST(BranchAndBound, BalanceHoldsAnUnbalancedTaskParallel) {
  Problem p = makeProblem(1, 2,
                          {makeTask(UnitKind::Vector, 2, 1),
                           makeTask(UnitKind::Vector, 2, 1),
                           makeTask(UnitKind::Vector, 1, 0.5)},
                          {});
  EXPECT_EQ(parallelByBalance(p, 2.5), std::vector<int>{2});
  EXPECT_EQ(parallelByBalance(p, 2.9), std::vector<int>{2});
  EXPECT_TRUE(parallelByBalance(p, 3).empty());
  SearchResult r = branchAndBound(p, listSchedule(p));
  ASSERT_TRUE(r.complete);
  std::string error;
  ASSERT_TRUE(verify(p, r.schedule, error)) << error;
  EXPECT_DOUBLE_EQ(r.schedule.makespan, 2.5);
  EXPECT_TRUE(r.schedule.parallel[2]);
}

/// On problems whose vector latencies are whole numbers but for one or two
/// (as cycle counts are, but for a memory-bound task), every task the
/// balance holds intra-op parallel for a makespan runs so in every schedule
/// no longer: held on one unit, the brute force finds none that short (at
/// the optimum, 0.1 % above it and at the list schedule's makespan). The
/// search with the holds stays exact.
TEST(BranchAndBound, BalanceHoldsOnlyTasksNoScheduleRunsOnOneUnit) {
  std::mt19937 rng(83);
  std::uniform_int_distribution<int> whole(1, 9), kind(0, 9), fraction(1, 99);
  std::bernoulli_distribution edge(0.25);
  int held = 0;
  for (int trial = 0; trial < 60; ++trial) {
    Problem p;
    p.tensorUnits = 1 + trial % 3;
    p.vectorUnits = 2 + (trial % 5 == 4);
    int n = 5 + trial % 4; // 5..8
    for (int i = 0; i < n; ++i) {
      Task t;
      int k = kind(rng);
      t.kind = k < 7 ? UnitKind::Vector : UnitKind::Tensor;
      t.single = whole(rng);
      // One or two vector tasks off the whole numbers.
      if (t.kind == UnitKind::Vector && i < 1 + trial % 2)
        t.single += fraction(rng) / 100.0;
      t.parallel = t.kind == UnitKind::Vector && k < 6
                       ? t.single / p.vectorUnits
                       : std::max(0.5, t.single / 2 + 0.25 * (k % 3));
      p.tasks.push_back(t);
    }
    addRandomEdges(p, rng, edge);
    double optimum = expectSearchIsExact(p, trial);
    for (double makespan :
         {optimum, optimum * 1.001, listSchedule(p).makespan}) {
      for (int j : parallelByBalance(p, makespan)) {
        ++held;
        Problem single = p;
        single.tasks[j].parallel = single.tasks[j].single;
        EXPECT_GT(bruteForceDfs(single), makespan)
            << "trial " << trial << ", task " << j;
      }
    }
  }
  std::printf("tasks held by the balance: %d\n", held);
  EXPECT_GT(held, 0);
}

/// A lower bound proven elsewhere (SearchLimits::knownBound) ends the
/// search once a schedule meets it: at the brute-force optimum the search
/// stops there, complete, after no more nodes than without it (fewer on
/// some); below the optimum it changes nothing but the proof's source.
TEST(BranchAndBound, KnownBoundEndsTheSearchWhenMet) {
  std::mt19937 rng(89);
  int fewer = 0;
  for (int trial = 0; trial < 40; ++trial) {
    Problem p = layerLikeProblem(rng, 7 + trial % 3); // 7..9
    double optimum = bruteForceDfs(p);
    SearchResult plain = branchAndBound(p, listSchedule(p));
    for (double bound : {optimum, 0.9 * optimum}) {
      std::atomic<double> known{bound};
      SearchLimits limits;
      limits.knownBound = &known;
      SearchResult r = branchAndBound(p, listSchedule(p), limits);
      ASSERT_TRUE(r.complete) << "trial " << trial;
      std::string error;
      EXPECT_TRUE(verify(p, r.schedule, error)) << error;
      EXPECT_NEAR(r.schedule.makespan, optimum, 1e-9) << "trial " << trial;
      EXPECT_LE(r.nodes, plain.nodes) << "trial " << trial;
      if (bound == optimum)
        fewer += r.nodes < plain.nodes;
      else
        EXPECT_EQ(r.nodes, plain.nodes) << "trial " << trial;
    }
  }
  std::printf("searches ended sooner by the known bound: %d of 40\n", fewer);
  EXPECT_GT(fewer, 0);
}
