//===- ProblemTest.cpp - tests of the layer scheduling library ------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Invariants from phaze-reference.md §4.3: on a chain the makespan is
// sum_i min(parallel_i, single_i); always critical path <= makespan <=
// min(sum parallel, sum single); verify() accepts every produced schedule and
// rejects each kind of violation.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Problem.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <random>

using namespace mlir::phaze::sched;

namespace {

Problem randomProblem(std::mt19937 &rng, int n) {
  std::uniform_real_distribution<double> lat(0.5, 10.0);
  std::uniform_int_distribution<int> kind(0, 2), units(1, 4);
  std::bernoulli_distribution edge(0.3);
  Problem p;
  p.tensorUnits = units(rng);
  p.vectorUnits = units(rng);
  for (int i = 0; i < n; ++i) {
    Task t;
    t.name = "t" + std::to_string(i);
    t.kind = static_cast<UnitKind>(kind(rng));
    t.single = lat(rng);
    t.parallel =
        t.single / std::uniform_real_distribution<double>(0.5, 4.0)(rng);
    p.tasks.push_back(t);
  }
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (edge(rng))
        p.edges.push_back({i, j});
  return p;
}

TEST(Scheduling, ChainMakespanIsSumOfBestLatencies) {
  Problem p;
  p.tensorUnits = 4;
  p.vectorUnits = 2;
  double expect = 0;
  for (int i = 0; i < 6; ++i) {
    Task t;
    t.kind = i % 2 ? UnitKind::Vector : UnitKind::Tensor;
    t.single = 1.0 + i;
    t.parallel = i % 3 == 0 ? 0.5 + i : 2.0 + i;
    p.tasks.push_back(t);
    expect += std::min(t.single, t.parallel);
    if (i)
      p.edges.push_back({i - 1, i});
  }
  std::string error;
  ASSERT_TRUE(p.check(error)) << error;
  Schedule s = listSchedule(p);
  ASSERT_TRUE(verify(p, s, error)) << error;
  EXPECT_DOUBLE_EQ(s.makespan, expect);
  EXPECT_DOUBLE_EQ(lowerBound(p), expect);
}

/// Two branches between s and e: x is long on one unit (10) and short on
/// all (3), y 6 either way. At best latencies the longest path runs
/// through y (1 + 6 + 1 > 1 + 3 + 1), at one-unit latencies through x
/// (2 + 10 + 1 > 2 + 6 + 1).
TEST(Scheduling, LongestOneUnitPathTakesOneUnitLatencies) {
  Problem p;
  p.tasks = {{"s", UnitKind::Vector, 2, 1},
             {"x", UnitKind::Tensor, 10, 3},
             {"y", UnitKind::Vector, 6, 6},
             {"e", UnitKind::Vector, 1, 1}};
  p.edges = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};
  EXPECT_EQ(longestOneUnitPath(p), (std::vector<int>{0, 1, 3}));
  EXPECT_DOUBLE_EQ(criticalPath(p), 1 + 6 + 1);
  EXPECT_TRUE(longestOneUnitPath(Problem{}).empty());
}

TEST(Scheduling, RandomDagsRespectTheBounds) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 300; ++trial) {
    Problem p = randomProblem(rng, 1 + trial % 12);
    std::string error;
    ASSERT_TRUE(p.check(error)) << error;
    Schedule s = listSchedule(p);
    ASSERT_TRUE(verify(p, s, error)) << error << " (trial " << trial << ")";
    double sumSingle = 0, sumParallel = 0;
    for (const Task &t : p.tasks) {
      sumSingle += t.single;
      sumParallel += t.parallel;
    }
    EXPECT_LE(lowerBound(p), s.makespan * (1 + 1e-12));
    EXPECT_LE(s.makespan, serialBound(p) * (1 + 1e-12));
    EXPECT_LE(serialBound(p), std::min(sumSingle, sumParallel) * (1 + 1e-12));
  }
}

/// The list order takes every task once, after its predecessors, ready
/// tasks by longest path to the end; the list schedule is the serial
/// schedule of that order in the list schedule's own modes.
TEST(Scheduling, PriorityOrderIsTheListOrder) {
  std::mt19937 rng(13);
  for (int trial = 0; trial < 100; ++trial) {
    Problem p = randomProblem(rng, 1 + trial % 12);
    std::vector<int> order = priorityOrder(p);
    ASSERT_EQ(order.size(), p.tasks.size());
    std::vector<int> at(p.tasks.size(), -1);
    for (size_t k = 0; k < order.size(); ++k) {
      ASSERT_EQ(at[order[k]], -1) << "task twice, trial " << trial;
      at[order[k]] = k;
    }
    for (auto [a, b] : p.edges)
      EXPECT_LT(at[a], at[b]) << "trial " << trial;
    // Among the tasks ready when a task is taken, none has a longer tail.
    std::vector<double> tail = pathsToEnd(p);
    for (size_t k = 0; k < order.size(); ++k)
      for (size_t l = k + 1; l < order.size(); ++l) {
        bool ready = true;
        for (auto [a, b] : p.edges)
          if (b == order[l] && at[a] >= static_cast<int>(k))
            ready = false;
        if (ready) {
          EXPECT_LE(tail[order[l]], tail[order[k]]) << "trial " << trial;
        }
      }
    Schedule list = listSchedule(p);
    Schedule again = serialSchedule(p, order, list.parallel);
    EXPECT_DOUBLE_EQ(again.makespan, list.makespan) << "trial " << trial;
  }
}

TEST(Scheduling, IndependentTasksShareUnits) {
  // Four independent tensor tasks of 1 s on 2 units, 3 s parallel: two
  // rounds of two = 2 s beats running each alone in parallel (12 s).
  Problem p;
  p.tensorUnits = 2;
  for (int i = 0; i < 4; ++i)
    p.tasks.push_back({"t" + std::to_string(i), UnitKind::Tensor, 1.0, 3.0});
  Schedule s = listSchedule(p);
  std::string error;
  ASSERT_TRUE(verify(p, s, error)) << error;
  EXPECT_DOUBLE_EQ(s.makespan, 2.0);
  EXPECT_DOUBLE_EQ(lowerBound(p), 2.0);
}

TEST(Scheduling, VerifyRejectsViolations) {
  Problem p;
  p.tensorUnits = 1;
  p.vectorUnits = 1;
  p.tasks = {{"a", UnitKind::Tensor, 2, 1},
             {"b", UnitKind::Tensor, 2, 1},
             {"c", UnitKind::Vector, 2, 1}};
  p.edges = {{0, 2}};
  std::string error;
  Schedule dep{{0, 2, 1}, {false, false, false}, 4};
  EXPECT_FALSE(verify(p, dep, error));
  EXPECT_NE(error.find("starts before"), std::string::npos);
  Schedule units{{0, 0, 2}, {false, false, false}, 4};
  EXPECT_FALSE(verify(p, units, error));
  EXPECT_NE(error.find("tensor"), std::string::npos);
  Schedule alone{{0, 2, 0.5}, {true, false, false}, 4};
  alone.start[2] = 1.0; // c after a (a parallel: 1 s) ...
  alone.start[1] = 0.5; // ... but b overlaps the parallel a
  EXPECT_FALSE(verify(p, alone, error));
  EXPECT_NE(error.find("intra-op-parallel"), std::string::npos);
  Schedule ok{{0, 2, 4}, {false, false, false}, 6};
  EXPECT_TRUE(verify(p, ok, error)) << error;
  ok.makespan = 5;
  EXPECT_FALSE(verify(p, ok, error));
  EXPECT_NE(error.find("makespan"), std::string::npos);
}

TEST(Scheduling, CheckRejectsBadProblems) {
  std::string error;
  Problem cyc;
  cyc.tasks = {{"a", UnitKind::Tensor, 1, 1}, {"b", UnitKind::Tensor, 1, 1}};
  cyc.edges = {{0, 1}, {1, 0}};
  EXPECT_FALSE(cyc.check(error));
  EXPECT_NE(error.find("cycle"), std::string::npos);
  Problem none;
  none.tensorUnits = 0;
  none.tasks = {{"mm", UnitKind::Tensor, 1, 1}};
  EXPECT_FALSE(none.check(error));
  EXPECT_NE(error.find("'mm' needs a tensor unit"), std::string::npos);
  Problem neg;
  neg.tasks = {{"x", UnitKind::Vector, -1, 1}};
  EXPECT_FALSE(neg.check(error));
  Problem edge;
  edge.tasks = {{"x", UnitKind::Vector, 1, 1}};
  edge.edges = {{0, 3}};
  EXPECT_FALSE(edge.check(error));
}

} // namespace
