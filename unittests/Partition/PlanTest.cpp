//===- PlanTest.cpp - phaze's placement DP against brute force ------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// solvePlan must equal the best of every cut of the chain, every d and every
// per-stage recomputation choice, each scored by a transcription of the
// model in Plan.h written here, independently of the library.
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/Plan.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

using namespace mlir::phaze::partition;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double scoreMixed(const PlanProblem &p, const std::vector<int> &firsts,
                  const std::vector<int64_t> &ts, int64_t d,
                  const std::vector<bool> &rec);

/// Time per batch of a plan with every stage at p.t, or kInf when it does
/// not fit (the transcription of the model below, scoreGraph).
double score(const PlanProblem &p, const std::vector<int> &firsts, int64_t d,
             const std::vector<bool> &rec) {
  return scoreMixed(p, firsts, std::vector<int64_t>(firsts.size(), p.t), d,
                    rec);
}

double bruteForceGraph(const PlanProblem &p);

/// The best over every cut, d and recomputation per stage (the layer-graph
/// brute force below on the chain, one width).
double bruteForce(const PlanProblem &p) { return bruteForceGraph(p); }

PlanProblem randomProblem(std::mt19937 &rng, int n) {
  std::uniform_real_distribution<double> u(0, 1);
  auto pick = [&](int k) { return static_cast<double>(rng() % k); };
  PlanProblem p;
  p.t = 1 + rng() % 2;
  p.devices = p.t * (1 + rng() % 6);
  p.devicesPerNode = std::vector<int64_t>{1, 2, 4}[rng() % 3];
  p.intraNode = {4, 0.01 * pick(3)};
  p.interNode = {1 + pick(2), 0.05 * pick(3)};
  p.microbatches = 1 + rng() % 8;
  p.memoryBytes = 10 + pick(30);
  p.schedule =
      u(rng) < 0.7 ? PipelineSchedule::OneFOneB : PipelineSchedule::GPipe;
  p.recompute =
      std::vector<RecomputePolicy>{RecomputePolicy::Off, RecomputePolicy::Full,
                                   RecomputePolicy::Auto}[rng() % 3];
  p.checkpoint =
      u(rng) < 0.3 ? RecomputeCheckpoint::Stage : RecomputeCheckpoint::Layer;
  for (int v = 0; v < n; ++v) {
    PlanLayer l;
    l.forwardS = 1 + pick(4);
    l.backwardS = 1 + pick(6);
    l.optimizerS = 0.5 * pick(3);
    l.parameterBytes = pick(4);
    l.gradientBytes = l.parameterBytes;
    l.optimizerStateBytes = pick(3);
    l.stashBytes = 1 + pick(5);
    l.recomputeStashBytes = 0.5 * pick(3);
    // Now and then a large boundary: a stage's load is then not monotone
    // in its end (a longer stage may receive a smaller gradient).
    l.outputBytes = u(rng) < 0.2 ? 20 + pick(100) : pick(3);
    if (u(rng) < 0.2)
      l.forwardS = 0.25, l.backwardS = 0;
    p.layers.push_back(l);
  }
  return p;
}

TEST(Plan, EqualsBruteForceOnRandomChains) {
  std::mt19937 rng(175);
  int feasible = 0, infeasible = 0;
  for (int trial = 0; trial < 400; ++trial) {
    PlanProblem p = randomProblem(rng, 1 + trial % 6);
    std::string error;
    ASSERT_TRUE(p.check(error)) << error;
    double expected = bruteForce(p);
    Plan plan = solvePlan(p);
    // Without the explanation (a search's setting) the verdict and the
    // optimum are the same.
    PlanProblem quiet = p;
    quiet.explainInfeasible = false;
    Plan verdict = solvePlan(quiet);
    EXPECT_EQ(verdict.feasible, plan.feasible) << "trial " << trial;
    if (verdict.feasible && plan.feasible) {
      EXPECT_EQ(verdict.timePerBatchS, plan.timePerBatchS) << "trial " << trial;
    }
    if (expected == kInf) {
      EXPECT_FALSE(plan.feasible) << "trial " << trial;
      // The smallest memory reported does admit a placement.
      if (plan.memoryNeededBytes > 0) {
        PlanProblem q = p;
        q.memoryBytes = plan.memoryNeededBytes;
        EXPECT_TRUE(solvePlan(q).feasible) << "trial " << trial;
        q.memoryBytes = plan.memoryNeededBytes * (1 - 1e-5);
        EXPECT_FALSE(solvePlan(q).feasible) << "trial " << trial;
      }
      ++infeasible;
      continue;
    }
    ++feasible;
    ASSERT_TRUE(plan.feasible) << "trial " << trial << ": " << plan.message;
    EXPECT_NEAR(plan.timePerBatchS, expected, 1e-9 * expected)
        << "trial " << trial;
    // The plan scores what the DP says, and evaluateStages agrees.
    std::vector<int> firsts;
    std::vector<bool> rec;
    for (const PlanStage &s : plan.stages) {
      firsts.push_back(s.first);
      rec.push_back(s.recompute);
    }
    EXPECT_NEAR(score(p, firsts, plan.d, rec), plan.timePerBatchS,
                1e-9 * expected);
    Plan again = evaluateStages(p, firsts, plan.d, rec);
    ASSERT_TRUE(again.feasible) << again.message;
    EXPECT_NEAR(again.timePerBatchS, plan.timePerBatchS, 1e-9 * expected);
  }
  EXPECT_GT(feasible, 200);
  EXPECT_GT(infeasible, 20);
}

/// A large activation at one boundary: cutting there costs a 100-byte
/// transfer; a longer first stage receives a small gradient instead. From a
/// review; the optimum is checked against the brute force.
TEST(Plan, LargeBoundaryDoesNotCutTheScanShort) {
  PlanProblem p;
  p.devices = 2;
  p.devicesPerNode = 2;
  p.intraNode = p.interNode = {1, 0};
  p.microbatches = 9;
  p.memoryBytes = 1e9;
  p.recompute = RecomputePolicy::Off;
  double fw[] = {2, 1, 1, 2}, out[] = {1, 100, 0, 0};
  for (int v = 0; v < 4; ++v)
    p.layers.push_back({"l", fw[v], 0, 0, 0, 0, 0, 0, 0, out[v], 0});
  Plan plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, bruteForce(p));
  // Cutting after layer 2 (stages [0, 2], [3]): loads 4 + 0 and 2 + 0;
  // 4 x (9 + 1) = 40 with d = 1, better than one stage over d = 1 (6 x 9 =
  // 54; d = 2 does not divide 9).
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 40.0);
}

/// Four identical layers (1 s forward, 2 s backward), 4 devices, 8
/// microbatches, plenty of memory, fast links: one stage over d = 4
/// (12 s per microbatch x 2 microbatches = 24 s, PHAZE's example A) beats
/// four stages (3 s x (8 + 3) = 33 s). By hand.
TEST(Plan, ChainByHand) {
  PlanProblem p;
  p.devices = 4;
  p.devicesPerNode = 4;
  p.intraNode = p.interNode = {1e30, 0};
  p.microbatches = 8;
  p.memoryBytes = 1e9;
  p.recompute = RecomputePolicy::Off;
  for (int v = 0; v < 4; ++v)
    p.layers.push_back({"l", 1, 2, 0, 0, 0, 0, 1, 0, 0, 0});
  Plan plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 24.0);
  EXPECT_EQ(plan.d, 4);
  EXPECT_EQ(plan.p, 1);
  Plan four = evaluateFixed(p, 4, 1);
  ASSERT_TRUE(four.feasible) << four.message;
  EXPECT_DOUBLE_EQ(four.timePerBatchS, 33.0);
  // With 1 byte per parameter and gradient on each layer and a 1 byte/s
  // data-parallel link the ring all-reduce of 4 bytes over d = 4 costs
  // 2 * 3/4 * 4 = 6 s: 30 s, still the best (d = 2 with two stages:
  // 6 s x (4 + 1) + 2 * 1/2 * 2 = 32 s).
  for (PlanLayer &l : p.layers)
    l.parameterBytes = l.gradientBytes = 1;
  p.intraNode = p.interNode = {1, 0};
  plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible);
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 30.0);
}

TEST(Plan, CheckRejectsBadInput) {
  PlanProblem p;
  p.intraNode = p.interNode = {1, 0};
  p.memoryBytes = 1;
  p.layers.push_back({"a", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  std::string error;
  // Layers that take no time would give an infinite throughput.
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("take no time"), std::string::npos) << error;
  p.layers[0].forwardS = 1;
  EXPECT_TRUE(p.check(error)) << error;
  p.t = 2; // more than the one device
  EXPECT_FALSE(p.check(error));
  p.t = 1;
  p.layers[0].stashBytes = -1;
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("layer 0 (a)"), std::string::npos) << error;
  // One recomputation flag per stage.
  p.layers[0].stashBytes = 0;
  p.layers.push_back(p.layers[0]);
  p.devices = 2;
  p.recompute = RecomputePolicy::Auto;
  EXPECT_TRUE(evaluateStages(p, {0, 1}, 1, {true, false}).feasible);
  Plan wrong = evaluateStages(p, {0, 1}, 1, {true});
  EXPECT_FALSE(wrong.feasible);
  EXPECT_NE(wrong.message.find("one recomputation flag per stage"),
            std::string::npos);
}

TEST(Plan, InfeasibleSaysHowMuchMemory) {
  PlanProblem p;
  p.devices = 1;
  p.intraNode = p.interNode = {1, 0};
  p.microbatches = 4;
  p.memoryBytes = 5;
  p.recompute = RecomputePolicy::Off;
  // One device: one stage of both layers, 2 + 2 static + 1 microbatch of
  // 1 + 2 activations = 7 bytes.
  p.layers.push_back({"a", 1, 1, 0, 1, 1, 0, 1, 0, 0, 0});
  p.layers.push_back({"b", 1, 1, 0, 1, 1, 0, 2, 0, 0, 0});
  Plan plan = solvePlan(p);
  EXPECT_FALSE(plan.feasible);
  EXPECT_NEAR(plan.memoryNeededBytes, 7.0, 1e-5);
  EXPECT_NE(plan.message.find("binding: memory"), std::string::npos)
      << plan.message;
  // A search that only needs the verdict skips the explanation.
  p.explainInfeasible = false;
  plan = solvePlan(p);
  EXPECT_FALSE(plan.feasible);
  EXPECT_EQ(plan.memoryNeededBytes, 0.0);
}

//===----------------------------------------------------------------------===//
// Stages of several widths
//===----------------------------------------------------------------------===//

/// The layers at width t (p.t: p.layers; otherwise from otherWidths).
const std::vector<PlanLayer> &layersAt(const PlanProblem &p, int64_t t) {
  if (t == p.t)
    return p.layers;
  for (const PlanWidth &w : p.otherWidths)
    if (w.t == t)
      return w.layers;
  ADD_FAILURE() << "no width " << t;
  return p.layers;
}

double scoreGraph(const PlanProblem &p, const std::vector<int> &stageOf,
                  int64_t s, const std::vector<int64_t> &ts, int64_t d,
                  const std::vector<bool> &rec);

/// Time per batch of stages cut at `firsts` with widths `ts`, recomputation
/// `rec` and d pipelines, or kInf: the layer-graph transcription below on
/// the chain.
double scoreMixed(const PlanProblem &p, const std::vector<int> &firsts,
                  const std::vector<int64_t> &ts, int64_t d,
                  const std::vector<bool> &rec) {
  int n = p.layers.size();
  std::vector<int> stageOf(n);
  for (size_t k = 0; k < firsts.size(); ++k)
    for (int v = firsts[k]; v < (k + 1 < firsts.size() ? firsts[k + 1] : n);
         ++v)
      stageOf[v] = k;
  return scoreGraph(p, stageOf, firsts.size(), ts, d, rec);
}

/// The best over every cut, width and recomputation per stage and d: the
/// layer-graph brute force below on the chain.
double bruteForceMixed(const PlanProblem &p) { return bruteForceGraph(p); }

/// A random chain at widths 1, 2 and maybe 4: a wider layer is faster but
/// not perfectly (a random efficiency), holds a share of the weights, and
/// keeps its replicated activations.
PlanProblem randomMixedProblem(std::mt19937 &rng, int n) {
  std::uniform_real_distribution<double> u(0, 1);
  PlanProblem p = randomProblem(rng, n);
  p.t = 1;
  p.devices = 2 + rng() % 7;
  p.devicesPerNode = std::vector<int64_t>{1, 2, 4}[rng() % 3];
  // Now and then a slower intra-node link (u is then compared exactly).
  if (u(rng) < 0.4)
    p.intraNode = {0.25, 0.5};
  std::vector<int64_t> widths{2};
  if (p.devices >= 4 && u(rng) < 0.5)
    widths.push_back(4);
  for (int64_t t : widths) {
    PlanWidth w;
    w.t = t;
    for (const PlanLayer &l : p.layers) {
      PlanLayer x = l;
      double eff = 0.5 + 0.5 * u(rng);
      x.forwardS = l.forwardS / (t * eff);
      x.backwardS = l.backwardS / (t * eff);
      x.optimizerS = l.optimizerS / t;
      x.parameterBytes = l.parameterBytes / t;
      x.gradientBytes = l.gradientBytes / t;
      x.optimizerStateBytes = l.optimizerStateBytes / t;
      x.stashBytes = l.stashBytes * (0.5 + 0.5 * u(rng));
      w.layers.push_back(x);
    }
    p.otherWidths.push_back(w);
  }
  return p;
}

/// An infeasible plan names the smallest memory that admits one: that
/// memory does, 1e-5 less does not.
void expectMemoryExplained(const PlanProblem &p, const Plan &plan, int trial) {
  EXPECT_FALSE(plan.feasible) << "trial " << trial;
  ASSERT_GT(plan.memoryNeededBytes, 0) << "trial " << trial;
  PlanProblem q = p;
  q.memoryBytes = plan.memoryNeededBytes;
  EXPECT_TRUE(solvePlan(q).feasible) << "trial " << trial;
  q.memoryBytes = plan.memoryNeededBytes * (1 - 1e-5);
  EXPECT_FALSE(solvePlan(q).feasible) << "trial " << trial;
}

TEST(Plan, MixedWidthsEqualBruteForce) {
  std::mt19937 rng(2021);
  int feasible = 0, infeasible = 0, mixed = 0;
  for (int trial = 0; trial < 400; ++trial) {
    PlanProblem p = randomMixedProblem(rng, 1 + trial % 5);
    std::string error;
    ASSERT_TRUE(p.check(error)) << error;
    double expected = bruteForceMixed(p);
    Plan plan = solvePlan(p);
    PlanProblem quiet = p;
    quiet.explainInfeasible = false;
    Plan verdict = solvePlan(quiet);
    EXPECT_EQ(verdict.feasible, plan.feasible) << "trial " << trial;
    if (expected == kInf) {
      expectMemoryExplained(p, plan, trial);
      ++infeasible;
      continue;
    }
    ++feasible;
    ASSERT_TRUE(plan.feasible) << "trial " << trial << ": " << plan.message;
    EXPECT_NEAR(plan.timePerBatchS, expected, 1e-9 * expected)
        << "trial " << trial;
    std::vector<int> firsts;
    std::vector<int64_t> ts;
    std::vector<bool> rec;
    int64_t u = 0;
    for (const PlanStage &s : plan.stages) {
      firsts.push_back(s.first);
      ts.push_back(s.t);
      rec.push_back(s.recompute);
      u += s.t;
      mixed += s.t != plan.stages[0].t;
    }
    EXPECT_EQ(plan.devicesPerPipeline, u);
    EXPECT_LE(u * plan.d, p.devices);
    EXPECT_NEAR(scoreMixed(p, firsts, ts, plan.d, rec), plan.timePerBatchS,
                1e-9 * expected);
    Plan again = evaluateStages(p, firsts, plan.d, rec, ts);
    ASSERT_TRUE(again.feasible) << again.message;
    EXPECT_NEAR(again.timePerBatchS, plan.timePerBatchS, 1e-9 * expected);
  }
  EXPECT_GT(feasible, 150);
  EXPECT_GT(infeasible, 10);
  EXPECT_GT(mixed, 5); // some optima do mix widths
}

/// By hand: an embedding (2 s forward, 2 s backward, no faster at t = 2)
/// and a layer of 8 s per microbatch at t = 1 or 4.5 s at t = 2; 3 devices,
/// fast links. The expected values are worked out case by case below.
TEST(Plan, MixedWidthsByHand) {
  PlanProblem p;
  p.devices = 3;
  p.devicesPerNode = 4;
  p.intraNode = p.interNode = {1e30, 0};
  p.microbatches = 1;
  p.memoryBytes = 1e9;
  p.recompute = RecomputePolicy::Off;
  p.layers.push_back({"embed", 2, 2, 0, 0, 0, 0, 0, 0, 0, 0});
  p.layers.push_back({"layer", 4, 4, 0, 0, 0, 0, 0, 0, 0, 0});
  PlanWidth two;
  two.t = 2;
  two.layers = p.layers;
  two.layers[1].forwardS = two.layers[1].backwardS = 2.25;
  p.otherWidths.push_back(two);
  Plan plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  // Candidates with one microbatch: one stage t1: 12; one stage t2: 4 +
  // 4.5 = 8.5; [t1][t2]: max(4, 4.5) x 2 = 9; [t2][t2] needs 4 devices.
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 8.5);
  EXPECT_EQ(plan.p, 1);
  EXPECT_EQ(plan.stages[0].t, 2);
  // Two microbatches: one stage t1 over d = 2 (1 microbatch each): 12; one
  // stage t2, d = 1: 8.5 x 2 = 17; [t1][t2]: 4.5 x 3 = 13.5.
  p.microbatches = 2;
  plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 12.0);
  EXPECT_EQ(plan.d, 2);
  // Make the t = 1 layer slower (20 s): one stage t1, d = 2: 24; [t1][t2]:
  // 13.5; the mix wins, 3 devices per pipeline.
  p.layers[1].forwardS = p.layers[1].backwardS = 10;
  plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 13.5);
  ASSERT_EQ(plan.p, 2);
  EXPECT_EQ(plan.stages[0].t, 1);
  EXPECT_EQ(plan.stages[1].t, 2);
  EXPECT_EQ(plan.devicesPerPipeline, 3);
  EXPECT_EQ(plan.t, 2);
}

TEST(Plan, CheckRejectsBadWidths) {
  PlanProblem p;
  p.devices = 4;
  p.intraNode = p.interNode = {1, 0};
  p.memoryBytes = 1;
  p.layers.push_back({"a", 1, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  PlanWidth w;
  w.t = 2;
  std::string error;
  p.otherWidths = {w};
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("width t = 2: has 0 layers, the chain 1"),
            std::string::npos)
      << error;
  w.layers = p.layers;
  p.otherWidths = {w, w};
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("given twice"), std::string::npos) << error;
  w.t = 8;
  p.otherWidths = {w};
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("must be in [1, devices = 4]"), std::string::npos)
      << error;
  w.t = 2;
  p.otherWidths = {w};
  EXPECT_TRUE(p.check(error)) << error;
  Plan bad = evaluateStages(p, {0}, 1, {}, {3});
  EXPECT_FALSE(bad.feasible);
  EXPECT_NE(bad.message.find("width t = 3 is not one of the problem's"),
            std::string::npos)
      << bad.message;
}

//===----------------------------------------------------------------------===//
// Layer DAGs
//===----------------------------------------------------------------------===//

/// Time per batch of layers assigned to stages `stageOf` (0 = input side)
/// with widths `ts`, recomputation `rec` and d pipelines, or kInf. The
/// model of Plan.h for a layer DAG (no edges: the chain), transcribed: a
/// stage receives the output of every earlier layer it reads (one message),
/// sends back the gradients of its layers that later stages read (one
/// message); a pipeline spans the sum of its stages' widths.
double scoreGraph(const PlanProblem &p, const std::vector<int> &stageOf,
                  int64_t s, const std::vector<int64_t> &ts, int64_t d,
                  const std::vector<bool> &rec) {
  int n = p.layers.size();
  std::vector<PlanEdge> edges = p.edges;
  if (edges.empty())
    for (int v = 0; v + 1 < n; ++v)
      edges.push_back({v, v + 1});
  int64_t u = 0;
  for (int64_t t : ts)
    u += t;
  if (p.microbatches % d || u * d > p.devices)
    return kInf;
  int64_t m = p.microbatches / d;
  auto inNode = [&](int64_t devices) {
    return devices <= p.devicesPerNode && p.devicesPerNode % devices == 0;
  };
  const PlanLink &pp = inNode(u) ? p.intraNode : p.interNode;
  const PlanLink &dl = inNode(u * d) ? p.intraNode : p.interNode;
  double maxLoad = 0, maxAr = 0, maxOpt = 0;
  for (int64_t k = 0; k < s; ++k) {
    if (rec[k] && p.recompute == RecomputePolicy::Off)
      return kInf;
    if (!rec[k] && p.recompute == RecomputePolicy::Full)
      return kInf;
    const std::vector<PlanLayer> &ls = layersAt(p, ts[k]);
    double load = 0, stat = 0, act = 0, peak = 0, grad = 0, opt = 0;
    double in = 0, out = 0;
    bool receives = false, sends = false;
    for (int v = 0; v < n; ++v) {
      if (stageOf[v] != k)
        continue;
      const PlanLayer &l = ls[v];
      load += l.forwardS + l.backwardS + (rec[k] ? l.forwardS : 0);
      stat += l.parameterBytes + l.gradientBytes + l.optimizerStateBytes;
      act += rec[k] ? l.recomputeStashBytes : l.stashBytes;
      peak = std::max(peak, l.stashBytes);
      grad += l.gradientBytes;
      opt += l.optimizerS;
      bool toLater = false;
      for (const PlanEdge &e : edges)
        if (e.from == v && stageOf[e.to] > k)
          toLater = true;
      if (toLater) {
        sends = true;
        out += p.layers[v].outputBytes;
      }
    }
    for (int x = 0; x < n; ++x) {
      if (stageOf[x] >= k)
        continue;
      bool feeds = false;
      for (const PlanEdge &e : edges)
        if (e.from == x && stageOf[e.to] == k)
          feeds = true;
      if (feeds) {
        receives = true;
        in += p.layers[x].outputBytes;
      }
    }
    if (receives)
      load += in / pp.bandwidthBytesPerS + pp.latencyS;
    if (sends)
      load += out / pp.bandwidthBytesPerS + pp.latencyS;
    int64_t sigma = s - k;
    int64_t inflight =
        p.schedule == PipelineSchedule::GPipe ? m : std::min<int64_t>(sigma, m);
    double mem = stat + inflight * act + (rec[k] ? peak : 0);
    if (rec[k] && p.checkpoint == RecomputeCheckpoint::Stage) {
      // Only the stage's inputs are kept: the outputs it receives, and the
      // model's input for layers that read no layer; all its activations
      // are rebuilt.
      double input = in, all = 0;
      for (int v = 0; v < n; ++v) {
        if (stageOf[v] != k)
          continue;
        all += ls[v].stashBytes;
        bool reads = false;
        for (const PlanEdge &e : edges)
          reads |= e.to == v;
        if (!reads)
          input += ls[v].recomputeStashBytes;
      }
      mem = stat + inflight * input + all;
    }
    if (mem > p.memoryBytes)
      return kInf;
    double ar = d > 1 && grad > 0
                    ? 2.0 * (d - 1) / d * grad / dl.bandwidthBytesPerS +
                          2.0 * (d - 1) * dl.latencyS
                    : 0;
    maxLoad = std::max(maxLoad, load);
    maxAr = std::max(maxAr, ar);
    maxOpt = std::max(maxOpt, opt);
  }
  return maxLoad * (m + s - 1) + maxAr + maxOpt;
}

/// The best over every assignment of layers to s non-empty stages that no
/// edge runs backwards in (no edges: the chain's), every width and
/// recomputation per stage, every d.
double bruteForceGraph(const PlanProblem &p) {
  int n = p.layers.size();
  std::vector<PlanEdge> edges = p.edges;
  if (edges.empty())
    for (int v = 0; v + 1 < n; ++v)
      edges.push_back({v, v + 1});
  std::vector<int64_t> widths{p.t};
  for (const PlanWidth &w : p.otherWidths)
    widths.push_back(w.t);
  int nw = widths.size();
  double best = kInf;
  for (int64_t s = 1; s <= n; ++s) {
    int64_t assignments = 1;
    for (int v = 0; v < n; ++v)
      assignments *= s;
    for (int64_t code = 0; code < assignments; ++code) {
      std::vector<int> stageOf(n);
      std::vector<bool> used(s, false);
      for (int v = 0, x = code; v < n; ++v, x /= s) {
        stageOf[v] = x % s;
        used[stageOf[v]] = true;
      }
      if (std::find(used.begin(), used.end(), false) != used.end())
        continue;
      bool forward = true;
      for (const PlanEdge &e : edges)
        forward &= stageOf[e.from] <= stageOf[e.to];
      if (!forward)
        continue;
      int combos = 1;
      for (int k = 0; k < s; ++k)
        combos *= nw;
      for (int c = 0; c < combos; ++c) {
        std::vector<int64_t> ts;
        for (int k = 0, x = c; k < s; ++k, x /= nw)
          ts.push_back(widths[x % nw]);
        for (int64_t d = 1; d <= p.devices; ++d)
          for (unsigned r = 0; r < (1u << s); ++r) {
            std::vector<bool> rec;
            for (int k = 0; k < s; ++k)
              rec.push_back((r >> k) & 1);
            best = std::min(best, scoreGraph(p, stageOf, s, ts, d, rec));
          }
      }
    }
  }
  return best;
}

TEST(Plan, LayerGraphsEqualBruteForce) {
  std::mt19937 rng(2104);
  std::uniform_real_distribution<double> u(0, 1);
  int feasible = 0, infeasible = 0, nonInterval = 0;
  for (int trial = 0; trial < 400; ++trial) {
    int n = 2 + trial % 4;
    PlanProblem p = n <= 4 && u(rng) < 0.4 ? randomMixedProblem(rng, n)
                                           : randomProblem(rng, n);
    // A random DAG in layer order; now and then without a path through
    // every layer (branches: stages need not be intervals).
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b)
        if (u(rng) < (b == a + 1 ? 0.6 : 0.35))
          p.edges.push_back({a, b});
    // No edge means the chain (Plan.h).
    if (p.edges.empty())
      for (int a = 0; a + 1 < n; ++a)
        p.edges.push_back({a, a + 1});
    std::string error;
    ASSERT_TRUE(p.check(error)) << error;
    double expected = bruteForceGraph(p);
    Plan plan = solvePlan(p);
    if (expected == kInf) {
      expectMemoryExplained(p, plan, trial);
      ++infeasible;
      continue;
    }
    ++feasible;
    ASSERT_TRUE(plan.feasible) << "trial " << trial << ": " << plan.message;
    EXPECT_NEAR(plan.timePerBatchS, expected, 1e-9 * expected)
        << "trial " << trial;
    std::vector<std::vector<int>> sets;
    std::vector<int> stageOf(n);
    std::vector<int64_t> ts;
    std::vector<bool> rec;
    for (const PlanStage &st : plan.stages) {
      for (int v : st.layers)
        stageOf[v] = sets.size();
      nonInterval +=
          st.last - st.first + 1 != static_cast<int>(st.layers.size());
      sets.push_back(st.layers);
      ts.push_back(st.t);
      rec.push_back(st.recompute);
    }
    EXPECT_NEAR(scoreGraph(p, stageOf, sets.size(), ts, plan.d, rec),
                plan.timePerBatchS, 1e-9 * expected)
        << "trial " << trial;
    Plan again = evaluateStageSets(p, sets, plan.d, rec, ts);
    ASSERT_TRUE(again.feasible) << again.message;
    EXPECT_NEAR(again.timePerBatchS, plan.timePerBatchS, 1e-9 * expected);
  }
  EXPECT_GT(feasible, 200);
  EXPECT_GT(infeasible, 10);
  EXPECT_GT(nonInterval, 0); // some optima are not intervals of layer order
}

/// A diamond 0 -> {1, 2} -> 3: layers of 1 s forward and 1 s backward, 1
/// byte of parameters each, 2 bytes of memory per device (at most two
/// layers per stage), 1 B/s links without latency; layer 1's output is 100
/// bytes, the others' 1 byte. Worked out below.
TEST(Plan, LayerGraphByHand) {
  PlanProblem p;
  p.devices = 2;
  p.devicesPerNode = 2;
  p.intraNode = p.interNode = {1, 0};
  p.microbatches = 2;
  p.memoryBytes = 2;
  p.recompute = RecomputePolicy::Off;
  for (int v = 0; v < 4; ++v)
    p.layers.push_back({"l", 1, 1, 0, 1, 0, 0, 0, 0, 1, 0});
  p.layers[1].outputBytes = 100;
  p.edges = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};
  Plan plan = solvePlan(p);
  ASSERT_TRUE(plan.feasible) << plan.message;
  // Two layers per device at most (1 parameter byte each): two stages,
  // d = 1. {0, 2} then {1, 3}: stage 0 loads 4 s + receiving the gradient
  // of layer 0 (read by 1) and 2 (read by 3): 2 bytes, 2 s; stage 1: 4 s +
  // layers 0 and 2's outputs, 2 s: 6 s x (2 + 1) = 18 s. The intervals
  // [0, 1][2, 3]: layer 1's 100 bytes cross: 105 s x 3.
  EXPECT_DOUBLE_EQ(plan.timePerBatchS, 18.0);
  ASSERT_EQ(plan.p, 2);
  EXPECT_EQ(plan.stages[0].layers, (std::vector<int>{0, 2}));
  EXPECT_EQ(plan.stages[1].layers, (std::vector<int>{1, 3}));
  // A dependence running backwards between stages is rejected.
  Plan bad = evaluateStageSets(p, {{1, 3}, {0, 2}}, 1);
  EXPECT_FALSE(bad.feasible);
  EXPECT_NE(bad.message.find("reads layer 0 of a later stage"),
            std::string::npos)
      << bad.message;
  p.edges.push_back({3, 1});
  std::string error;
  EXPECT_FALSE(p.check(error));
  EXPECT_NE(error.find("topological order"), std::string::npos) << error;
}

/// A star (20 layers reading layer 0) has 2^20 + 1 successor-closed sets:
/// refused with a message, not run out of memory.
TEST(Plan, LayerGraphTooWide) {
  PlanProblem p;
  p.devices = 4;
  p.intraNode = p.interNode = {1, 0};
  p.memoryBytes = 1e9;
  for (int v = 0; v < 21; ++v)
    p.layers.push_back({"l", 1, 1, 0, 0, 0, 0, 0, 0, 1, 0});
  for (int v = 1; v < 21; ++v)
    p.edges.push_back({0, v});
  std::string error;
  ASSERT_TRUE(p.check(error)) << error;
  Plan plan = solvePlan(p);
  EXPECT_FALSE(plan.feasible);
  EXPECT_NE(plan.message.find("more than 5000 successor-closed sets"),
            std::string::npos)
      << plan.message;
}

} // namespace
