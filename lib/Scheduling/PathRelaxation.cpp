//===- PathRelaxation.cpp - a MILP lower bound along the path -------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The model (docs/Scheduling.md, "The path relaxation"). Chain c_0 .. c_m-1,
// gaps 0 .. m (gap q before c_q, gap m after the last). Binary x_k: c_k on
// one unit; binary y_j: task j off the chain on one unit; I_q >= 0: time of
// gap q in which no intra-op-parallel task runs. An intra-op-parallel task
// overlaps nothing, so one off the chain runs inside a gap, and the makespan
// is
//   sum_k (lambda_k + (l_k - lambda_k) x_k) + sum_j (1 - y_j) lambda_j
//     + sum_q I_q.
// A one-unit task off the chain runs beside chain tasks on one unit and in
// the I_q of its window; per kind K with U_K units, chain task k on one unit
// leaves U_K - [c_k holds a unit of K] of them (collectives hold none).
// A long task off the chain on one unit overlaps a contiguous stretch of
// chain tasks on one unit (binaries w_k) and the gaps next to it; its
// heads and tails (paths off the chain just before and after it) run in
// the time before and after, as do those of an intra-op-parallel one in
// its gap.
// The tasks that depend on c_a and that c_b depends on (the core of a, b)
// run between c_a's end and c_b's start, in the time not taken by
// intra-op-parallel tasks outside the core: at least the core's optimum.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/PathRelaxation.h"
#include "phaze/Scheduling/BranchAndBound.h"
#include "phaze/Solver/MILP.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>

using namespace mlir::phaze;
using namespace mlir::phaze::sched;
using solver::Term;

/// The critical path at best latencies, in order: the first of the longest
/// paths through each task that is longest.
static std::vector<int> criticalChain(const Problem &p) {
  std::vector<std::vector<int>> paths = longestPathsThrough(p);
  auto length = [&](const std::vector<int> &path) {
    double sum = 0;
    for (int i : path)
      sum += p.tasks[i].best();
    return sum;
  };
  size_t top = 0;
  double longest = length(paths[0]);
  for (size_t i = 1; i < paths.size(); ++i)
    if (double l = length(paths[i]); l > longest) {
      longest = l;
      top = i;
    }
  return paths[top];
}

/// For each task, the longest path (by one-unit latency) of tasks off the
/// chain that ends at one of its predecessors (`heads`) and the one that
/// starts at one of its successors (`tails`); empty when it has none off
/// the chain.
static void offChainNeighbourPaths(const Problem &p,
                                   const std::vector<int> &pos,
                                   std::vector<std::vector<int>> &heads,
                                   std::vector<std::vector<int>> &tails) {
  int n = p.tasks.size();
  std::vector<std::vector<int>> pred(n), succ(n);
  for (auto [a, b] : p.edges)
    if (pos[a] < 0 && pos[b] < 0) {
      pred[b].push_back(a);
      succ[a].push_back(b);
    }
  std::vector<int> topo = p.topologicalOrder();
  // Longest paths off the chain ending and starting at each task: a head
  // continues through the predecessor `from` picks, a tail through `to`'s.
  std::vector<double> single(n), ending, starting;
  for (int i = 0; i < n; ++i)
    single[i] = p.tasks[i].single;
  std::vector<int> from, to;
  longestPaths(topo, pred, single, ending, from);
  longestPaths(std::vector<int>(topo.rbegin(), topo.rend()), succ, single,
               starting, to);
  heads.assign(n, {});
  tails.assign(n, {});
  for (int j = 0; j < n; ++j) {
    for (int i = from[j]; i >= 0; i = from[i])
      heads[j].push_back(i);
    for (int i = to[j]; i >= 0; i = to[i])
      tails[j].push_back(i);
  }
}

/// Whether `ranges` holds a window of chain positions strictly inside
/// [a, b].
static bool holdsInnerWindow(const std::vector<std::pair<int, int>> &ranges,
                             int a, int b) {
  for (auto [c, d] : ranges)
    if (a <= c && d <= b && (c != a || d != b))
      return true;
  return false;
}

/// Adds the core rows: for chain positions a < b (a = -1: the start; b = m:
/// the end), the core's optimum T (tasks after c_a and before c_b, chain
/// tasks a+1 .. b-1 among them) is at most the time between c_a's end and
/// c_b's start less the intra-op-parallel tasks outside the core:
///   sum_{a<k<b} (lambda_k + (l_k - lambda_k) x_k) + sum_{q=a+1..b} I_q
///     + sum_{j off the chain in the core} (1 - y_j) lambda_j >= T.
/// Only for cores with tasks off the chain (else T is the chain's sum), of
/// at most `options.coreTasks` tasks, and only rows no split at a chain task
/// between implies: with E(a, b) = T less the chain tasks' best latencies
/// inside, the row is implied when E(a, b) <= E(a, k) + E(k, b) for some
/// a < k < b (the two cores, the gaps and the chain tasks are disjoint, and
/// every term left over is nonnegative). Stops adding rows at `deadline`.
static void addCoreRows(const Problem &p, const std::vector<int> &chain,
                        const std::vector<int> &pos,
                        const std::vector<std::vector<bool>> &reach,
                        const std::vector<int> &X, const std::vector<int> &I,
                        const std::vector<int> &Y,
                        const PathRelaxationOptions &options,
                        std::chrono::steady_clock::time_point deadline,
                        solver::MilpModel &model) {
  int n = p.tasks.size(), m = chain.size();
  auto timeLeft = [&] {
    return std::chrono::duration<double>(deadline -
                                         std::chrono::steady_clock::now())
        .count();
  };
  bool timed = options.timeLimitS > 0;
  // excess[a + 1][b]: E(a, b), the lower bound on the row's left side less
  // the chain's best latencies inside that the added rows imply.
  std::vector<std::vector<double>> excess(m + 1, std::vector<double>(m + 1, 0));
  std::vector<int> core;
  for (int len = 1; len <= m + 1; ++len)
    for (int a = -1; a + len <= m; ++a) {
      int b = a + len;
      if (a < 0 && b == m)
        continue; // the whole problem
      double split = 0;
      for (int k = a + 1; k < b; ++k)
        split = std::max(split, excess[a + 1][k] + excess[k + 1][b]);
      excess[a + 1][b] = split;
      core.clear();
      bool offChain = false;
      for (int i = 0; i < n; ++i)
        if ((a < 0 || reach[chain[a]][i]) && (b == m || reach[i][chain[b]])) {
          core.push_back(i);
          offChain |= pos[i] < 0;
        }
      if (!offChain || (int)core.size() > options.coreTasks)
        continue;
      if (timed && timeLeft() <= 0)
        return;
      double inside = 0;
      for (int k = a + 1; k < b; ++k)
        inside += p.tasks[chain[k]].best();
      // The core's optimum: the search's, less its tolerance; its root
      // bound when it does not finish (or what an earlier relaxation found).
      // A schedule no longer than the split already implies cannot give a
      // new row.
      double implied = inside + split;
      double optimum;
      const double *known = nullptr;
      if (options.coreBounds) {
        auto it = options.coreBounds->find(core);
        if (it != options.coreBounds->end())
          known = &it->second;
      }
      if (known) {
        optimum = *known;
      } else {
        Problem sub = subproblem(p, core);
        Schedule start = listSchedule(sub);
        if (start.makespan <= implied * (1 + 1e-9))
          continue;
        SearchLimits limits;
        limits.maxNodes = options.coreNodes;
        if (timed)
          limits.timeLimitS = std::max(1e-4, timeLeft());
        SearchResult found = branchAndBound(sub, start, limits);
        optimum = found.complete ? found.schedule.makespan * (1 - 1e-9)
                                 : searchLowerBound(sub);
        // (Not a root bound the deadline cut short: a later relaxation
        // with more time may do better.)
        if (options.coreBounds && (found.complete || !timed || timeLeft() > 0))
          options.coreBounds->emplace(core, optimum);
      }
      if (optimum <= implied * (1 + 1e-9))
        continue;
      excess[a + 1][b] = optimum - inside;
      std::vector<Term> terms;
      double rhs = optimum;
      for (int k = a + 1; k < b; ++k) {
        const Task &t = p.tasks[chain[k]];
        rhs -= t.parallel;
        terms.push_back({X[k], t.single - t.parallel});
      }
      for (int q = a + 1; q <= b; ++q)
        terms.push_back({I[q], 1});
      for (int j : core)
        if (pos[j] < 0) {
          rhs -= p.tasks[j].parallel;
          terms.push_back({Y[j], -p.tasks[j].parallel});
        }
      model.addConstraint(std::move(terms), rhs, solver::kInfinity);
    }
}

PathRelaxationResult
mlir::phaze::sched::pathRelaxationBound(const Problem &p,
                                        const PathRelaxationOptions &options) {
  auto begin = std::chrono::steady_clock::now();
  double target = options.target;
  PathRelaxationResult result;
  int n = p.tasks.size();
  if (n == 0)
    return result;
  std::vector<std::vector<bool>> reach = p.reachability();
  std::vector<int> chain = options.chain;
  bool ordered = !chain.empty();
  for (size_t k = 0; k < chain.size() && ordered; ++k)
    ordered = chain[k] >= 0 && chain[k] < n &&
              (k == 0 || reach[chain[k - 1]][chain[k]]);
  if (!ordered)
    chain = criticalChain(p);
  result.chain = chain;
  int m = chain.size();
  std::vector<int> pos(n, -1);
  for (int k = 0; k < m; ++k)
    pos[chain[k]] = k;

  solver::MilpModel model;
  double constant = 0;
  // The chain: x_k.
  std::vector<int> X(m);
  for (int k = 0; k < m; ++k) {
    const Task &t = p.tasks[chain[k]];
    constant += t.parallel;
    X[k] = model.addVariable(0, 1, t.single - t.parallel, true);
  }
  std::vector<int> I(m + 1);
  for (int q = 0; q <= m; ++q)
    I[q] = model.addVariable(0, solver::kInfinity, 1, false);
  // Tasks off the chain and their windows: chain tasks [lo, hi), gaps
  // lo .. hi.
  std::vector<int> off, Y(n, -1), lo(n, 0), hi(n, 0);
  for (int j = 0; j < n; ++j) {
    if (pos[j] >= 0)
      continue;
    off.push_back(j);
    constant += p.tasks[j].parallel;
    Y[j] = model.addVariable(0, 1, -p.tasks[j].parallel, true);
    int l = 0, h = m;
    while (l < m && reach[chain[l]][j])
      ++l;
    while (h > l && reach[j][chain[h - 1]])
      --h;
    lo[j] = l;
    hi[j] = h;
  }
  // Adds to `terms` minus the time one-unit tasks holding a unit of a kind
  // may use beside chain tasks [a, b) and in gaps a .. b: `units` units of
  // that kind less the one a chain task on one unit holds (`holds`); with
  // units = 1 and holds = false, the time itself.
  auto beside = [&](int a, int b, double units, auto holds,
                    std::vector<Term> &terms) {
    for (int k = a; k < b; ++k) {
      const Task &t = p.tasks[chain[k]];
      double left = units - (holds(t.kind) ? 1 : 0);
      if (left > 0)
        terms.push_back({X[k], -left * t.single});
    }
    for (int q = a; q <= b; ++q)
      terms.push_back({I[q], -units});
  };
  auto holdsNothing = [](UnitKind) { return false; };
  // Tasks off the chain that a path of tasks off the chain orders run one
  // after another: for each such pair (a, c), the longest such path (by
  // one-unit latency) from a to c, whose tasks' windows all lie within
  // a's and c's (pairs ordered through a chain task have windows apart:
  // their own rows already cover them). Alone (a = c): one task.
  std::vector<std::vector<int>> offSucc(n);
  for (auto [a, b] : p.edges)
    if (pos[a] < 0 && pos[b] < 0)
      offSucc[a].push_back(b);
  std::vector<int> topo = p.topologicalOrder(), rank(n);
  for (int k = 0; k < n; ++k)
    rank[topo[k]] = k;
  std::vector<double> longest(n);
  std::vector<int> via(n);
  for (int a : off) {
    std::fill(longest.begin(), longest.end(), -1.0);
    longest[a] = p.tasks[a].single;
    via[a] = -1;
    for (int k = rank[a]; k < n; ++k) {
      int i = topo[k];
      if (longest[i] < 0)
        continue;
      for (int b : offSucc[i])
        if (longest[i] + p.tasks[b].single > longest[b]) {
          longest[b] = longest[i] + p.tasks[b].single;
          via[b] = i;
        }
    }
    for (int c : off) {
      if (longest[c] < 0)
        continue;
      std::vector<Term> terms;
      for (int j = c; j >= 0; j = via[j])
        terms.push_back({Y[j], p.tasks[j].single});
      beside(std::min(lo[a], lo[c]), std::max(hi[a], hi[c]), 1, holdsNothing,
             terms);
      model.addConstraint(std::move(terms), -solver::kInfinity, 0);
    }
  }
  // Unit time per kind over every window [a, b) with a task's lo and a
  // task's hi: the one-unit tasks whose windows lie inside.
  std::set<int> los, his;
  for (int j : off) {
    los.insert(lo[j]);
    his.insert(hi[j]);
  }
  for (int kind = 0; kind < 2; ++kind) {
    auto holds = kind == 0 ? usesTensor : usesVector;
    double units = kind == 0 ? p.tensorUnits : p.vectorUnits;
    // Per set of tasks, the windows that hold exactly it; of two nested
    // windows with the same tasks the outer one is implied (the same
    // demand, more unit time), so only the innermost get a row: the same
    // bound from a smaller model, which CBC solves faster.
    std::map<std::vector<int>, std::vector<std::pair<int, int>>> windows;
    for (int a : los)
      for (int b : his) {
        if (b < a)
          continue;
        std::vector<int> inside;
        for (int j : off)
          if (holds(p.tasks[j].kind) && lo[j] >= a && hi[j] <= b)
            inside.push_back(j);
        if (!inside.empty())
          windows[std::move(inside)].push_back({a, b});
      }
    for (const auto &[inside, ranges] : windows)
      for (auto [a, b] : ranges) {
        if (holdsInnerWindow(ranges, a, b))
          continue;
        std::vector<Term> terms;
        for (int j : inside)
          terms.push_back({Y[j], p.tasks[j].single});
        beside(a, b, units, holds, terms);
        model.addConstraint(std::move(terms), -solver::kInfinity, 0);
      }
  }
  double path = 0;
  for (int c : chain)
    path += p.tasks[c].best();
  std::vector<std::vector<int>> allHeads, allTails;
  offChainNeighbourPaths(p, pos, allHeads, allTails);
  // Only long heads and tails (short ones rarely bind and their rows slow
  // CBC down): of at least `share` of the path.
  auto atLeast = [&](std::vector<std::vector<int>> paths, double share) {
    for (std::vector<int> &tasks : paths) {
      double sum = 0;
      for (int i : tasks)
        sum += p.tasks[i].single;
      if (sum < share * path)
        tasks.clear();
    }
    return paths;
  };
  std::vector<std::vector<int>> heads = atLeast(allHeads, options.headShare);
  std::vector<std::vector<int>> tails = atLeast(allTails, options.headShare);
  std::vector<std::vector<int>> parallelHeads =
      atLeast(allHeads, options.parallelHeadShare);
  std::vector<std::vector<int>> parallelTails =
      atLeast(allTails, options.parallelHeadShare);
  // Where its stretch starts and ends bounds what its heads and tails
  // have: `ind` = 1 implies that the one-unit time of `tasks` (and of j
  // itself when `withSelf`) fits in chain tasks [a, b) on one unit and the
  // I_q of gaps c .. d, and within the windows of `tasks` and j (a head's
  // lie before j's, a tail's after).
  auto fitsWhen = [&](int ind, const std::vector<int> &tasks, int j,
                      bool withSelf, int a, int b, int c, int d) {
    if (tasks.empty())
      return;
    int first = lo[j], last = hi[j];
    for (int i : tasks) {
      first = std::min(first, lo[i]);
      last = std::max(last, hi[i]);
    }
    a = std::max(a, first);
    c = std::max(c, first);
    b = std::min(b, last);
    d = std::min(d, last);
    std::vector<Term> terms;
    double most = 0; // the left side's largest value
    for (int i : tasks) {
      terms.push_back({Y[i], p.tasks[i].single});
      most += p.tasks[i].single;
    }
    if (withSelf) {
      terms.push_back({Y[j], p.tasks[j].single});
      most += p.tasks[j].single;
    }
    for (int k = a; k < b; ++k)
      terms.push_back({X[k], -p.tasks[chain[k]].single});
    for (int q = c; q <= d; ++q)
      terms.push_back({I[q], -1});
    terms.push_back({ind, most});
    model.addConstraint(std::move(terms), -solver::kInfinity, most);
  };
  // Long tasks off the chain: the chain tasks beside one run back to back,
  // all on one unit (w_k <= x_k), and it uses only the gaps inside or next
  // to them, or a single gap when beside none.
  // At most `maxStretchTasks` of them, the longest (ties by index).
  std::vector<int> stretched;
  for (int j : off)
    if (p.tasks[j].single >= options.stretchShare * path && hi[j] > lo[j])
      stretched.push_back(j);
  std::stable_sort(stretched.begin(), stretched.end(), [&](int a, int b) {
    return p.tasks[a].single > p.tasks[b].single;
  });
  if (options.maxStretchTasks > 0 &&
      static_cast<int>(stretched.size()) > options.maxStretchTasks)
    stretched.resize(options.maxStretchTasks);
  std::sort(stretched.begin(), stretched.end());
  for (int j : stretched) {
    double len = p.tasks[j].single;
    int l = lo[j], h = hi[j];
    std::vector<int> w(h - l);
    std::vector<Term> one, time{{Y[j], len}};
    for (int k = l; k < h; ++k) {
      int wk = w[k - l] = model.addBinary(0);
      model.addConstraint({{wk, 1}, {Y[j], -1}}, -solver::kInfinity, 0);
      model.addConstraint({{wk, 1}, {X[k], -1}}, -solver::kInfinity, 0);
      int s = model.addBinary(0); // the stretch starts at k
      std::vector<Term> starts{{s, 1}, {wk, -1}};
      if (k > l)
        starts.push_back({w[k - l - 1], 1});
      model.addConstraint(std::move(starts), 0, solver::kInfinity);
      one.push_back({s, 1});
      time.push_back({wk, -p.tasks[chain[k]].single});
      // j starts after c_{k-1} ends and before c_k ends: its heads run
      // before c_k ends, it and its tails after c_{k-1} ends.
      fitsWhen(s, heads[j], j, false, 0, k + 1, 0, k);
      fitsWhen(s, tails[j], j, true, k, m, k, m);
    }
    if (!heads[j].empty() || !tails[j].empty()) {
      // The stretch ends at k: j ends after c_k starts and before c_{k+1}
      // starts, so its heads and it run before c_{k+1} starts, its tails
      // after c_k starts.
      std::vector<Term> oneEnd;
      for (int k = l; k < h; ++k) {
        int e = model.addBinary(0);
        std::vector<Term> ends{{e, 1}, {w[k - l], -1}};
        if (k + 1 < h)
          ends.push_back({w[k + 1 - l], 1});
        model.addConstraint(std::move(ends), 0, solver::kInfinity);
        oneEnd.push_back({e, 1});
        fitsWhen(e, heads[j], j, true, 0, k + 1, 0, k + 1);
        fitsWhen(e, tails[j], j, false, k, m, k + 1, m);
      }
      model.addConstraint(std::move(oneEnd), -solver::kInfinity, 1);
    }
    for (int q = l; q <= h; ++q) {
      int gq = model.addVariable(0, solver::kInfinity, 0, false);
      int eq = model.addBinary(0); // only in gap q
      model.addConstraint({{gq, 1}, {I[q], -1}}, -solver::kInfinity, 0);
      std::vector<Term> next{{gq, 1}, {eq, -len}};
      if (q > l)
        next.push_back({w[q - 1 - l], -len});
      if (q < h)
        next.push_back({w[q - l], -len});
      model.addConstraint(std::move(next), -solver::kInfinity, 0);
      one.push_back({eq, 1});
      time.push_back({gq, -1});
      // Inside gap q: its heads and it before c_q starts, it and its tails
      // after c_{q-1} ends.
      fitsWhen(eq, heads[j], j, true, 0, q, 0, q);
      fitsWhen(eq, tails[j], j, true, q, m, q, m);
    }
    model.addConstraint(std::move(one), -solver::kInfinity, 1);
    model.addConstraint(std::move(time), -solver::kInfinity, 0);
  }
  // Intra-op-parallel tasks off the chain with long heads or tails: one in
  // gap q (binary z_q, one of them when intra-op parallel) runs after its
  // heads and before its tails. With everything intra-op parallel, z of its
  // first gap is 1 (CBC's start below).
  std::vector<int> firstGaps;
  for (int j : off) {
    if (!p.tasks[j].gainsFromParallel() ||
        (parallelHeads[j].empty() && parallelTails[j].empty()))
      continue;
    std::vector<Term> inGap{{Y[j], 1}};
    for (int q = lo[j]; q <= hi[j]; ++q) {
      int z = model.addBinary(0);
      if (q == lo[j])
        firstGaps.push_back(z);
      inGap.push_back({z, 1});
      fitsWhen(z, parallelHeads[j], j, false, 0, q, 0, q);
      fitsWhen(z, parallelTails[j], j, false, q, m, q, m);
    }
    model.addConstraint(std::move(inGap), 1, 1);
  }

  // The core rows: at most a third of the time limit for their searches.
  if (options.coreTasks > 0)
    addCoreRows(
        p, chain, pos, reach, X, I, Y, options,
        begin + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                    std::chrono::duration<double>(options.timeLimitS / 3)),
        model);

  solver::MilpOptions milp;
  if (options.timeLimitS > 0)
    milp.timeLimitS = std::max(
        0.01, options.timeLimitS - std::chrono::duration<double>(
                                       std::chrono::steady_clock::now() - begin)
                                       .count());
  milp.stop = options.stop;
  milp.cutsAndHeuristics = false; // measured faster on these models
  // Fewer strong-branching candidates, pseudo-costs trusted after one
  // branch: with the core rows CBC's search is a few nodes and its strong
  // branching took most of the time (GPT-3 t = 4's backward on 8 + 2 units:
  // 0.75 s instead of 1.28 s, docs/Scheduling.md).
  milp.strongCandidates = 2;
  milp.strongBeforeTrust = 1;
  if (target < std::numeric_limits<double>::infinity()) {
    milp.cutoff = target - constant;
  } else {
    // Everything intra-op parallel is feasible: a start for CBC.
    milp.initialSolution.assign(model.getNumVariables(), 0);
    for (int z : firstGaps)
      milp.initialSolution[z] = 1;
  }
  solver::MilpResult res = solver::solveWithCbc(model, milp);
  if (res.hasSolution() && !res.values.empty()) {
    result.parallel.assign(n, true);
    for (int k = 0; k < m; ++k)
      result.parallel[chain[k]] = res.values[X[k]] < 0.5;
    for (int j : off)
      result.parallel[j] = res.values[Y[j]] < 0.5;
  }
  switch (res.status) {
  case solver::MilpStatus::Optimal:
    result.solved = true;
    result.lowerBound = constant + std::min(res.objective, res.bestBound);
    break;
  case solver::MilpStatus::Infeasible:
    // Nothing below the target (the relaxation without one always has a
    // solution: everything intra-op parallel).
    if (target < std::numeric_limits<double>::infinity()) {
      result.solved = true;
      result.lowerBound = target;
    }
    break;
  case solver::MilpStatus::Feasible:
  case solver::MilpStatus::NoSolution:
    result.lowerBound = constant + res.bestBound;
    break;
  default:
    break;
  }
  result.lowerBound = std::max(0.0, result.lowerBound);
  return result;
}
