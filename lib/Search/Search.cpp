//===- Search.cpp - the architecture x placement co-search ----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The driver: candidates of the space in the order of an admissible bound,
// evaluated in steps (threads inside a step, MPI ranks across it), pruned
// against the incumbent of the previous steps, journaled one JSON line per
// candidate; then the summary, the Pareto front and best.mlir (the full
// phaze-opt pipeline run on the winner).
//
//===----------------------------------------------------------------------===//

#include "SearchImpl.h"

#include "phaze/Arch/Space.h"
#include "phaze/Models/ModelZoo.h"
#include "phaze/Partition/Plan.h"
#include "phaze/Pipelines/Pipelines.h"
#include "phaze/Scheduling/Solve.h"
#include "phaze/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <map>
#include <thread>
#include <unordered_map>

using namespace mlir;
using namespace mlir::phaze;
using namespace mlir::phaze::search;
using namespace mlir::phaze::partition;

static const char kBuiltinHardware[] =
#include "BuiltinHardware.inc"
    ;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

const char *objectiveName(Objective o) {
  switch (o) {
  case Objective::Throughput:
    return "throughput";
  case Objective::ThroughputPerArea:
    return "throughput-per-area";
  case Objective::ThroughputPerWatt:
    return "throughput-per-watt";
  }
  return "?";
}

/// PHAZE's baseline table (phaze-reference.md §6): stages, t, d.
struct Baseline {
  const char *model;
  int64_t p, t, d;
};
const Baseline kBaselines[] = {{"gpt3-175b", 32, 4, 8},
                               {"bert-large", 8, 1, 128},
                               {"gpt2-xl", 32, 1, 32},
                               {"opt-350m", 12, 1, 85},
                               {"llama2-7b", 8, 1, 128}};

/// The template chip with the six searched parameters of `cfg` (and its
/// local buffers) in place.
accel::ChipAttr withConfig(accel::ChipAttr c, const arch::ChipConfig &cfg) {
  MLIRContext *ctx = c.getContext();
  accel::TensorUnitAttr t = c.getTensor();
  accel::VectorUnitAttr v = c.getVector();
  auto tensor = accel::TensorUnitAttr::get(
      ctx, cfg.tensorCount, t.getKind(), cfg.tensorBatch, cfg.tensorRows,
      cfg.tensorCols, t.getMacType(), t.getAccType(),
      accel::MemoryAttr::get(ctx, cfg.tensorLocalBufferBytes,
                             t.getLocalBuffer().getBandwidthBytesPerS()),
      t.getEfficiency());
  auto vector = accel::VectorUnitAttr::get(
      ctx, cfg.vectorCount, cfg.vectorLanes, v.getElemType(),
      accel::MemoryAttr::get(ctx, cfg.vectorLocalBufferBytes,
                             v.getLocalBuffer().getBandwidthBytesPerS()),
      v.getEfficiency());
  auto global = accel::MemoryAttr::get(
      ctx, cfg.globalBufferBytes, c.getGlobalBuffer().getBandwidthBytesPerS());
  return accel::ChipAttr::get(ctx, c.getClockHz(), tensor, vector, global,
                              c.getOffChip());
}

/// A candidate of the space.
struct Candidate {
  int64_t id = 0; ///< position in the space's enumeration order
  arch::ChipConfig cfg;
  double areaUm2 = 0;
  double bound = 0; ///< admissible bound on the objective
};

/// The outcome of one (t, mbs, HBM, recompute) placement.
struct SweepResult {
  bool feasible = false;
  int64_t t = 0, mbs = 0;
  double hbmGiB = 0;       ///< the smallest swept HBM that holds the plan
  double solvedHbmGiB = 0; ///< the HBM the placement was solved with
  RecomputePolicy recompute = RecomputePolicy::Off;
  Plan plan;
  double energyJ = 0;   ///< dynamic energy of one iteration, all devices
  double objective = 0; ///< in the objective's units
};

/// The outcome of one candidate.
struct Result {
  int64_t id = 0;
  enum class Status { Evaluated, Pruned } status = Status::Evaluated;
  SweepResult best;
  /// Placements solved: variants whose bound could not beat the chip's best
  /// so far were skipped.
  int64_t sweepsSolved = 0;
  double maxScheduleGap = 0; ///< largest relative gap of its schedules
  double evaluateS = 0;
};

/// Everything loaded once.
struct Problems {
  const SearchOptions *options = nullptr;
  accel::ChipAttr templateChip;
  accel::SystemAttr system;
  std::string spaceName, systemName, chipName;
  arch::SpaceSpec space;
  WorkTable works;
  std::vector<Variant> variants;
  int64_t devices = 0;
  /// For the bounds.
  double clockHz = 1, cyclesPerCall = 1, dpBandwidth = 1;

  /// A lower bound on the makespan of `f` on `cfg` (docs/Search.md).
  double functionLowerBound(const Function &f,
                            const arch::ChipConfig &cfg) const;
  /// A lower bound on the time per iteration of variant `v` on `cfg`
  /// (docs/Search.md).
  double timeLowerBound(const Variant &v, const arch::ChipConfig &cfg) const;
  /// The HBM capacities to place with. More memory never lowers the
  /// throughput (a plan that fits fits with more), so for the throughput
  /// objectives only the largest capacity is solved; for throughput per
  /// watt (a plan with less memory may use less energy) all of them.
  std::vector<double> solvedHbms() const {
    if (options->objective == Objective::ThroughputPerWatt)
      return options->hbmGiB;
    return {*std::max_element(options->hbmGiB.begin(), options->hbmGiB.end())};
  }
  /// The smallest swept capacity that holds `peakBytes` (at most `solved`).
  double holdingHbm(double solved, double peakBytes) const {
    double best = solved;
    for (double h : options->hbmGiB)
      if (h * 1073741824.0 >= peakBytes && h < best)
        best = h;
    return best;
  }
  /// The matching upper bound on the objective (+inf: none).
  double objectiveBound(const Variant &v, const Candidate &c) const;
};

double Problems::functionLowerBound(const Function &f,
                                    const arch::ChipConfig &cfg) const {
  // Every task takes at least its compulsory traffic through the global
  // buffer and off-chip memory (the template's bandwidths: the space does
  // not change them) and at least its work at the peak of all units of its
  // kind; it occupies at least its work at one unit's peak (or its traffic
  // time) in unit-seconds. The makespan is at least the longest path of
  // those times and at least each kind's unit-seconds over its units.
  double tensorUnitRate = static_cast<double>(cfg.tensorMacsPerUnit()) *
                          clockHz / cyclesPerCall; // MACs/s
  double vectorUnitRate = static_cast<double>(cfg.vectorLanes) * clockHz;
  double tensorUnits = cfg.tensorCount, vectorUnits = cfg.vectorCount;
  size_t n = f.works.size();
  std::vector<double> longest(n, 0);
  double tensorArea = 0, vectorArea = 0, path = 0;
  for (size_t i = 0; i < n; ++i) {
    const FunctionTask &t = f.tasks[i];
    double duration = t.fixedS, occupancy = 0;
    if (t.kind == sched::UnitKind::Tensor && tensorUnits > 0) {
      occupancy = std::max(t.work / tensorUnitRate, t.trafficS);
      duration = std::max(t.work / (tensorUnitRate * tensorUnits), t.trafficS);
      tensorArea += occupancy;
    } else if (t.kind == sched::UnitKind::Vector && vectorUnits > 0) {
      occupancy = std::max(t.work / vectorUnitRate, t.trafficS);
      duration = std::max(t.work / (vectorUnitRate * vectorUnits), t.trafficS);
      vectorArea += occupancy;
    } else if (t.kind != sched::UnitKind::None) {
      duration = t.trafficS;
    }
    double before = 0;
    for (int a : t.preds) // producers precede consumers in the block
      before = std::max(before, longest[a]);
    longest[i] = before + duration;
    path = std::max(path, longest[i]);
  }
  double area = std::max(tensorUnits > 0 ? tensorArea / tensorUnits : 0.0,
                         vectorUnits > 0 ? vectorArea / vectorUnits : 0.0);
  return std::max(path, area);
}

double Problems::timeLowerBound(const Variant &v,
                                const arch::ChipConfig &cfg) const {
  // The placement DP's time per iteration is maxLoad * (m + p - 1) plus the
  // largest stage's gradient all-reduce plus its optimizer step. For every
  // data-parallel degree d and depth p the placement could use: the
  // largest stage's load is at least the average and at least
  // ceil(n/p) of the n repeated (core) layers; its all-reduce likewise;
  // the optimizer term is at least 0 (functionLowerBound bounds a layer
  // function's makespan). Depths
  // below v.minStages cannot hold the parameters, gradients and optimizer
  // state in the largest HBM of the sweep.
  if (v.minStages == 0)
    return INFINITY;
  std::vector<double> lbs(v.functions.size());
  for (size_t f = 0; f < v.functions.size(); ++f)
    lbs[f] = functionLowerBound(v.functions[f], cfg);
  auto lb = [&](int fn) { return lbs[fn]; };
  int64_t layers = v.chain.layers.size();
  double work = 0, grads = 0;
  for (int64_t k = 0; k < layers; ++k) {
    work += lb(v.forward[k]) + lb(v.backward[k]);
    grads += v.chain.layers[k].gradientBytes;
  }
  int core = v.chain.coreLast >= 0 ? v.chain.coreFirst : 0;
  int64_t coreCount = 0;
  for (int64_t k = 0; k < layers; ++k)
    coreCount += v.forward[k] == v.forward[core];
  double coreLoad = lb(v.forward[core]) + lb(v.backward[core]);
  double coreGrad = v.chain.layers[core].gradientBytes;
  int64_t microbatches = options->globalBatch / v.mbs;
  double best = INFINITY;
  for (int64_t d = 1; d <= microbatches && d * v.t <= devices; ++d) {
    if (microbatches % d)
      continue;
    int64_t maxStages = std::min<int64_t>(layers, devices / (v.t * d));
    double m = static_cast<double>(microbatches / d);
    double ring = 2.0 * (d - 1) / d / dpBandwidth;
    for (int64_t p = v.minStages; p <= maxStages; ++p) {
      double most = static_cast<double>((coreCount + p - 1) / p);
      double load = std::max(work / p, most * coreLoad);
      double allReduce = ring * std::max(grads / p, most * coreGrad);
      best = std::min(best, load * (m + p - 1) + allReduce);
    }
  }
  return best;
}

double Problems::objectiveBound(const Variant &v, const Candidate &c) const {
  double time = timeLowerBound(v, c.cfg);
  if (!(time > 0))
    return INFINITY;
  double samples = options->globalBatch / time;
  switch (options->objective) {
  case Objective::Throughput:
    return samples;
  case Objective::ThroughputPerArea:
    return samples / (c.areaUm2 * 1e-6);
  case Objective::ThroughputPerWatt:
    return INFINITY; // no admissible energy bound: no pruning
  }
  return INFINITY;
}

/// A memo key: an op work (or a layer function) and the part of the chip
/// its estimate (or schedule) reads.
struct EstKey {
  int64_t id = 0;
  int64_t tensorCount = 0, batch = 0, rows = 0, cols = 0, tensorLocal = 0;
  int64_t vectorCount = 0, lanes = 0, vectorLocal = 0, global = 0;
  bool operator==(const EstKey &o) const {
    return id == o.id && tensorCount == o.tensorCount && batch == o.batch &&
           rows == o.rows && cols == o.cols && tensorLocal == o.tensorLocal &&
           vectorCount == o.vectorCount && lanes == o.lanes &&
           vectorLocal == o.vectorLocal && global == o.global;
  }
};
struct EstKeyHash {
  size_t operator()(const EstKey &k) const {
    return llvm::hash_combine(k.id, k.tensorCount, k.batch, k.rows, k.cols,
                              k.tensorLocal, k.vectorCount, k.lanes,
                              k.vectorLocal, k.global);
  }
};

/// The key of `id` reading the tensor units and/or the vector units (and
/// then the global buffer) of `cfg`.
EstKey keyOf(int64_t id, bool tensor, bool vector,
             const arch::ChipConfig &cfg) {
  EstKey k;
  k.id = id;
  if (tensor) {
    k.tensorCount = cfg.tensorCount;
    k.batch = cfg.tensorBatch;
    k.rows = cfg.tensorRows;
    k.cols = cfg.tensorCols;
    k.tensorLocal = cfg.tensorLocalBufferBytes;
  }
  if (vector) {
    k.vectorCount = cfg.vectorCount;
    k.lanes = cfg.vectorLanes;
    k.vectorLocal = cfg.vectorLocalBufferBytes;
  }
  if (tensor || vector)
    k.global = cfg.globalBufferBytes;
  return k;
}

/// Which units the estimate of `w` reads (contractions fall back to vector
/// units, and vector work to tensor units, only when the other kind is
/// missing).
std::pair<bool, bool> unitsRead(const cost::OpWork &w,
                                const arch::ChipConfig &cfg) {
  bool tensor = w.kind == cost::OpWork::Kind::Contraction;
  bool vector = w.kind == cost::OpWork::Kind::Vector ||
                w.kind == cost::OpWork::Kind::Movement;
  if ((tensor && cfg.tensorCount == 0) || (vector && cfg.vectorCount == 0))
    tensor = vector = true;
  return {tensor, vector};
}

struct Est {
  double single, parallel, energy;
  int64_t units;
};

/// Evaluates candidates; one per thread (its memo is not shared).
class Evaluator {
public:
  explicit Evaluator(const Problems &P) : P(P) {}

  /// The schedules of one variant's layer functions on a chip.
  struct Schedules {
    /// Per function: makespan (s), dynamic energy (J).
    std::vector<double> makespan, energy;
    double maxGap = 0;
    std::string error;
  };
  /// Schedules every layer function of variant `vi` on `cfg` (lowered to
  /// `spec`).
  Schedules schedule(size_t vi, const arch::ChipConfig &cfg,
                     const cost::ChipSpec &spec);

  /// Every sweep of `cfg`; the best by the objective.
  Result evaluate(const Candidate &c);

  /// The fixed Megatron-style split on the template chip: the best over
  /// the sweeps (microbatch sizes, HBM, recompute) at width `t`.
  /// `why` says why no sweep admits it (the last reason met).
  SweepResult evaluateFixed(int64_t stages, int64_t t, int64_t d,
                            std::string &why);

  /// Places variant `vi` with `place` for every swept HBM and recompute
  /// policy; keeps the best in `best`; returns the placements solved.
  int64_t placeVariant(size_t vi, const Schedules &s, accel::ChipAttr chip,
                       double areaUm2,
                       llvm::function_ref<Plan(const PlanProblem &)> place,
                       SweepResult &best);

  /// The placement problem of variant `v` with scheduled makespans.
  PlanProblem planProblem(const Variant &v, const Schedules &s,
                          accel::ChipAttr chip, double hbmGiB,
                          RecomputePolicy rc, std::string &error) const;
  /// Energy of one iteration of `plan` (all devices, dynamic).
  double planEnergy(const Variant &v, const Schedules &s, const PlanProblem &p,
                    const Plan &plan) const;
  double objectiveOf(const SweepResult &r, double areaUm2) const;

private:
  Est estimate(int work, const arch::ChipConfig &cfg,
               const cost::ChipSpec &spec);
  const Problems &P;
  std::unordered_map<EstKey, Est, EstKeyHash> memo;
  /// Schedules of layer functions that read one unit kind only (optimizer
  /// steps: vector units), keyed by function and that kind's units.
  struct Scheduled {
    double makespan, energy, gap;
  };
  std::unordered_map<EstKey, Scheduled, EstKeyHash> scheduleMemo;
};

Est Evaluator::estimate(int work, const arch::ChipConfig &cfg,
                        const cost::ChipSpec &spec) {
  const cost::OpWork &w = P.works.works[work];
  // The estimate of tensor work reads the tensor units and the shared
  // memories; of vector work and data movement the vector units and the
  // shared memories; of a collective only its link. Every other field is
  // the template's.
  auto [tensor, vector] = unitsRead(w, cfg);
  EstKey k = keyOf(work, tensor, vector, cfg);
  auto it = memo.find(k);
  if (it != memo.end())
    return it->second;
  const cost::LinkSpec &link = P.works.links[work];
  cost::Estimate one = cost::estimate(spec, w, 1, link);
  cost::Estimate all = cost::estimate(spec, w, 0, link);
  Est e{one.latencyS, all.latencyS, all.energyJ, all.units};
  // Bounded memory: start over when full (entries are ~100 bytes).
  if (memo.size() >= (size_t(1) << 20))
    memo.clear();
  memo.emplace(k, e);
  return e;
}

Evaluator::Schedules Evaluator::schedule(size_t vi, const arch::ChipConfig &cfg,
                                         const cost::ChipSpec &spec) {
  Schedules s;
  const SearchOptions &o = *P.options;
  sched::SolveOptions so;
  so.milp = o.exactSchedules;
  so.timeLimitS = o.scheduleTimeLimitS;
  std::vector<TaskEstimate> est;
  std::vector<int> taskOf;
  for (auto [fi, f] : llvm::enumerate(P.variants[vi].functions)) {
    // A function whose tasks read one unit kind (or none) has the same
    // schedule on every chip with the same such units.
    bool tensor = false, vector = false;
    for (int work : f.works) {
      auto [t, vec] = unitsRead(P.works.works[work], cfg);
      tensor |= t;
      vector |= vec;
    }
    std::optional<EstKey> key;
    if (!(tensor && vector))
      key = keyOf(
          -1 - (static_cast<int64_t>(vi) << 32 | static_cast<int64_t>(fi)),
          tensor, vector, cfg);
    if (key) {
      auto it = scheduleMemo.find(*key);
      if (it != scheduleMemo.end()) {
        s.makespan.push_back(it->second.makespan);
        s.energy.push_back(it->second.energy);
        s.maxGap = std::max(s.maxGap, it->second.gap);
        continue;
      }
    }
    est.clear();
    double energy = 0;
    for (auto [i, work] : llvm::enumerate(f.works)) {
      Est e = estimate(work, cfg, spec);
      est.push_back({f.kinds[i], e.single, e.parallel, e.units});
      energy += e.energy;
    }
    // No task names: they only label traces and messages (the
    // function's name does here), and copying them per candidate costs.
    sched::Problem p = makeScheduleProblem({}, est, f.edges, taskOf);
    double makespan = 0, gap = 0;
    if (!p.tasks.empty()) {
      sched::SolveResult r = sched::solveSchedule(p, so);
      if (r.status == sched::SolveResult::Status::Error) {
        s.error = "@" + f.name + ": " + r.message;
        return s;
      }
      makespan = r.schedule.makespan;
      gap = r.gap();
      s.maxGap = std::max(s.maxGap, gap);
    }
    if (key) {
      if (scheduleMemo.size() >= (size_t(1) << 20))
        scheduleMemo.clear();
      scheduleMemo.emplace(*key, Scheduled{makespan, energy, gap});
    }
    s.makespan.push_back(makespan);
    s.energy.push_back(energy);
  }
  return s;
}

PlanProblem Evaluator::planProblem(const Variant &v, const Schedules &s,
                                   accel::ChipAttr chip, double hbmGiB,
                                   RecomputePolicy rc,
                                   std::string &error) const {
  LayerChain chain = v.chain;
  for (size_t k = 0; k < chain.layers.size(); ++k) {
    chain.layers[k].forwardS = s.makespan[v.forward[k]];
    chain.layers[k].backwardS = s.makespan[v.backward[k]];
    chain.layers[k].optimizerS = s.makespan[v.optimizer[k]];
  }
  PlacementOptions po;
  po.devices = P.devices;
  po.memoryBytes = hbmGiB * 1073741824.0;
  po.globalBatch = P.options->globalBatch;
  po.recompute = rc;
  PlanProblem p = makePlanProblem(chain, chip, P.system, po, error);
  p.explainInfeasible = false;
  return p;
}

double Evaluator::planEnergy(const Variant &v, const Schedules &s,
                             const PlanProblem &p, const Plan &plan) const {
  // Every microbatch runs each layer's forward and backward on its t
  // devices (forward twice in a recomputing stage); each of the d replicas
  // runs every layer's optimizer step on its t devices. Dynamic energy of
  // the ops only (docs/Search.md).
  double e = 0;
  double m = static_cast<double>(p.microbatches), t = plan.t;
  for (const PlanStage &st : plan.stages)
    for (int k = st.first; k <= st.last; ++k) {
      double fw = s.energy[v.forward[k]];
      e += m * t * (fw * (st.recompute ? 2 : 1) + s.energy[v.backward[k]]);
      e += static_cast<double>(plan.d) * t * s.energy[v.optimizer[k]];
    }
  return e;
}

double Evaluator::objectiveOf(const SweepResult &r, double areaUm2) const {
  switch (P.options->objective) {
  case Objective::Throughput:
    return r.plan.samplesPerS;
  case Objective::ThroughputPerArea:
    return r.plan.samplesPerS / (areaUm2 * 1e-6); // samples/s per mm^2
  case Objective::ThroughputPerWatt:
    // samples/s per W of the whole system = samples per joule.
    return r.energyJ > 0 ? P.options->globalBatch / r.energyJ : 0;
  }
  return 0;
}

/// Whether `a` beats `b` (ties: the lower enumeration index).
bool better(const SweepResult &a, int64_t aId, const SweepResult &b,
            int64_t bId) {
  if (!a.feasible)
    return false;
  if (!b.feasible)
    return true;
  if (a.objective != b.objective)
    return a.objective > b.objective;
  return aId < bId;
}

int64_t Evaluator::placeVariant(
    size_t vi, const Schedules &s, accel::ChipAttr chip, double areaUm2,
    llvm::function_ref<Plan(const PlanProblem &)> place, SweepResult &best) {
  const Variant &v = P.variants[vi];
  int64_t solved = 0;
  for (double hbm : P.solvedHbms())
    for (RecomputePolicy rc : P.options->recompute) {
      std::string error;
      PlanProblem p = planProblem(v, s, chip, hbm, rc, error);
      if (!error.empty() || !p.check(error))
        continue;
      Plan plan = place(p);
      ++solved;
      if (!plan.feasible)
        continue;
      SweepResult sr;
      sr.feasible = true;
      sr.t = v.t;
      sr.mbs = v.mbs;
      sr.solvedHbmGiB = hbm;
      sr.hbmGiB = P.holdingHbm(hbm, plan.peakMemoryBytes);
      sr.recompute = rc;
      sr.energyJ = planEnergy(v, s, p, plan);
      sr.plan = std::move(plan);
      sr.objective = objectiveOf(sr, areaUm2);
      if (better(sr, 0, best, 0))
        best = std::move(sr);
    }
  return solved;
}

Result Evaluator::evaluate(const Candidate &c) {
  Clock::time_point start = Clock::now();
  Result r;
  r.id = c.id;
  accel::ChipAttr chip = withConfig(P.templateChip, c.cfg);
  cost::ChipSpec spec = lowerChip(chip);
  // Variants from the highest bound; one whose bound cannot beat the best
  // placement found so far for this chip is not scheduled or placed (the
  // chip's best is unchanged: the bound is admissible).
  std::vector<std::pair<double, size_t>> variants;
  for (size_t vi = 0; vi < P.variants.size(); ++vi)
    variants.push_back({P.objectiveBound(P.variants[vi], c), vi});
  std::stable_sort(variants.begin(), variants.end(),
                   [](auto &a, auto &b) { return a.first > b.first; });
  for (auto [bound, vi] : variants) {
    if (r.best.feasible && bound < r.best.objective)
      break;
    Schedules s = schedule(vi, c.cfg, spec);
    r.maxScheduleGap = std::max(r.maxScheduleGap, s.maxGap);
    if (!s.error.empty())
      continue;
    r.sweepsSolved += placeVariant(vi, s, chip, c.areaUm2, solvePlan, r.best);
  }
  r.evaluateS = secondsSince(start);
  return r;
}

SweepResult Evaluator::evaluateFixed(int64_t stages, int64_t t, int64_t d,
                                     std::string &why) {
  SweepResult best;
  why = "no variant at t = " + std::to_string(t);
  accel::ChipAttr chip = P.templateChip;
  arch::ChipConfig cfg = chip.getConfig();
  cost::ChipSpec spec = lowerChip(chip);
  for (auto [vi, v] : llvm::enumerate(P.variants)) {
    if (v.t != t)
      continue;
    Schedules s = schedule(vi, cfg, spec);
    if (!s.error.empty()) {
      why = s.error;
      continue;
    }
    placeVariant(
        vi, s, chip, arch::chipAreaUm2(cfg),
        [&](const PlanProblem &p) {
          Plan plan = partition::evaluateFixed(p, stages, d, v.chain.coreFirst,
                                               v.chain.coreLast);
          if (!plan.feasible)
            why = plan.message;
          return plan;
        },
        best);
  }
  if (best.feasible)
    why.clear();
  return best;
}

//===----------------------------------------------------------------------===//
// JSON
//===----------------------------------------------------------------------===//

llvm::json::Object chipJson(const arch::ChipConfig &c, double areaUm2) {
  return llvm::json::Object{{"tensor_count", c.tensorCount},
                            {"tensor_rows", c.tensorRows},
                            {"tensor_cols", c.tensorCols},
                            {"vector_count", c.vectorCount},
                            {"vector_lanes", c.vectorLanes},
                            {"global_buffer_bytes", c.globalBufferBytes},
                            {"area_um2", areaUm2}};
}

llvm::json::Object sweepJson(const SweepResult &r) {
  llvm::json::Array stages;
  for (const PlanStage &s : r.plan.stages)
    stages.push_back(llvm::json::Object{{"first_layer", s.first},
                                        {"last_layer", s.last},
                                        {"recompute", s.recompute},
                                        {"load_s", s.loadS},
                                        {"memory_bytes", s.memoryBytes}});
  return llvm::json::Object{
      {"t", r.t},
      {"d", r.plan.d},
      {"p", r.plan.p},
      {"microbatch_size", r.mbs},
      {"microbatches_per_pipeline", r.plan.microbatchesPerPipeline},
      {"hbm_gib", r.hbmGiB},
      {"solved_hbm_gib", r.solvedHbmGiB},
      {"recompute", toString(r.recompute)},
      {"time_per_iteration_s", r.plan.timePerBatchS},
      {"pipeline_s", r.plan.pipelineS},
      {"all_reduce_s", r.plan.allReduceS},
      {"optimizer_s", r.plan.optimizerS},
      {"samples_per_s", r.plan.samplesPerS},
      {"tokens_per_s", r.plan.tokensPerS},
      {"peak_memory_bytes", r.plan.peakMemoryBytes},
      {"mfu", r.plan.mfu},
      {"energy_per_iteration_j", r.energyJ},
      {"objective", r.objective},
      {"stages", std::move(stages)}};
}

/// A journal line.
std::string resultLine(const Result &r, const Candidate &c) {
  // No bound (throughput per watt) is null: JSON has no infinity.
  llvm::json::Object o{{"id", r.id},
                       {"chip", chipJson(c.cfg, c.areaUm2)},
                       {"bound", std::isfinite(c.bound)
                                     ? llvm::json::Value(c.bound)
                                     : llvm::json::Value(nullptr)}};
  if (r.status == Result::Status::Pruned) {
    o["status"] = "pruned";
  } else if (!r.best.feasible) {
    o["status"] = "infeasible";
    o["evaluate_s"] = r.evaluateS;
  } else {
    o["status"] = "evaluated";
    o["placements_solved"] = r.sweepsSolved;
    o["max_schedule_gap"] = r.maxScheduleGap;
    o["evaluate_s"] = r.evaluateS;
    o["best"] = sweepJson(r.best);
  }
  std::string line;
  llvm::raw_string_ostream os(line);
  os << llvm::json::Value(std::move(o));
  return line;
}

/// Reads back what the summary needs from a journal line.
bool parseResultLine(StringRef line, Result &r) {
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(line);
  if (!v) {
    llvm::consumeError(v.takeError());
    return false;
  }
  const llvm::json::Object *o = v->getAsObject();
  if (!o)
    return false;
  std::optional<int64_t> id = o->getInteger("id");
  std::optional<StringRef> status = o->getString("status");
  if (!id || !status)
    return false;
  r = Result();
  r.id = *id;
  if (*status == "pruned") {
    r.status = Result::Status::Pruned;
    return true;
  }
  r.evaluateS = o->getNumber("evaluate_s").value_or(0);
  if (*status == "infeasible")
    return true;
  r.sweepsSolved = o->getInteger("placements_solved").value_or(0);
  r.maxScheduleGap = o->getNumber("max_schedule_gap").value_or(0);
  const llvm::json::Object *b = o->getObject("best");
  if (!b)
    return false;
  SweepResult &s = r.best;
  s.feasible = true;
  s.t = b->getInteger("t").value_or(0);
  s.mbs = b->getInteger("microbatch_size").value_or(0);
  s.hbmGiB = b->getNumber("hbm_gib").value_or(0);
  s.solvedHbmGiB = b->getNumber("solved_hbm_gib").value_or(0);
  if (!parseRecomputePolicy(b->getString("recompute").value_or("").str(),
                            s.recompute))
    return false;
  s.plan.feasible = true;
  s.plan.t = s.t;
  s.plan.d = b->getInteger("d").value_or(0);
  s.plan.p = b->getInteger("p").value_or(0);
  s.plan.microbatchesPerPipeline =
      b->getInteger("microbatches_per_pipeline").value_or(0);
  s.plan.timePerBatchS = b->getNumber("time_per_iteration_s").value_or(0);
  s.plan.pipelineS = b->getNumber("pipeline_s").value_or(0);
  s.plan.allReduceS = b->getNumber("all_reduce_s").value_or(0);
  s.plan.optimizerS = b->getNumber("optimizer_s").value_or(0);
  s.plan.samplesPerS = b->getNumber("samples_per_s").value_or(0);
  s.plan.tokensPerS = b->getNumber("tokens_per_s").value_or(0);
  s.plan.peakMemoryBytes = b->getNumber("peak_memory_bytes").value_or(0);
  s.plan.mfu = b->getNumber("mfu").value_or(0);
  s.energyJ = b->getNumber("energy_per_iteration_j").value_or(0);
  s.objective = b->getNumber("objective").value_or(0);
  if (const llvm::json::Array *stages = b->getArray("stages"))
    for (const llvm::json::Value &sv : *stages)
      if (const llvm::json::Object *so = sv.getAsObject()) {
        PlanStage st;
        st.first = so->getInteger("first_layer").value_or(0);
        st.last = so->getInteger("last_layer").value_or(0);
        st.recompute = so->getBoolean("recompute").value_or(false);
        st.loadS = so->getNumber("load_s").value_or(0);
        st.memoryBytes = so->getNumber("memory_bytes").value_or(0);
        s.plan.stages.push_back(st);
      }
  return true;
}

//===----------------------------------------------------------------------===//
// Progress
//===----------------------------------------------------------------------===//

class Progress {
public:
  Progress(int64_t total, bool quiet)
      : total(total), quiet(quiet),
        tty(llvm::sys::Process::StandardErrIsDisplayed()), start(Clock::now()),
        last(start) {}
  void update(int64_t done, int64_t evaluated, double incumbent,
              StringRef units, bool force = false) {
    if (quiet)
      return;
    Clock::time_point now = Clock::now();
    double sinceLast = std::chrono::duration<double>(now - last).count();
    if (!force && sinceLast < (tty ? 0.2 : 10.0))
      return;
    last = now;
    double elapsed = secondsSince(start);
    double rate = elapsed > 0 ? done / elapsed : 0;
    double eta = rate > 0 ? (total - done) / rate : 0;
    std::string line = llvm::formatv(
        "phaze-search: {0}/{1} candidates ({2} evaluated), {3:f1}/s, ETA "
        "{4:f0} s, incumbent {5:g} {6}",
        done, total, evaluated, rate, eta, incumbent, units);
    if (tty) {
      int width = 30;
      int filled = total ? static_cast<int>(width * done / total) : width;
      llvm::errs() << "\r[" << std::string(filled, '#')
                   << std::string(width - filled, ' ') << "] " << line
                   << "\x1b[K";
    } else {
      llvm::errs() << line << "\n";
    }
    llvm::errs().flush();
  }
  void finish() {
    if (!quiet && tty)
      llvm::errs() << "\n";
  }

private:
  int64_t total;
  bool quiet, tty;
  Clock::time_point start, last;
};

} // namespace

//===----------------------------------------------------------------------===//
// Option lists
//===----------------------------------------------------------------------===//

bool search::parseIntList(StringRef text, std::vector<int64_t> &out,
                          std::string &error) {
  out.clear();
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, false);
  for (StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v) || v < 1) {
      error = "'" + p.str() + "' is not a positive integer";
      return false;
    }
    out.push_back(v);
  }
  if (out.empty())
    error = "the list is empty";
  return !out.empty();
}

bool search::parseNumberList(StringRef text, std::vector<double> &out,
                             std::string &error) {
  out.clear();
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, false);
  for (StringRef p : parts) {
    double v;
    if (p.trim().getAsDouble(v) || !(v > 0) || !std::isfinite(v)) {
      error = "'" + p.str() + "' is not a positive number";
      return false;
    }
    out.push_back(v);
  }
  if (out.empty())
    error = "the list is empty";
  return !out.empty();
}

bool search::parseRecomputeList(StringRef text,
                                std::vector<RecomputePolicy> &out,
                                std::string &error) {
  out.clear();
  SmallVector<StringRef> parts;
  text.split(parts, ',', -1, false);
  for (StringRef p : parts) {
    p = p.trim();
    RecomputePolicy policy;
    if (!parseRecomputePolicy(p == "on" ? "full" : p.str(), policy)) {
      error = "'" + p.str() + "' is not off, on (= full) or auto";
      return false;
    }
    out.push_back(policy);
  }
  if (out.empty())
    error = "the list is empty";
  return !out.empty();
}

//===----------------------------------------------------------------------===//
// The driver
//===----------------------------------------------------------------------===//

namespace {

/// Loads the hardware (space, its template chip, the system).
Status loadHardwareSpace(MLIRContext &ctx, const SearchOptions &o,
                         OwningOpRef<ModuleOp> &file, Problems &P) {
  std::string diag;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
    llvm::raw_string_ostream os(diag);
    os << d.getLocation() << ": " << d << "\n";
    return success();
  });
  if (o.hardware.empty()) {
    file = parseSourceString<ModuleOp>(kBuiltinHardware, ParserConfig(&ctx),
                                       "phaze.mlir");
  } else {
    file = parseSourceFile<ModuleOp>(o.hardware, ParserConfig(&ctx));
  }
  std::string where = o.hardware.empty() ? "the built-in PHAZE hardware"
                                         : "'" + o.hardware + "'";
  if (!file)
    return {"cannot load " + where + (diag.empty() ? "" : ":\n" + diag)};
  accel::SpaceOp spaceOp;
  for (accel::SpaceOp s : file->getOps<accel::SpaceOp>())
    if (o.space.empty() || s.getSymName() == o.space) {
      if (spaceOp && o.space.empty())
        return {"several accel.space ops in " + where +
                "; choose one with --space"};
      spaceOp = s;
    }
  if (!spaceOp)
    return {o.space.empty() ? "no accel.space in " + where
                            : "no accel.space @" + o.space + " in " + where};
  SymbolTableCollection tables;
  FailureOr<arch::SpaceSpec> spec = spaceOp.getSpec(tables);
  if (failed(spec))
    return {"the space @" + spaceOp.getSymName().str() + " cannot be used:\n" +
            diag};
  P.space = *spec;
  accel::ChipOp templ = spaceOp.getTemplateOp(tables);
  P.templateChip = templ.getSpec();
  P.chipName = templ.getSymName().str();
  P.spaceName = spaceOp.getSymName().str();
  accel::SystemOp sysOp;
  for (accel::SystemOp s : file->getOps<accel::SystemOp>())
    if (o.system.empty() ? s.getChip() == templ.getSymName()
                         : s.getSymName() == o.system)
      sysOp = s;
  if (!sysOp)
    return {o.system.empty() ? "no accel.system of the template chip @" +
                                   P.chipName + " in " + where
                             : "no accel.system @" + o.system + " in " + where};
  P.system = sysOp.getSpec();
  P.systemName = sysOp.getSymName().str();
  P.devices = o.devices > 0 ? o.devices : P.system.getDevices();
  return {};
}

/// Opens `path` for appending (creating it); an error message otherwise.
std::unique_ptr<llvm::raw_fd_ostream> openAppend(const std::string &path,
                                                 std::string &error) {
  std::error_code ec;
  auto os = std::make_unique<llvm::raw_fd_ostream>(path, ec,
                                                   llvm::sys::fs::OF_Append);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return nullptr;
  }
  return os;
}

Status writeFile(const std::string &path, StringRef text) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return {"cannot write '" + path + "': " + ec.message()};
  os << text;
  return {};
}

std::string chipLabel(const arch::ChipConfig &c) {
  return llvm::formatv("{0}x{1}x{2} TU, {3}x{4} VU, {5} MiB", c.tensorCount,
                       c.tensorRows, c.tensorCols, c.vectorCount, c.vectorLanes,
                       c.globalBufferBytes >> 20);
}

/// The search's fingerprint: resuming needs the same one.
std::string fingerprint(const SearchOptions &o) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "workload=" << o.workload << ";seq=" << o.seq << ";layers=" << o.layers
     << ";hardware=" << o.hardware << ";space=" << o.space
     << ";system=" << o.system << ";t=";
  for (int64_t t : o.tensorParallel)
    os << t << ",";
  os << ";mbs=";
  for (int64_t m : o.microbatchSizes)
    os << m << ",";
  os << ";hbm=";
  for (double h : o.hbmGiB)
    os << llvm::formatv("{0:e16}", h) << ",";
  os << ";recompute=";
  for (RecomputePolicy r : o.recompute)
    os << toString(r) << ",";
  os << ";batch=" << o.globalBatch << ";devices=" << o.devices
     << ";objective=" << objectiveName(o.objective) << ";prune=" << o.prune
     << ";early-stop=" << o.earlyStopBuckets << ";exact=" << o.exactSchedules
     << ";limit=" << llvm::formatv("{0:e16}", o.scheduleTimeLimitS)
     << ";max=" << o.maxCandidates << ";chunk=" << o.chunk;
  return s;
}

} // namespace

Status search::runSearch(MLIRContext &ctx, const SearchOptions &o,
                         const ExchangeFn &exchangeArg) {
  Clock::time_point start = Clock::now();
  ExchangeFn exchange =
      exchangeArg ? exchangeArg
                  : [](const std::vector<std::string> &m) { return m; };
  bool root = o.rank == 0;
  auto say = [&](const Twine &t) {
    if (root && !o.quiet)
      llvm::errs() << "phaze-search: " << t << "\n";
  };

  // Everything that can be checked is checked before any work.
  if (o.globalBatch < 1)
    return {"--global-batch must be positive"};
  if (o.chunk < 1)
    return {"--chunk must be positive"};
  bool zoo = lookupModel(o.workload) != nullptr;
  if (!zoo && !llvm::sys::fs::exists(o.workload)) {
    std::string names;
    for (const TransformerConfig &c : getModelZoo())
      names += (names.empty() ? "" : ", ") + c.name;
    return {"unknown model '" + o.workload +
            "' and no such file (models: " + names + ")"};
  }
  for (int64_t m : o.microbatchSizes)
    if (o.globalBatch % m != 0)
      return {llvm::formatv("the global batch ({0}) is not a multiple of "
                            "the microbatch size {1}",
                            o.globalBatch, m)
                  .str()};
  Problems P;
  P.options = &o;
  OwningOpRef<ModuleOp> hwFile;
  if (Status s = loadHardwareSpace(ctx, o, hwFile, P); !s.ok())
    return s;
  std::vector<Candidate> candidates;
  arch::enumerate(P.space, [&](const arch::ChipConfig &c, double area) {
    Candidate cand;
    cand.id = candidates.size();
    cand.cfg = c;
    cand.areaUm2 = area;
    candidates.push_back(cand);
    return true;
  });
  if (candidates.empty())
    return {"the area budget of @" + P.spaceName + " admits no configuration"};
  // The output directory: created and writable, or an error now.
  std::string journalPath, fingerprintPath;
  {
    SmallString<256> dir(o.outputDir);
    if (std::error_code ec = llvm::sys::fs::create_directories(dir))
      return {"cannot create the output directory '" + o.outputDir +
              "': " + ec.message()};
    if (llvm::sys::fs::access(dir, llvm::sys::fs::AccessMode::Write))
      return {"the output directory '" + o.outputDir + "' is not writable"};
    SmallString<256> j(dir), f(dir);
    llvm::sys::path::append(j, "results.jsonl");
    llvm::sys::path::append(f, "search.txt");
    journalPath = j.str().str();
    fingerprintPath = f.str().str();
    // Every rank checks (the same files), so all stop together.
    {
      if (!o.resume && llvm::sys::fs::exists(journalPath)) {
        uint64_t size = 0;
        llvm::sys::fs::file_size(journalPath, size);
        if (size > 0)
          return {"'" + journalPath +
                  "' exists; pass --resume to continue that search or "
                  "choose another --output-dir"};
      }
      if (o.resume && llvm::sys::fs::exists(fingerprintPath)) {
        auto prev = llvm::MemoryBuffer::getFile(fingerprintPath);
        if (prev && (*prev)->getBuffer().trim() != fingerprint(o))
          return {"--resume: '" + fingerprintPath +
                  "' records a search with other options:\n  " +
                  (*prev)->getBuffer().trim().str() + "\nthis one:\n  " +
                  fingerprint(o)};
      }
      if (root)
        if (Status s = writeFile(fingerprintPath, fingerprint(o) + "\n");
            !s.ok())
          return s;
    }
  }

  // The architecture-independent part, once per (t, mbs).
  std::vector<int64_t> mbsList =
      zoo ? o.microbatchSizes : std::vector<int64_t>{0};
  for (int64_t t : o.tensorParallel)
    for (int64_t mbs : mbsList) {
      Clock::time_point vs = Clock::now();
      std::string error;
      FailureOr<OwningOpRef<ModuleOp>> m = buildWorkload(ctx, o, t, mbs, error);
      FailureOr<Variant> v = failure();
      if (succeeded(m))
        v = loadVariant(**m, P.system, P.works, error);
      if (failed(v)) {
        say(llvm::formatv("skipping t = {0}{1}: {2}", t,
                          zoo ? llvm::formatv(", mbs = {0}", mbs).str() : "",
                          error));
        continue;
      }
      say(llvm::formatv("workload at t = {0}, mbs = {1}: {2} layers, {3} "
                        "layer functions ({4:f2} s)",
                        v->t, v->mbs, v->chain.layers.size(),
                        v->functions.size(), secondsSince(vs)));
      P.variants.push_back(std::move(*v));
    }
  if (P.variants.empty())
    return {"the workload could not be built at any tensor-parallel width"};
  for (const Variant &v : P.variants)
    if (o.globalBatch % v.mbs != 0)
      return {llvm::formatv("the global batch ({0}) is not a multiple of the "
                            "workload's microbatch of {1} samples (its first "
                            "input's leading dimension); choose "
                            "--global-batch",
                            o.globalBatch, v.mbs)
                  .str()};
  say(llvm::formatv("{0} candidates in @{1} ({2} distinct ops)",
                    candidates.size(), P.spaceName, P.works.works.size()));

  // Admissible bounds (docs/Search.md): per variant and data-parallel
  // degree d, an iteration takes at least the microbatches' layer work
  // spread over the most stages that fit, plus the gradient all-reduce
  // spread over as many stages. A layer function's time is at least its
  // tensor MACs at the chip's peak and at least its chain of collectives
  // (their latency does not depend on the chip).
  cost::ChipSpec templateSpec = lowerChip(P.templateChip);
  double trafficBandwidth = std::min(templateSpec.offChip.bandwidthBytesPerS,
                                     templateSpec.global.bandwidthBytesPerS);
  for (Variant &v : P.variants)
    for (Function &f : v.functions) {
      std::vector<std::vector<int>> preds(f.works.size());
      for (auto [a, b] : f.edges)
        preds[b].push_back(a);
      for (size_t i = 0; i < f.works.size(); ++i) {
        const cost::OpWork &w = P.works.works[f.works[i]];
        FunctionTask t;
        t.kind = f.kinds[i];
        t.preds = std::move(preds[i]);
        switch (w.kind) {
        case cost::OpWork::Kind::Collective:
          t.fixedS =
              cost::estimate(templateSpec, w, 1, P.works.links[f.works[i]])
                  .latencyS;
          break;
        case cost::OpWork::Kind::Contraction:
          t.work = static_cast<double>(w.op.macs());
          t.trafficS = (w.bytesRead + w.bytesWritten) / trafficBandwidth;
          break;
        case cost::OpWork::Kind::Vector:
          t.work = static_cast<double>(w.points) *
                   std::max<int64_t>(w.opsPerPoint, 1);
          t.trafficS = (w.bytesRead + w.bytesWritten) / trafficBandwidth;
          break;
        case cost::OpWork::Kind::Movement:
          t.trafficS = (w.bytesRead + w.bytesWritten) / trafficBandwidth;
          break;
        case cost::OpWork::Kind::Free:
          break;
        }
        f.tasks.push_back(std::move(t));
      }
    }

  // The fewest stages that hold each variant's parameters, gradients and
  // optimizer state in the largest HBM swept (greedy packing is exact for
  // contiguous stages); 0 when a layer alone does not fit.
  double maxHbm =
      *std::max_element(o.hbmGiB.begin(), o.hbmGiB.end()) * 1073741824.0;
  for (Variant &v : P.variants) {
    int64_t stages = 1;
    double used = 0;
    for (const PlanLayer &l : v.chain.layers) {
      double bytes = l.parameterBytes + l.gradientBytes + l.optimizerStateBytes;
      if (bytes > maxHbm) {
        stages = 0;
        break;
      }
      if (used + bytes > maxHbm) {
        ++stages;
        used = 0;
      }
      used += bytes;
    }
    v.minStages = v.chain.layers.empty() ? 0 : stages;
  }
  P.clockHz = P.templateChip.getClockHz();
  P.cyclesPerCall = templateSpec.intrinsic.cyclesPerCall > 0
                        ? templateSpec.intrinsic.cyclesPerCall
                        : 1.0;
  P.dpBandwidth = P.system.getInterNode().getBandwidthBytesPerS();
  if (P.system.getIntraNode())
    P.dpBandwidth = std::max<double>(
        P.dpBandwidth, P.system.getIntraNode().getBandwidthBytesPerS());
  for (Candidate &c : candidates) {
    c.bound = -INFINITY;
    for (const Variant &v : P.variants)
      c.bound = std::max(c.bound, P.objectiveBound(v, c));
  }

  // The search order and its steps.
  bool prune = o.prune && o.earlyStopBuckets == 0;
  std::vector<int64_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  std::vector<std::pair<size_t, size_t>> steps;
  if (o.earlyStopBuckets > 0) {
    // PHAZE's order: area buckets of 10,000 um^2 from the largest; the
    // enumeration order inside a bucket. A step is a bucket.
    auto bucket = [&](int64_t i) {
      return static_cast<int64_t>(std::floor(candidates[i].areaUm2 / 1e4));
    };
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return bucket(a) > bucket(b);
    });
    if (o.maxCandidates > 0 &&
        static_cast<size_t>(o.maxCandidates) < order.size())
      order.resize(o.maxCandidates);
    for (size_t i = 0; i < order.size();) {
      size_t j = i;
      while (j < order.size() && bucket(order[j]) == bucket(order[i]))
        ++j;
      steps.push_back({i, j});
      i = j;
    }
  } else {
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return candidates[a].bound > candidates[b].bound;
    });
    if (o.maxCandidates > 0 &&
        static_cast<size_t>(o.maxCandidates) < order.size())
      order.resize(o.maxCandidates);
    for (size_t i = 0; i < order.size(); i += o.chunk)
      steps.push_back({i, std::min(order.size(), i + o.chunk)});
  }

  // The journal: what a previous run finished.
  std::map<int64_t, Result> done;
  if (o.resume && llvm::sys::fs::exists(journalPath)) {
    auto buffer = llvm::MemoryBuffer::getFile(journalPath);
    if (!buffer)
      return {"cannot read '" + journalPath + "'"};
    StringRef text = (*buffer)->getBuffer();
    // A line cut by a kill has no newline: drop it (root truncates).
    size_t complete = text.rfind('\n');
    complete = complete == StringRef::npos ? 0 : complete + 1;
    SmallVector<StringRef> lines;
    text.substr(0, complete).split(lines, '\n', -1, false);
    for (auto [n, line] : llvm::enumerate(lines)) {
      Result r;
      if (!parseResultLine(line, r) || r.id < 0 ||
          r.id >= static_cast<int64_t>(candidates.size()))
        return {llvm::formatv("{0}:{1}: not a phaze-search result line",
                              journalPath, n + 1)
                    .str()};
      done[r.id] = r;
    }
    if (root && complete < text.size()) {
      int fd;
      if (llvm::sys::fs::openFileForReadWrite(journalPath, fd,
                                              llvm::sys::fs::CD_OpenExisting,
                                              llvm::sys::fs::OF_None) ||
          llvm::sys::fs::resize_file(fd, complete))
        return {"cannot truncate the cut line of '" + journalPath + "'"};
      llvm::sys::Process::SafelyCloseFileDescriptor(fd);
    }
    say(llvm::formatv("resuming: {0} candidates already in {1}", done.size(),
                      journalPath));
  }
  std::string error;
  std::unique_ptr<llvm::raw_fd_ostream> journal;
  if (root) {
    journal = openAppend(journalPath, error);
    if (!journal)
      return {error};
  }

  // Baselines on the template chip (every rank computes them; cheap).
  Evaluator main(P);
  Candidate templ;
  templ.id = -1;
  templ.cfg = P.templateChip.getConfig();
  templ.areaUm2 = arch::chipAreaUm2(templ.cfg);
  for (const Candidate &c : candidates)
    if (c.cfg == templ.cfg)
      templ.id = c.id;
  Result baselineOptimal = main.evaluate(templ);
  int64_t bp = o.baselineStages, bt = o.baselineT, bd = o.baselineD;
  if (bp == 0)
    for (const Baseline &b : kBaselines)
      if (o.workload == b.model) {
        bp = b.p;
        bt = b.t;
        bd = b.d;
      }
  SweepResult baselineFixed;
  std::string baselineFixedWhy;
  if (bp > 0)
    baselineFixed = main.evaluateFixed(bp, bt, bd, baselineFixedWhy);

  // The steps.
  unsigned threads =
      o.threads ? o.threads : std::thread::hardware_concurrency();
  threads = std::max(1u, threads);
  std::vector<std::unique_ptr<Evaluator>> evaluators;
  for (unsigned i = 0; i < threads; ++i)
    evaluators.push_back(std::make_unique<Evaluator>(P));
  Result best;
  best.id = -1;
  int64_t evaluated = 0, pruned = 0, infeasible = 0, processed = 0;
  double evaluateS = 0, maxGap = 0;
  Progress progress(order.size(), o.quiet || !root);
  std::deque<double> bucketBest; // early stop: the last buckets' best
  bool stopped = false;
  auto account = [&](const Result &r) {
    ++processed;
    if (r.status == Result::Status::Pruned) {
      ++pruned;
      return;
    }
    ++evaluated;
    evaluateS += r.evaluateS;
    maxGap = std::max(maxGap, r.maxScheduleGap);
    if (!r.best.feasible)
      ++infeasible;
    else if (better(r.best, r.id, best.best, best.id))
      best = r;
  };
  for (auto [first, last] : steps) {
    if (stopped)
      break;
    double incumbent = best.best.feasible ? best.best.objective : -INFINITY;
    std::vector<int64_t> todo;
    std::vector<std::string> lines;
    for (size_t i = first; i < last; ++i) {
      int64_t id = order[i];
      auto it = done.find(id);
      if (it != done.end())
        continue;
      if (prune && candidates[id].bound < incumbent) {
        Result r;
        r.id = id;
        r.status = Result::Status::Pruned;
        done[id] = r;
        if (root)
          lines.push_back(resultLine(r, candidates[id]));
        continue;
      }
      todo.push_back(id);
    }
    // This rank's share, over this process's threads.
    std::vector<int64_t> mine;
    for (size_t i = 0; i < todo.size(); ++i)
      if (static_cast<int>(i % o.ranks) == o.rank)
        mine.push_back(todo[i]);
    std::vector<std::string> produced(mine.size());
    std::atomic<size_t> next{0};
    auto work = [&](unsigned w) {
      for (size_t i; (i = next++) < mine.size();) {
        Result r = evaluators[w]->evaluate(candidates[mine[i]]);
        produced[i] = resultLine(r, candidates[mine[i]]);
      }
    };
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < std::min<size_t>(threads, mine.size()); ++w)
      pool.emplace_back(work, w);
    work(0);
    for (std::thread &t : pool)
      t.join();
    for (const std::string &line : exchange(produced)) {
      Result r;
      if (!parseResultLine(line, r))
        return {"internal error: an unreadable result line"};
      done[r.id] = r;
      if (root)
        lines.push_back(line);
    }
    if (root) {
      for (const std::string &line : lines)
        *journal << line << "\n";
      journal->flush();
    }
    // The step's results in search order (deterministic).
    double stepBest = -1;
    for (size_t i = first; i < last; ++i) {
      const Result &r = done[order[i]];
      account(r);
      if (r.status == Result::Status::Evaluated && r.best.feasible)
        stepBest = std::max(stepBest, r.best.objective);
    }
    progress.update(processed, evaluated,
                    best.best.feasible ? best.best.objective : 0,
                    objectiveName(o.objective));
    if (o.earlyStopBuckets > 0) {
      // PHAZE: stop when the best of the last buckets has stopped rising.
      bucketBest.push_back(stepBest);
      if (static_cast<int64_t>(bucketBest.size()) > o.earlyStopBuckets)
        bucketBest.pop_front();
      if (static_cast<int64_t>(bucketBest.size()) == o.earlyStopBuckets &&
          std::is_sorted(bucketBest.rbegin(), bucketBest.rend()))
        stopped = true;
    }
  }
  progress.update(processed, evaluated,
                  best.best.feasible ? best.best.objective : 0,
                  objectiveName(o.objective), true);
  progress.finish();
  if (root)
    journal->close();
  double wall = secondsSince(start);
  if (!root)
    return {};

  // Outputs.
  SmallString<256> dir(o.outputDir);
  auto pathOf = [&](StringRef name) {
    SmallString<256> p(dir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };
  // The Pareto front: area vs the best throughput.
  std::vector<std::pair<double, const Result *>> feasible;
  for (auto &[id, r] : done)
    if (r.status == Result::Status::Evaluated && r.best.feasible)
      feasible.push_back({candidates[id].areaUm2, &r});
  llvm::sort(feasible, [](auto &a, auto &b) {
    if (a.first != b.first)
      return a.first < b.first;
    return a.second->best.plan.samplesPerS > b.second->best.plan.samplesPerS;
  });
  std::string pareto =
      "id,area_um2,samples_per_s,tokens_per_s,tensor_count,tensor_rows,"
      "tensor_cols,vector_count,vector_lanes,global_buffer_bytes,t,d,p,"
      "microbatch_size,hbm_gib,recompute\n";
  double top = -1;
  for (auto &[area, r] : feasible) {
    if (r->best.plan.samplesPerS <= top)
      continue;
    top = r->best.plan.samplesPerS;
    const arch::ChipConfig &c = candidates[r->id].cfg;
    pareto += llvm::formatv(
        "{0},{1:f2},{2},{3},{4},{5},{6},{7},{8},{9},{10},{11},{12},{13},{14},"
        "{15}\n",
        r->id, area, r->best.plan.samplesPerS, r->best.plan.tokensPerS,
        c.tensorCount, c.tensorRows, c.tensorCols, c.vectorCount, c.vectorLanes,
        c.globalBufferBytes, r->best.t, r->best.plan.d, r->best.plan.p,
        r->best.mbs, r->best.hbmGiB, toString(r->best.recompute));
  }
  if (Status s = writeFile(pathOf("pareto.csv"), pareto); !s.ok())
    return s;

  auto resultJson = [&](const SweepResult &r, const arch::ChipConfig &cfg,
                        double area) -> llvm::json::Value {
    if (!r.feasible)
      return nullptr;
    llvm::json::Object o = sweepJson(r);
    o["chip"] = chipJson(cfg, area);
    o["power_w"] = r.plan.timePerBatchS > 0
                       ? r.energyJ / r.plan.timePerBatchS /
                             static_cast<double>(r.t * r.plan.d * r.plan.p)
                       : 0.0;
    return llvm::json::Value(std::move(o));
  };
  auto speedup = [](const SweepResult &a,
                    const SweepResult &b) -> llvm::json::Value {
    if (!a.feasible || !b.feasible)
      return nullptr;
    return a.plan.samplesPerS / b.plan.samplesPerS;
  };
  llvm::json::Object summary{
      {"workload", o.workload},
      {"space", P.spaceName},
      {"system", P.systemName},
      {"devices", P.devices},
      {"objective", objectiveName(o.objective)},
      {"global_batch", o.globalBatch},
      {"candidates", static_cast<int64_t>(candidates.size())},
      {"searched", static_cast<int64_t>(order.size())},
      {"evaluated", evaluated},
      {"pruned", pruned},
      {"infeasible", infeasible},
      {"not_visited", static_cast<int64_t>(order.size()) - processed},
      {"schedules", o.exactSchedules ? "milp" : "list-schedule"},
      {"max_schedule_gap", maxGap},
      {"wall_s", wall},
      {"evaluate_cpu_s", evaluateS},
      {"best", best.best.feasible
                   ? resultJson(best.best, candidates[best.id].cfg,
                                candidates[best.id].areaUm2)
                   : llvm::json::Value(nullptr)},
      {"baseline_optimal",
       resultJson(baselineOptimal.best, templ.cfg, templ.areaUm2)},
      {"baseline_fixed", resultJson(baselineFixed, templ.cfg, templ.areaUm2)},
      {"baseline_fixed_infeasible", baselineFixedWhy.empty()
                                        ? llvm::json::Value(nullptr)
                                        : llvm::json::Value(baselineFixedWhy)},
      {"baseline_fixed_split",
       bp > 0 ? llvm::json::Value(llvm::json::Array{bp, bt, bd})
              : llvm::json::Value(nullptr)},
      {"speedup_vs_baseline_optimal", speedup(best.best, baselineOptimal.best)},
      {"speedup_vs_baseline_fixed", speedup(best.best, baselineFixed)}};
  // best.mlir: the full phaze-opt pipeline on the winner.
  // A failure here is reported after the summary is written: finished
  // work is not lost.
  Status bestStatus;
  if (best.best.feasible)
    [&] {
      const SweepResult &b = best.best;
      std::string err;
      FailureOr<OwningOpRef<ModuleOp>> m =
          buildWorkload(ctx, o, b.t, zoo ? b.mbs : 0, err);
      if (failed(m)) {
        bestStatus = {"best.mlir: " + err};
        return;
      }
      ModuleOp module = **m;
      OpBuilder builder(module.getBodyRegion());
      builder.setInsertionPointToStart(module.getBody());
      accel::ChipAttr chip =
          withConfig(P.templateChip, candidates[best.id].cfg);
      accel::ChipOp::create(builder, module.getLoc(), "best", chip);
      accel::SystemOp::create(builder, module.getLoc(), "best_system",
                              StringRef("best"), P.system);
      PassManager pm(&ctx);
      EvaluatePipelineOptions eo;
      eo.exact = o.exactSchedules;
      eo.timeLimit = o.scheduleTimeLimitS;
      // The placement as the driver solved it (its peak memory fits hbmGiB).
      eo.memoryGiB = b.solvedHbmGiB;
      eo.recompute = toString(b.recompute);
      eo.globalBatch = o.globalBatch;
      eo.devices = P.devices;
      // The Chrome trace has a row per unit an op holds: written for chips
      // of at most 512 units (thousands of rows neither load nor read well).
      const arch::ChipConfig &bc = candidates[best.id].cfg;
      if (bc.tensorCount + bc.vectorCount <= 512)
        eo.traceFile = pathOf("best-trace.json");
      buildEvaluatePipeline(pm, eo);
      std::string diag;
      ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic &d) {
        if (d.getSeverity() == DiagnosticSeverity::Error) {
          llvm::raw_string_ostream os(diag);
          os << d.getLocation() << ": " << d << "\n";
        }
        return success();
      });
      if (failed(pm.run(module))) {
        bestStatus = {"best.mlir: the evaluation pipeline failed:\n" + diag};
        return;
      }
      std::string text;
      llvm::raw_string_ostream os(text);
      module.print(os);
      if (Status s = writeFile(pathOf("best.mlir"), text); !s.ok()) {
        bestStatus = s;
        return;
      }
      if (o.exactSchedules || o.certifyTimeLimitS <= 0)
        return;
      // Certify the winner's list schedules: the exact solver on a copy gives a
      // proven lower bound per layer function.
      OwningOpRef<ModuleOp> copy = module.clone();
      PassManager cert(&ctx);
      PhazeSchedulePassOptions so;
      so.exact = true;
      so.timeLimit = o.certifyTimeLimitS;
      cert.addPass(createPhazeSchedulePass(so));
      if (failed(cert.run(*copy)))
        return;
      int64_t functions = 0, optimal = 0;
      double maxGap = 0;
      for (func::FuncOp fn : copy->getOps<func::FuncOp>()) {
        auto exact =
            fn->getAttrOfType<MakespanAttr>(MakespanAttr::getAttrName());
        auto listFn = module.lookupSymbol<func::FuncOp>(fn.getSymName());
        auto list = listFn ? listFn->getAttrOfType<MakespanAttr>(
                                 MakespanAttr::getAttrName())
                           : MakespanAttr();
        if (!exact || !list)
          continue;
        ++functions;
        double ms = list.getMakespanS().value();
        double gap = ms > 0 ? (ms - exact.getLowerBoundS().value()) / ms : 0;
        gap = std::max(0.0, gap);
        optimal += gap <= 1e-9;
        maxGap = std::max(maxGap, gap);
      }
      summary["best_schedules_certified"] =
          llvm::json::Object{{"time_limit_s", o.certifyTimeLimitS},
                             {"functions", functions},
                             {"list_schedule_proven_optimal", optimal},
                             {"max_gap_to_milp_bound", maxGap}};
    }();
  {
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(summary))) << "\n";
    if (Status s = writeFile(pathOf("summary.json"), text); !s.ok())
      return s;
  }

  // The table.
  llvm::raw_ostream &out = llvm::outs();
  out << llvm::formatv(
      "phaze-search: {0} on @{1} ({2} devices), space @{3}: {4} candidates, "
      "{5} evaluated, {6} pruned, {7} infeasible, {8:f1} s\n",
      o.workload, P.systemName, P.devices, P.spaceName, candidates.size(),
      evaluated, pruned, infeasible, wall);
  out << llvm::formatv("  {0,-22} {1,-36} {2,3} {3,4} {4,3} {5,4} {6,5} "
                       "{7,-4} {8,12} {9,10} {10,8}\n",
                       "", "chip", "t", "d", "p", "mbs", "HBM", "rc",
                       "samples/s", "area mm2", "speedup");
  auto row = [&](StringRef name, const SweepResult &r,
                 const arch::ChipConfig &cfg, double area, StringRef why = "") {
    if (!r.feasible) {
      out << llvm::formatv("  {0,-22} {1,-36} no feasible placement{2}{3}\n",
                           name, chipLabel(cfg), why.empty() ? "" : ": ", why);
      return;
    }
    double ref = baselineFixed.feasible ? baselineFixed.plan.samplesPerS
                 : baselineOptimal.best.feasible
                     ? baselineOptimal.best.plan.samplesPerS
                     : 0;
    out << llvm::formatv("  {0,-22} {1,-36} {2,3} {3,4} {4,3} {5,4} {6,5} "
                         "{7,-4} {8,12:f2} {9,10:f2} {10,7:f2}x\n",
                         name, chipLabel(cfg), r.t, r.plan.d, r.plan.p, r.mbs,
                         r.hbmGiB, toString(r.recompute), r.plan.samplesPerS,
                         area * 1e-6, ref > 0 ? r.plan.samplesPerS / ref : 0.0);
  };
  if (best.best.feasible)
    row("best", best.best, candidates[best.id].cfg,
        candidates[best.id].areaUm2);
  else
    out << "  no candidate has a feasible placement\n";
  row("@" + P.chipName + ", optimal", baselineOptimal.best, templ.cfg,
      templ.areaUm2);
  if (bp > 0)
    row(llvm::formatv("@{0}, {1}x{2}x{3}", P.chipName, bp, bt, bd).str(),
        baselineFixed, templ.cfg, templ.areaUm2, baselineFixedWhy);
  out << llvm::formatv("  outputs in {0}/ (results.jsonl, summary.json, "
                       "pareto.csv{1})\n",
                       o.outputDir,
                       !best.best.feasible ? ""
                       : candidates[best.id].cfg.tensorCount +
                                   candidates[best.id].cfg.vectorCount <=
                               512
                           ? ", best.mlir, best-trace.json"
                           : ", best.mlir");
  return bestStatus;
}
