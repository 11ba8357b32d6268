//===- PhazeDpTest.cpp - PHAZE's placement DP against brute force ---------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The DP must equal the best of every cut of the chain into stages and every
// data-parallel degree, each scored by a direct transcription of
// phaze-reference.md §5.2-5.3 written here, independently of the library.
// PHAZE's own results on its worked examples are checked by
// test/tools/phaze-partition.
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/PhazeDp.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace mlir::phaze::partition;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Time per batch of cutting graph `g` at `cuts` (stage i is
/// [cuts[i], cuts[i+1])) with d pipelines; kInf when it does not fit.
double score(const PhazeProblem &p, const PhazeGraph &g,
             const std::vector<int> &cuts, int64_t d) {
  int s = cuts.size() - 1;
  double B = p.bandwidthBytesPerS;
  int64_t width = 0;
  double worst = 0;
  for (int k = 0; k < s; ++k) {
    int i = cuts[k], j = cuts[k + 1];
    int sigma = s - k; // position from the end
    bool tp = false;
    double P = 0, A = 0, in = 0;
    for (int v = i; v < j; ++v) {
      tp |= g.layers[v].tensorParallel;
      P += g.layers[v].parameterBytes;
      A += g.layers[v].activationBytes;
    }
    for (const PhazeEdge &e : g.edges)
      if (e.to >= i && e.to < j && e.from < i)
        in += e.bytes;
    width += tp ? g.t : 1;
    double stash = p.recompute ? in : A;
    if (2 * P + (p.adam ? P : 0) + A + (sigma - 1) * stash > p.maxMemoryBytes)
      return kInf;
    // Forward finish, backward finish, recomputation, backward after it.
    auto edgeIn = [&](int v, auto fn) {
      double t = 0;
      for (const PhazeEdge &e : g.edges)
        if (e.to == v)
          t = std::max(t, fn(e));
      return t;
    };
    auto edgeOut = [&](int v, double init, auto fn) {
      double t = init;
      for (const PhazeEdge &e : g.edges)
        if (e.from == v)
          t = std::max(t, fn(e));
      return t;
    };
    std::vector<double> f(j), b(j + 1), r(j), q(j + 1);
    for (int v = i; v < j; ++v) {
      f[v] = edgeIn(v,
                    [&](const PhazeEdge &e) {
                      return e.from >= i ? f[e.from] : e.bytes / B;
                    }) +
             g.layers[v].forwardS;
      r[v] = edgeIn(v,
                    [&](const PhazeEdge &e) {
                      return e.from >= i ? r[e.from] : 0.0;
                    }) +
             g.layers[v].forwardS;
    }
    for (int v = j - 1; v >= i; --v) {
      b[v] = edgeOut(v, 0.0,
                     [&](const PhazeEdge &e) {
                       return e.to < j ? b[e.to] : e.bytes / B;
                     }) +
             g.layers[v].backwardS;
      q[v] = edgeOut(v, r[j - 1],
                     [&](const PhazeEdge &e) {
                       return e.to < j ? q[e.to] : e.bytes / B;
                     }) +
             g.layers[v].backwardS;
    }
    double load = f[j - 1] + (p.recompute && sigma > 1 ? q[i] : b[i]);
    worst = std::max(worst, load);
  }
  if (width * d > p.maxDevices)
    return kInf;
  int64_t m = (p.microbatchesPerBatch + d - 1) / d;
  double P0 = 0;
  for (int v = cuts[0]; v < cuts[1]; ++v)
    P0 += g.layers[v].parameterBytes;
  return worst * (m + s - 1) + 4.0 * (d - 1) * P0 / (B * d);
}

double bruteForce(const PhazeProblem &p) {
  double best = kInf;
  for (const PhazeGraph &g : p.graphs) {
    int n = g.layers.size();
    for (unsigned mask = 0; mask < (1u << (n - 1)); ++mask) {
      std::vector<int> cuts{0};
      for (int v = 1; v < n; ++v)
        if ((mask >> (v - 1)) & 1)
          cuts.push_back(v);
      cuts.push_back(n);
      for (int64_t d = 1; d <= std::min(p.maxDevices, p.microbatchesPerBatch);
           ++d)
        best = std::min(best, score(p, g, cuts, d));
    }
  }
  return best;
}

PhazeProblem randomProblem(std::mt19937 &rng, int n) {
  std::uniform_real_distribution<double> u(0, 1);
  PhazeProblem p;
  p.maxDevices = 1 + rng() % 8;
  p.microbatchesPerBatch = 1 + rng() % 9;
  p.bandwidthBytesPerS = 1 + std::floor(u(rng) * 3);
  p.maxMemoryBytes = 4 + std::floor(u(rng) * 20);
  p.recompute = u(rng) < 0.5;
  p.adam = u(rng) < 0.3;
  std::vector<PhazeEdge> edges;
  for (int v = 0; v + 1 < n; ++v)
    edges.push_back({v, v + 1, std::floor(u(rng) * 3)});
  if (n >= 3 && u(rng) < 0.5) // a skip edge (a residual)
    edges.push_back({0, 2, std::floor(u(rng) * 3)});
  for (int64_t t : {1, 2}) {
    PhazeGraph g;
    g.t = t;
    g.edges = edges;
    for (int v = 0; v < n; ++v) {
      PhazeLayer l;
      l.id = 10 + v;
      l.parameterBytes = std::floor(u(rng) * 3) / t;
      l.activationBytes = std::floor(u(rng) * 4) / t;
      l.forwardS = (1 + std::floor(u(rng) * 4)) / t;
      l.backwardS = (1 + std::floor(u(rng) * 6)) / t;
      // At t = 2 some layers are not split: stages of mixed width.
      l.tensorParallel = t > 1 && u(rng) < 0.7;
      g.layers.push_back(l);
    }
    p.graphs.push_back(g);
  }
  return p;
}

TEST(PhazeDp, EqualsBruteForceOnRandomChains) {
  std::mt19937 rng(2024);
  int feasible = 0, infeasible = 0;
  for (int trial = 0; trial < 300; ++trial) {
    PhazeProblem p = randomProblem(rng, 1 + trial % 6);
    std::string error;
    ASSERT_TRUE(p.check(error)) << error;
    double expected = bruteForce(p);
    PhazePlan plan = solvePhazeReference(p);
    if (expected == kInf) {
      EXPECT_FALSE(plan.feasible) << "trial " << trial;
      // The smallest memory reported admits a placement; 1e-5 less not.
      if (plan.memoryNeededBytes > 0) {
        PhazeProblem q = p;
        q.maxMemoryBytes = plan.memoryNeededBytes;
        EXPECT_TRUE(solvePhazeReference(q).feasible) << "trial " << trial;
        q.maxMemoryBytes = plan.memoryNeededBytes * (1 - 1e-5);
        EXPECT_FALSE(solvePhazeReference(q).feasible) << "trial " << trial;
      }
      ++infeasible;
      continue;
    }
    ++feasible;
    ASSERT_TRUE(plan.feasible) << "trial " << trial << ": " << plan.message;
    EXPECT_NEAR(plan.timePerBatch, expected, 1e-9 * expected)
        << "trial " << trial;
    // The plan itself scores what the DP says.
    const PhazeGraph *g = nullptr;
    for (const PhazeGraph &x : p.graphs)
      if (x.t == plan.t)
        g = &x;
    std::vector<int> cuts;
    for (const PhazeStage &s : plan.stages)
      cuts.push_back(s.first);
    cuts.push_back(g->layers.size());
    EXPECT_NEAR(score(p, *g, cuts, plan.d), plan.timePerBatch, 1e-9 * expected)
        << "trial " << trial;
  }
  EXPECT_GT(feasible, 150);
  EXPECT_GT(infeasible, 10);
}

/// The fixed strategy of worked example C' (phaze-reference.md §5.4): four
/// one-layer stages with recomputation, loads 1 + (1 + 2) = 4 except the
/// last (1 + 2 = 3): 4 · (8 + 4 − 1) = 44. By hand.
TEST(PhazeDp, FixedStrategyByHand) {
  PhazeProblem p;
  p.maxDevices = 4;
  p.microbatchesPerBatch = 8;
  p.bandwidthBytesPerS = 1;
  p.maxMemoryBytes = 3;
  p.recompute = true;
  p.fixed = {4, 1, 1, 4};
  PhazeGraph g;
  for (int v = 0; v < 4; ++v)
    g.layers.push_back({v, 0, 1, 1.0, 2.0, false});
  for (int v = 0; v < 3; ++v)
    g.edges.push_back({v, v + 1, 0});
  p.graphs.push_back(g);
  std::string error;
  ASSERT_TRUE(p.check(error)) << error;
  PhazePlan fixed = evaluateFixed(p);
  ASSERT_TRUE(fixed.feasible) << fixed.message;
  EXPECT_DOUBLE_EQ(fixed.timePerBatch, 44.0);
  // Without recomputation the first stage stashes 3 activations: 1 + 3 > 3.
  p.recompute = false;
  fixed = evaluateFixed(p);
  EXPECT_FALSE(fixed.feasible);
  EXPECT_NE(fixed.message.find("does not fit in memory"), std::string::npos);
}

TEST(PhazeDp, CheckRejectsBranchingAndBadInput) {
  PhazeProblem p;
  p.maxDevices = 2;
  p.maxMemoryBytes = 1;
  p.bandwidthBytesPerS = 1;
  PhazeGraph g;
  for (int v = 0; v < 3; ++v)
    g.layers.push_back({v, 0, 0, 1, 1, false});
  g.edges = {{0, 1, 0}, {0, 2, 0}}; // 1 and 2 are not connected
  p.graphs.push_back(g);
  std::string error;
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("branching"), std::string::npos) << error;

  p.graphs[0].edges = {{0, 1, 0}, {1, 2, 0}};
  ASSERT_TRUE(p.check(error)) << error;
  p.graphs[0].layers[1].tensorParallel = true;
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("tensor-parallel at t = 1"), std::string::npos);

  p.graphs[0].layers[1].tensorParallel = false;
  // A fixed strategy with no pipelines (it used to divide by zero).
  p.fixed = {1, 1, 0, 3};
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("fixedDP >= 1"), std::string::npos) << error;
  p.fixed = {};
  p.graphs[0].layers[2].forwardS = -1;
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("layer 2"), std::string::npos) << error;
}

} // namespace
