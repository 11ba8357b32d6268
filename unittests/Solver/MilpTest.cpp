//===- MilpTest.cpp - tests of the MILP model and the CBC back end --------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Optima are checked against brute-force enumeration, never against CBC's
// own earlier output.
//
//===----------------------------------------------------------------------===//

#include "phaze/Solver/MILP.h"

#include "gtest/gtest.h"

#include <atomic>
#include <cmath>
#include <random>
#include <thread>

using namespace mlir::phaze::solver;

namespace {

struct Knapsack {
  std::vector<double> value, weight;
  double capacity;
};

Knapsack randomKnapsack(unsigned seed, int n) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> v(1, 60), w(1, 40);
  Knapsack k;
  double total = 0;
  for (int i = 0; i < n; ++i) {
    k.value.push_back(v(rng));
    k.weight.push_back(w(rng));
    total += k.weight.back();
  }
  k.capacity = std::floor(total / 2);
  return k;
}

double bruteForce(const Knapsack &k) {
  int n = k.value.size();
  double best = 0;
  for (unsigned mask = 0; mask < (1u << n); ++mask) {
    double v = 0, w = 0;
    for (int i = 0; i < n; ++i)
      if (mask & (1u << i)) {
        v += k.value[i];
        w += k.weight[i];
      }
    if (w <= k.capacity)
      best = std::max(best, v);
  }
  return best;
}

MilpModel knapsackModel(const Knapsack &k) {
  MilpModel m;
  m.setMaximize(true);
  std::vector<Term> row;
  for (size_t i = 0; i < k.value.size(); ++i)
    row.push_back({m.addBinary(k.value[i]), k.weight[i]});
  m.addConstraint(row, -kInfinity, k.capacity, "capacity");
  return m;
}

TEST(Milp, KnapsackMatchesBruteForce) {
  for (unsigned seed = 1; seed <= 12; ++seed) {
    Knapsack k = randomKnapsack(seed, 12);
    MilpModel m = knapsackModel(k);
    MilpResult r = solveWithCbc(m);
    ASSERT_EQ(r.status, MilpStatus::Optimal) << r.message;
    EXPECT_NEAR(r.objective, bruteForce(k), 1e-6) << "seed " << seed;
    std::string error;
    EXPECT_TRUE(m.verify(r.values, 1e-6, error)) << error;
    EXPECT_NEAR(m.evaluate(r.values), r.objective, 1e-9);
  }
}

TEST(Milp, GeneralIntegersMatchBruteForce) {
  // min 3x - 2y + z  s.t.  x + y + z >= 4, 2x - y <= 3, y - z <= 2,
  // x, y, z in {0..5}.
  MilpModel m;
  int x = m.addVariable(0, 5, 3, true, "x");
  int y = m.addVariable(0, 5, -2, true, "y");
  int z = m.addVariable(0, 5, 1, true, "z");
  m.addConstraint({{x, 1}, {y, 1}, {z, 1}}, 4, kInfinity);
  m.addConstraint({{x, 2}, {y, -1}}, -kInfinity, 3);
  m.addConstraint({{y, 1}, {z, -1}}, -kInfinity, 2);
  double best = 1e9;
  for (int a = 0; a <= 5; ++a)
    for (int b = 0; b <= 5; ++b)
      for (int c = 0; c <= 5; ++c)
        if (a + b + c >= 4 && 2 * a - b <= 3 && b - c <= 2)
          best = std::min(best, 3.0 * a - 2.0 * b + c);
  MilpResult r = solveWithCbc(m);
  ASSERT_EQ(r.status, MilpStatus::Optimal) << r.message;
  EXPECT_NEAR(r.objective, best, 1e-6);
  EXPECT_NEAR(r.bestBound, best, 1e-6);
}

TEST(Milp, Infeasible) {
  MilpModel m;
  int a = m.addBinary(1), b = m.addBinary(1);
  m.addConstraint({{a, 1}, {b, 1}}, 3, kInfinity, "impossible");
  MilpResult r = solveWithCbc(m);
  EXPECT_EQ(r.status, MilpStatus::Infeasible) << toString(r.status);
  EXPECT_FALSE(r.hasSolution());
}

TEST(Milp, Unbounded) {
  MilpModel m;
  m.setMaximize(true);
  int x = m.addVariable(0, kInfinity, 1, true, "x");
  m.addConstraint({{x, 1}}, 1, kInfinity);
  MilpResult r = solveWithCbc(m);
  EXPECT_EQ(r.status, MilpStatus::Unbounded) << toString(r.status);
}

TEST(Milp, CheckRejectsBadModels) {
  std::string error;
  MilpModel m;
  m.addVariable(2, 1, 0, false, "backwards");
  EXPECT_FALSE(m.check(error));
  EXPECT_NE(error.find("backwards"), std::string::npos);
  EXPECT_EQ(solveWithCbc(m).status, MilpStatus::Error);

  MilpModel m2;
  m2.addBinary(1);
  m2.addConstraint({{7, 1.0}}, 0, 1, "dangling");
  EXPECT_FALSE(m2.check(error));
  EXPECT_NE(error.find("unknown variable 7"), std::string::npos);

  MilpModel m3;
  m3.addVariable(0, 1, NAN, false);
  EXPECT_FALSE(m3.check(error));
}

TEST(Milp, VerifyCatchesViolations) {
  Knapsack k = randomKnapsack(3, 8);
  MilpModel m = knapsackModel(k);
  std::string error;
  std::vector<double> all(8, 1.0);
  EXPECT_FALSE(m.verify(all, 1e-6, error));
  EXPECT_NE(error.find("capacity"), std::string::npos);
  std::vector<double> half(8, 0.5);
  EXPECT_FALSE(m.verify(half, 1e-6, error));
  EXPECT_NE(error.find("not integral"), std::string::npos);
  EXPECT_FALSE(m.verify({1.0}, 1e-6, error));
}

TEST(Milp, InitialSolutionIsAccepted) {
  Knapsack k = randomKnapsack(5, 10);
  MilpModel m = knapsackModel(k);
  MilpOptions opts;
  opts.initialSolution.assign(10, 0.0); // the empty knapsack is feasible
  MilpResult r = solveWithCbc(m, opts);
  ASSERT_EQ(r.status, MilpStatus::Optimal);
  EXPECT_NEAR(r.objective, bruteForce(k), 1e-6);
}

/// An optimal starting solution comes back as optimal with the brute-force
/// objective. (The case where CBC cuts the root relaxation off at the
/// start's objective is exercised by SolveSchedule.MatchesBruteForce.)
TEST(Milp, OptimalInitialSolutionIsProvenOptimal) {
  for (int seed = 0; seed < 20; ++seed) {
    Knapsack k = randomKnapsack(seed, 8);
    MilpModel m = knapsackModel(k);
    MilpResult first = solveWithCbc(m);
    ASSERT_EQ(first.status, MilpStatus::Optimal);
    MilpOptions opts;
    opts.initialSolution = first.values;
    MilpResult r = solveWithCbc(m, opts);
    ASSERT_EQ(r.status, MilpStatus::Optimal)
        << "seed " << seed << ": " << r.message;
    EXPECT_NEAR(r.objective, bruteForce(k), 1e-6);
  }
}

/// A cutoff keeps only better solutions: above the optimum (a knapsack
/// maximizes) nothing is left, Infeasible, even with a start below it; at
/// or below the optimum the brute-force optimum comes back. Without cuts and
/// heuristics the same.
TEST(Milp, CutoffKeepsOnlyBetterSolutions) {
  for (int seed = 0; seed < 12; ++seed) {
    Knapsack k = randomKnapsack(seed, 10);
    double best = bruteForce(k);
    MilpModel m = knapsackModel(k);
    for (bool plain : {false, true}) {
      MilpOptions above;
      above.cutoff = best + 0.5; // values are integers
      above.cutsAndHeuristics = !plain;
      if (seed % 2)
        above.initialSolution.assign(10, 0.0); // feasible, value 0
      MilpResult r = solveWithCbc(m, above);
      EXPECT_EQ(r.status, MilpStatus::Infeasible)
          << "seed " << seed << ": " << toString(r.status);
      MilpOptions below = above;
      below.cutoff = best - 0.5;
      below.initialSolution.clear();
      r = solveWithCbc(m, below);
      ASSERT_EQ(r.status, MilpStatus::Optimal)
          << "seed " << seed << ": " << r.message;
      EXPECT_NEAR(r.objective, best, 1e-6) << "seed " << seed;
    }
  }
}

/// A stop flag set before the solve: CBC stops at its first node, with no
/// claim of optimality, on a market split instance (equality knapsacks that
/// branch and bound cannot settle at the root), and its bound stays valid.
TEST(Milp, StopFlagEndsTheSolveWithoutAClaim) {
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> coef(0, 99);
  MilpModel m;
  std::vector<int> x;
  for (int j = 0; j < 30; ++j)
    x.push_back(m.addBinary(0));
  std::vector<Term> slack;
  for (int i = 0; i < 3; ++i) {
    std::vector<Term> row;
    double sum = 0;
    for (int j = 0; j < 30; ++j) {
      int a = coef(rng);
      row.push_back({x[j], double(a)});
      sum += a;
    }
    // Minimize the deviation from half the row's sum.
    int plus = m.addVariable(0, kInfinity, 1, false);
    int minus = m.addVariable(0, kInfinity, 1, false);
    row.push_back({plus, -1});
    row.push_back({minus, 1});
    double half = std::floor(sum / 2);
    m.addConstraint(row, half, half);
  }
  std::atomic<bool> stop{true};
  MilpOptions options;
  options.stop = &stop;
  options.timeLimitS = 60;
  MilpResult r = solveWithCbc(m, options);
  EXPECT_NE(r.status, MilpStatus::Optimal);
  EXPECT_NE(r.status, MilpStatus::Infeasible); // a false claim too
  EXPECT_NE(r.status, MilpStatus::Error) << r.message;
  EXPECT_LT(r.seconds, 30);
  EXPECT_GE(r.bestBound, -1e-9); // deviations are non-negative
  if (r.status == MilpStatus::Feasible) {
    std::string error;
    EXPECT_TRUE(m.verify(r.values, 1e-6, error)) << error;
    EXPECT_GE(r.objective, r.bestBound - 1e-6);
  }
}

TEST(Milp, ConcurrentSolvesShareNothing) {
  std::vector<Knapsack> ks;
  for (unsigned s = 20; s < 28; ++s)
    ks.push_back(randomKnapsack(s, 11));
  std::vector<double> got(ks.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < ks.size(); ++i)
    threads.emplace_back([&, i] {
      MilpResult r = solveWithCbc(knapsackModel(ks[i]));
      got[i] = r.status == MilpStatus::Optimal ? r.objective : -1;
    });
  for (std::thread &t : threads)
    t.join();
  for (size_t i = 0; i < ks.size(); ++i)
    EXPECT_NEAR(got[i], bruteForce(ks[i]), 1e-6) << i;
}

} // namespace
