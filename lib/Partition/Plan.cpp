//===- Plan.cpp - phaze's placement model and its exact DP ----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// The DP runs over suffixes [i, n) and stage counts σ; a state keeps the
// Pareto set of (max stage load, max stage gradient bytes, max stage
// optimizer time) over its partitions, since the objective adds the first
// times (m + p − 1) to terms in the other two, whose weights depend on d.
// Stage memory depends on the microbatches in flight, min(σ, m) under 1F1B
// or m under GPipe, so one DP serves every d with the same cap; pipeline
// traffic uses the intra-node link only when a whole pipeline fits in a
// node (node-aligned), which a second table covers.
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/Plan.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <tuple>

using namespace mlir::phaze::partition;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Prefix sums and interval figures of the chain at one width (`ls`: the
/// problem's layers or one of its otherWidths'); boundary bytes are always
/// the problem's.
struct Chain {
  const PlanProblem &p;
  const std::vector<PlanLayer> &ls;
  int n;
  std::vector<double> fw, bw, opt, stat, grad, stash, rstash, flops;

  explicit Chain(const PlanProblem &p) : Chain(p, p.layers) {}
  Chain(const PlanProblem &p, const std::vector<PlanLayer> &ls)
      : p(p), ls(ls), n(ls.size()) {
    for (auto *v : {&fw, &bw, &opt, &stat, &grad, &stash, &rstash, &flops})
      v->assign(n + 1, 0);
    for (int i = 0; i < n; ++i) {
      const PlanLayer &l = ls[i];
      fw[i + 1] = fw[i] + l.forwardS;
      bw[i + 1] = bw[i] + l.backwardS;
      opt[i + 1] = opt[i] + l.optimizerS;
      stat[i + 1] =
          stat[i] + l.parameterBytes + l.gradientBytes + l.optimizerStateBytes;
      grad[i + 1] = grad[i] + l.gradientBytes;
      stash[i + 1] = stash[i] + l.stashBytes;
      rstash[i + 1] = rstash[i] + l.recomputeStashBytes;
      flops[i + 1] = flops[i] + l.forwardFlops;
    }
  }

  double maxStash(int i, int j) const {
    double m = 0;
    for (int v = i; v < j; ++v)
      m = std::max(m, ls[v].stashBytes);
    return m;
  }

  /// Load per microbatch of [i, j) with recomputation r, pipeline link pp.
  double load(int i, int j, bool r, const PlanLink &pp) const {
    double compute =
        (fw[j] - fw[i]) + (bw[j] - bw[i]) + (r ? fw[j] - fw[i] : 0);
    double comm = 0;
    if (i > 0) // the input activation arrives (forward)
      comm += p.layers[i - 1].outputBytes / pp.bandwidthBytesPerS + pp.latencyS;
    if (j < n) // the output gradient arrives (backward)
      comm += p.layers[j - 1].outputBytes / pp.bandwidthBytesPerS + pp.latencyS;
    return compute + comm;
  }

  /// Memory per device of [i, j) holding `inflight` microbatches, where
  /// `peak` is the largest single-layer stash in [i, j) (callers scanning
  /// intervals keep it running).
  double memory(int i, int j, bool r, double inflight, double peak) const {
    double act;
    if (!r)
      act = inflight * (stash[j] - stash[i]);
    else if (p.checkpoint == RecomputeCheckpoint::Layer)
      // Every layer's input; one layer's activations rebuilt at a time.
      act = inflight * (rstash[j] - rstash[i]) + peak;
    else
      // The stage's input (what crosses into it; the model's input for
      // the first); the whole stage rebuilt for one microbatch.
      act = inflight * (i > 0 ? p.layers[i - 1].outputBytes
                              : ls[0].recomputeStashBytes) +
            (stash[j] - stash[i]);
    return (stat[j] - stat[i]) + act;
  }
  double memory(int i, int j, bool r, int64_t inflight) const {
    return memory(i, j, r, static_cast<double>(inflight), maxStash(i, j));
  }
};

/// The data-parallel degrees a placement may use: d divides the
/// microbatches and one stage `width` wide (0: t) per pipeline fits in the
/// devices.
std::vector<int64_t> dataParallelDegrees(const PlanProblem &p,
                                         int64_t width = 0) {
  if (width == 0)
    width = p.t;
  std::vector<int64_t> ds;
  for (int64_t d = 1; d * width <= p.devices && d <= p.microbatches; ++d)
    if (p.microbatches % d == 0)
      ds.push_back(d);
  return ds;
}

/// The most stages d pipelines allow (at most `bound`, one layer each).
int64_t depthFor(const PlanProblem &p, int64_t bound, int64_t d) {
  return std::min(bound, p.devices / (p.t * d));
}

int64_t inflightOf(const PlanProblem &p, int64_t sigma, int64_t m) {
  return p.schedule == PipelineSchedule::GPipe ? m : std::min(sigma, m);
}

/// The in-flight cap of DP tables: "no cap".
constexpr int64_t kUncapped = std::numeric_limits<int64_t>::max() / 4;

/// The in-flight cap a table for m microbatches per pipeline and stage
/// counts up to `depth` needs: under 1F1B min(σ, m) only matters when
/// m < depth, so every larger m shares the uncapped table.
int64_t tableCap(const PlanProblem &p, int64_t m, int64_t depth) {
  return p.schedule == PipelineSchedule::OneFOneB && m >= depth ? kUncapped : m;
}

/// Recomputation choices the policy allows, fastest first.
std::vector<bool> choices(const PlanProblem &p) {
  switch (p.recompute) {
  case RecomputePolicy::Off:
    return {false};
  case RecomputePolicy::Full:
    return {true};
  case RecomputePolicy::Auto:
    return {false, true};
  }
  return {false};
}

/// The gradient all-reduce of `gradBytes` over d replicas (a ring).
double allReduce(int64_t d, double gradBytes, const PlanLink &link) {
  if (d <= 1 || gradBytes <= 0)
    return 0;
  double dd = static_cast<double>(d);
  return 2 * (dd - 1) / dd * gradBytes / link.bandwidthBytesPerS +
         2 * (dd - 1) * link.latencyS;
}

/// Whether a pipeline of `devices` fits in one node, node-aligned.
bool pipelineInNode(const PlanProblem &p, int64_t devices) {
  return devices <= p.devicesPerNode && p.devicesPerNode % devices == 0;
}

/// One Pareto entry of a DP state.
struct Entry {
  double load, grad, opt;
  int next;       ///< the next stage starts here (n: none)
  int child;      ///< index in the next state's set
  bool recompute; ///< of this state's first stage
};

/// A state's Pareto set: usually one or two entries, kept inline.
using EntrySet = llvm::SmallVector<Entry, 1>;

bool dominates(const Entry &a, const Entry &b) {
  return a.load <= b.load && a.grad <= b.grad && a.opt <= b.opt;
}

/// The DP for one in-flight cap and pipeline link.
struct Table {
  int n;
  int64_t bound;
  std::vector<EntrySet> sets; ///< [i * (bound + 1) + σ]
  EntrySet &at(int i, int64_t s) { return sets[i * (bound + 1) + s]; }
};

/// Adds `e` to the Pareto set `set` unless an entry dominates it, dropping
/// the entries it dominates (`dom(a, b)`: a is no worse than b).
template <typename Set, typename E, typename Dominates>
void insertPareto(Set &set, const E &e, Dominates dom) {
  for (const E &x : set)
    if (dom(x, e))
      return;
  set.erase(std::remove_if(set.begin(), set.end(),
                           [&](const E &x) { return dom(e, x); }),
            set.end());
  set.push_back(e);
}

void insert(EntrySet &set, const Entry &e) { insertPareto(set, e, dominates); }

/// The DP for in-flight cap m (under 1F1B: min(σ, m) microbatches at
/// position σ), stage counts up to `bound`. `base`, when given, is the
/// uncapped 1F1B table of the same link, at least m deep: its states with
/// σ <= m are the same here (min(σ, m) = σ) and are copied.
Table runDp(const Chain &c, int64_t bound, int64_t m, const PlanLink &pp,
            const Table *base = nullptr) {
  const PlanProblem &p = c.p;
  int n = c.n;
  Table tb{n, bound, {}};
  tb.sets.assign(static_cast<size_t>(n + 1) * (bound + 1), {});
  tb.at(n, 0).push_back({0, 0, 0, n, -1, false});
  int64_t first = 1; // the first stage count computed here
  if (base) {
    first = std::min(m, bound) + 1;
    for (int i = 0; i <= n; ++i)
      for (int64_t s = 0; s < first; ++s)
        tb.at(i, s) = base->sets[i * (base->bound + 1) + s];
  }
  std::vector<bool> rs = choices(p);
  // Interval figures of [i, j) for the current i, by j.
  std::vector<double> peak(n + 1), load0(n + 1), load1(n + 1);
  for (int i = n - 1; i >= 0; --i) {
    // Receiving the input activation (forward), the same for every j.
    double inTerm =
        i > 0
            ? p.layers[i - 1].outputBytes / pp.bandwidthBytesPerS + pp.latencyS
            : 0;
    double pk = 0; // the largest single-layer stash in [i, j)
    for (int j = i + 1; j <= n; ++j) {
      pk = std::max(pk, p.layers[j - 1].stashBytes);
      peak[j] = pk;
      load0[j] = c.load(i, j, false, pp);
      load1[j] = c.load(i, j, true, pp);
    }
    for (int64_t s = first; s <= bound; ++s) {
      double inflight = static_cast<double>(inflightOf(p, s, m));
      EntrySet &set = tb.at(i, s);
      // The rest covers n - j layers in s - 1 stages of at least one.
      for (int j = i + 1; j <= n - (s - 1); ++j) {
        double g = c.grad[j] - c.grad[i], o = c.opt[j] - c.opt[i];
        // The fastest recomputation choice that fits at position s. Memory
        // grows with j: once nothing fits, nothing longer does.
        int r = -1;
        for (bool x : rs)
          if (c.memory(i, j, x, inflight, peak[j]) <= p.memoryBytes) {
            r = x;
            break;
          }
        if (r < 0)
          break;
        double load = r ? load1[j] : load0[j];
        // Every longer stage [i, j') has at least this load (its compute
        // only grows, and it receives the same input; its output gradient
        // may be smaller), gradient and optimizer time: once an entry
        // dominates that, longer stages give dominated entries.
        double lower = (c.fw[j] - c.fw[i]) + (c.bw[j] - c.bw[i]) + inTerm;
        bool dominated = false;
        for (const Entry &e : set)
          dominated |= e.load <= lower && e.grad <= g && e.opt <= o;
        if (dominated)
          break;
        const EntrySet &rest = tb.at(j, s - 1);
        for (size_t k = 0; k < rest.size(); ++k)
          insert(set,
                 {std::max(load, rest[k].load), std::max(g, rest[k].grad),
                  std::max(o, rest[k].opt), j, static_cast<int>(k), r == 1});
      }
    }
  }
  return tb;
}

/// "85.9 GB", "1.2 MB", "1000 bytes": four significant digits.
std::string formatBytes(double bytes) {
  char buf[64];
  if (bytes >= 1e9)
    std::snprintf(buf, sizeof(buf), "%.4g GB", bytes / 1e9);
  else if (bytes >= 1e6)
    std::snprintf(buf, sizeof(buf), "%.4g MB", bytes / 1e6);
  else
    std::snprintf(buf, sizeof(buf), "%.4g bytes", bytes);
  return buf;
}

Plan infeasible(std::string message) {
  Plan plan;
  plan.message = std::move(message);
  return plan;
}

/// No placement fits in p's memory; `needed` (> 0) is the smallest memory
/// per device that admits one.
Plan memoryBound(const PlanProblem &p, double needed) {
  std::string message = "no placement fits in " + formatBytes(p.memoryBytes) +
                        " of memory per device";
  if (needed > 0)
    message += " (binding: memory per device; the smallest that admits a "
               "placement is " +
               formatBytes(needed) + ")";
  Plan plan = infeasible(message);
  plan.memoryNeededBytes = needed;
  return plan;
}

/// The plan of entry `entry` of state (0, s) of a single-width DP table,
/// walked to the end, with d pipelines.
Plan traceBack(const PlanProblem &p, Table &tb, int64_t d, int64_t s,
               int entry) {
  Plan plan;
  plan.d = d;
  plan.microbatchesPerPipeline = p.microbatches / d;
  int n = p.layers.size();
  int i = 0, k = entry;
  while (i < n) {
    const Entry &e = tb.at(i, s)[k];
    PlanStage st;
    st.first = i;
    st.last = e.next - 1;
    st.t = p.t;
    st.recompute = e.recompute;
    plan.stages.push_back(st);
    i = e.next;
    k = e.child;
    --s;
  }
  return plan;
}

/// The problem's widths: index 0 is p.t with p.layers, then otherWidths.
struct Widths {
  std::vector<int64_t> ts;
  std::vector<Chain> chains;
  int64_t smallest;

  explicit Widths(const PlanProblem &p) {
    chains.reserve(1 + p.otherWidths.size());
    ts.push_back(p.t);
    chains.emplace_back(p);
    for (const PlanWidth &w : p.otherWidths) {
      ts.push_back(w.t);
      chains.emplace_back(p, w.layers);
    }
    smallest = *std::min_element(ts.begin(), ts.end());
  }

  /// The index of width t, or -1.
  int indexOf(int64_t t) const {
    for (size_t k = 0; k < ts.size(); ++k)
      if (ts[k] == t)
        return k;
    return -1;
  }
};

/// A set of layers, one bit each.
using Bits = llvm::SmallVector<uint64_t, 2>;

bool hasBit(const Bits &s, int v) { return (s[v / 64] >> (v % 64)) & 1; }
void setBit(Bits &s, int v) { s[v / 64] |= uint64_t(1) << (v % 64); }

/// The most upsets a layer graph may have, and the most candidate stages
/// (pairs of nested upsets) the DP keeps.
constexpr size_t kMaxUpsets = 5000;
constexpr size_t kMaxStages = 500000;

/// The layer graph (the problem's edges, or the chain k → k + 1) and its
/// upsets, smallest first (the empty set first, every layer last).
struct LayerGraph {
  int n = 0, words = 0;
  std::vector<std::vector<int>> preds, succs;
  std::vector<Bits> upsets;
  std::vector<int> sizes;
  /// One upset per size, each in the next (a chain): a stage U_a \ U_b
  /// then grows as b falls, which the DP's early stops rely on.
  bool nested = true;

  /// The edges alone (no upsets).
  void link(const PlanProblem &p) {
    n = p.layers.size();
    words = (n + 63) / 64;
    preds.assign(n, {});
    succs.assign(n, {});
    std::set<std::pair<int, int>> edges;
    if (p.edges.empty())
      for (int k = 0; k + 1 < n; ++k)
        edges.insert({k, k + 1});
    for (const PlanEdge &e : p.edges)
      edges.insert({e.from, e.to});
    for (auto [a, b] : edges) {
      succs[a].push_back(b);
      preds[b].push_back(a);
    }
  }

  /// Builds the graph and its upsets; false when it has more than
  /// kMaxUpsets upsets.
  bool build(const PlanProblem &p) {
    link(p);
    std::set<Bits> seen;
    std::vector<Bits> level{Bits(words, 0)};
    upsets = level;
    sizes = {0};
    for (int size = 1; size <= n; ++size) {
      std::vector<Bits> next;
      for (const Bits &u : level)
        for (int v = 0; v < n; ++v) {
          if (hasBit(u, v) ||
              llvm::any_of(succs[v], [&](int x) { return !hasBit(u, x); }))
            continue;
          Bits x = u;
          setBit(x, v);
          if (seen.insert(x).second)
            next.push_back(std::move(x));
          if (upsets.size() + next.size() > kMaxUpsets)
            return false;
        }
      nested &= next.size() == 1;
      for (Bits &x : next) {
        upsets.push_back(x);
        sizes.push_back(size);
      }
      level = std::move(next);
    }
    return true;
  }

  static bool subset(const Bits &a, const Bits &b) {
    for (size_t k = 0; k < a.size(); ++k)
      if (a[k] & ~b[k])
        return false;
    return true;
  }
};

/// What a stage S = U_a \ U_b costs at every width: boundary traffic (the
/// outputs of the layers before it that it reads; the gradients of its
/// layers that later stages read) and its largest single-layer stash.
struct StageShape {
  int b = 0;
  bool receives = false, sends = false;
  double inBytes = 0, outBytes = 0;
  /// Per width: the stage's layers' figures summed in layer order (equal
  /// stages of equal layers sum to equal values, so the DP's Pareto sets
  /// see their ties), and the largest single-layer stash.
  struct Figures {
    /// input: the recomputation checkpoints of the stage's layers that
    /// read no other layer (the model's input).
    double fw = 0, bw = 0, opt = 0, stat = 0, grad = 0, stash = 0, rstash = 0,
           input = 0, peak = 0;
  };
  llvm::SmallVector<Figures, 4> at;
};

/// The shape of stage `stage` whose later stages hold `later` (earlier ones
/// the rest).
StageShape shapeOf(const PlanProblem &p, const Widths &w, const LayerGraph &g,
                   const Bits &stage, const Bits &later) {
  StageShape sh;
  sh.at.assign(w.ts.size(), {});
  llvm::SmallVector<int, 8> counted;
  for (int v = 0; v < g.n; ++v) {
    if (!hasBit(stage, v))
      continue;
    for (size_t wi = 0; wi < w.ts.size(); ++wi) {
      const PlanLayer &l = w.chains[wi].ls[v];
      StageShape::Figures &x = sh.at[wi];
      x.fw += l.forwardS;
      x.bw += l.backwardS;
      x.opt += l.optimizerS;
      x.stat += l.parameterBytes + l.gradientBytes + l.optimizerStateBytes;
      x.grad += l.gradientBytes;
      x.stash += l.stashBytes;
      x.rstash += l.recomputeStashBytes;
      x.peak = std::max(x.peak, l.stashBytes);
    }
    // A layer reading no other layer reads the model's input.
    if (g.preds[v].empty())
      for (size_t wi = 0; wi < w.ts.size(); ++wi)
        sh.at[wi].input += w.chains[wi].ls[v].recomputeStashBytes;
    for (int x : g.preds[v])
      if (!hasBit(stage, x) && !hasBit(later, x) &&
          !llvm::is_contained(counted, x)) {
        counted.push_back(x);
        sh.receives = true;
        sh.inBytes += p.layers[x].outputBytes;
      }
    if (llvm::any_of(g.succs[v], [&](int x) { return hasBit(later, x); })) {
      sh.sends = true;
      sh.outBytes += p.layers[v].outputBytes;
    }
  }
  return sh;
}

/// Load per microbatch of a stage at width wi, pipeline link pp.
double stageLoad(const StageShape &sh, size_t wi, bool r, const PlanLink &pp) {
  const StageShape::Figures &x = sh.at[wi];
  double load = x.fw + x.bw + (r ? x.fw : 0);
  if (sh.receives)
    load += sh.inBytes / pp.bandwidthBytesPerS + pp.latencyS;
  if (sh.sends)
    load += sh.outBytes / pp.bandwidthBytesPerS + pp.latencyS;
  return load;
}

/// Memory per device of a stage at width wi holding `inflight` microbatches
/// (as Chain::memory).
double stageMemory(const PlanProblem &p, const StageShape &sh, size_t wi,
                   bool r, double inflight) {
  const StageShape::Figures &x = sh.at[wi];
  if (!r)
    return x.stat + inflight * x.stash;
  if (p.checkpoint == RecomputeCheckpoint::Layer)
    return x.stat + inflight * x.rstash + x.peak;
  return x.stat + inflight * (x.input + sh.inBytes) + x.stash;
}

/// Fills the derived figures of `plan` (stages with first/last/t/recompute).
Plan finish(const PlanProblem &p, const Widths &w, Plan plan) {
  int64_t m = plan.microbatchesPerPipeline;
  plan.p = plan.stages.size();
  int64_t pipeDevices = 0;
  plan.t = 0;
  for (const PlanStage &s : plan.stages) {
    pipeDevices += s.t;
    plan.t = std::max(plan.t, s.t);
  }
  plan.devicesPerPipeline = pipeDevices;
  const PlanLink &pp =
      pipelineInNode(p, pipeDevices) ? p.intraNode : p.interNode;
  const PlanLink &dp =
      pipelineInNode(p, pipeDevices * plan.d) ? p.intraNode : p.interNode;
  // With a layer DAG, a stage's figures are summed over its set, its
  // traffic from the sets before and after it.
  LayerGraph g;
  Bits later;
  if (!p.edges.empty()) {
    g.link(p);
    later.assign(g.words, 0);
  }
  for (int64_t k = plan.stages.size() - 1; k >= 0; --k) {
    PlanStage &s = plan.stages[k];
    int wi = w.indexOf(s.t);
    const Chain &c = w.chains[wi];
    double inflight = static_cast<double>(inflightOf(p, plan.p - k, m));
    double grad;
    if (p.edges.empty()) {
      s.layers.clear();
      for (int v = s.first; v <= s.last; ++v)
        s.layers.push_back(v);
      s.loadS = c.load(s.first, s.last + 1, s.recompute, pp);
      s.memoryBytes = c.memory(s.first, s.last + 1, s.recompute, inflight,
                               c.maxStash(s.first, s.last + 1));
      grad = c.grad[s.last + 1] - c.grad[s.first];
      s.optimizerS = c.opt[s.last + 1] - c.opt[s.first];
    } else {
      Bits stage(g.words, 0);
      for (int v : s.layers)
        setBit(stage, v);
      StageShape sh = shapeOf(p, w, g, stage, later);
      const StageShape::Figures &x = sh.at[wi];
      s.loadS = stageLoad(sh, wi, s.recompute, pp);
      s.memoryBytes = stageMemory(p, sh, wi, s.recompute, inflight);
      grad = x.grad;
      s.optimizerS = x.opt;
      for (int k2 = 0; k2 < g.words; ++k2)
        later[k2] |= stage[k2];
    }
    s.allReduceS = allReduce(plan.d, grad, dp);
    plan.maxStageLoadS = std::max(plan.maxStageLoadS, s.loadS);
    plan.allReduceS = std::max(plan.allReduceS, s.allReduceS);
    plan.optimizerS = std::max(plan.optimizerS, s.optimizerS);
    plan.peakMemoryBytes = std::max(plan.peakMemoryBytes, s.memoryBytes);
  }
  plan.pipelineS = plan.maxStageLoadS * static_cast<double>(m + plan.p - 1);
  plan.timePerBatchS = plan.pipelineS + plan.allReduceS + plan.optimizerS;
  double samples = static_cast<double>(p.microbatches) *
                   static_cast<double>(p.samplesPerMicrobatch);
  plan.samplesPerS = samples / plan.timePerBatchS;
  plan.tokensPerS = plan.samplesPerS * static_cast<double>(p.tokensPerSample);
  if (p.peakFlopsPerS > 0) {
    // Model FLOPs: forward + backward (2x forward) per microbatch, on the
    // pipeline's devices times d.
    const Chain &c = w.chains[0];
    double flops = 3 * c.flops[c.n] * static_cast<double>(p.microbatches);
    double devices = static_cast<double>(pipeDevices * plan.d);
    plan.mfu = flops / (plan.timePerBatchS * devices * p.peakFlopsPerS);
  }
  plan.feasible = true;
  return plan;
}

} // namespace

bool PlanProblem::check(std::string &error) const {
  if (layers.empty()) {
    error = "no layer";
    return false;
  }
  if (devices < 1 || devicesPerNode < 1) {
    error = "devices and devices per node must be at least 1";
    return false;
  }
  if (t < 1 || t > devices) {
    error = "tensor-parallel width t = " + std::to_string(t) +
            " must be in [1, devices = " + std::to_string(devices) + "]";
    return false;
  }
  if (microbatches < 1 || samplesPerMicrobatch < 1 || tokensPerSample < 1) {
    error = "microbatches, samples per microbatch and tokens per sample "
            "must be at least 1";
    return false;
  }
  if (!(memoryBytes > 0) || !std::isfinite(memoryBytes)) {
    error = "memory per device must be positive";
    return false;
  }
  for (const PlanLink *l : {&intraNode, &interNode})
    if (!(l->bandwidthBytesPerS > 0) || !(l->latencyS >= 0)) {
      error = "link bandwidths must be positive and latencies >= 0";
      return false;
    }
  double work = 0;
  for (const PlanLayer &l : layers)
    work += l.forwardS + l.backwardS;
  if (!(work > 0)) {
    error = "the layers take no time (no forward or backward latency)";
    return false;
  }
  auto checkLayers = [&](const std::vector<PlanLayer> &ls,
                         const std::string &where) {
    for (size_t i = 0; i < ls.size(); ++i) {
      const PlanLayer &l = ls[i];
      for (double x : {l.forwardS, l.backwardS, l.optimizerS, l.parameterBytes,
                       l.gradientBytes, l.optimizerStateBytes, l.stashBytes,
                       l.recomputeStashBytes, l.outputBytes, l.forwardFlops})
        if (!(x >= 0) || !std::isfinite(x)) {
          error = where + "layer " + std::to_string(i) +
                  (l.name.empty() ? "" : " (" + l.name + ")") +
                  ": latencies and sizes must be finite and >= 0";
          return false;
        }
    }
    return true;
  };
  if (!checkLayers(layers, ""))
    return false;
  for (size_t k = 0; k < edges.size(); ++k)
    if (edges[k].from < 0 || edges[k].to >= static_cast<int>(layers.size()) ||
        edges[k].from >= edges[k].to) {
      error = "edge " + std::to_string(k) + " (" +
              std::to_string(edges[k].from) + " -> " +
              std::to_string(edges[k].to) +
              "): layers must be in range and numbered in a topological "
              "order (from < to)";
      return false;
    }
  std::vector<int64_t> seen{t};
  for (const PlanWidth &w : otherWidths) {
    std::string where = "width t = " + std::to_string(w.t) + ": ";
    if (w.t < 1 || w.t > devices) {
      error =
          where + "must be in [1, devices = " + std::to_string(devices) + "]";
      return false;
    }
    if (std::find(seen.begin(), seen.end(), w.t) != seen.end()) {
      error = where + "given twice";
      return false;
    }
    seen.push_back(w.t);
    if (w.layers.size() != layers.size()) {
      error = where + "has " + std::to_string(w.layers.size()) +
              " layers, the chain " + std::to_string(layers.size());
      return false;
    }
    if (!checkLayers(w.layers, where))
      return false;
  }
  return true;
}

Plan mlir::phaze::partition::evaluateStages(
    const PlanProblem &p, const std::vector<int> &firsts, int64_t d,
    const std::vector<bool> &recompute, const std::vector<int64_t> &widths) {
  int n = p.layers.size();
  if (firsts.empty() || firsts[0] != 0)
    return infeasible("the first stage must start at layer 0");
  for (size_t k = 1; k < firsts.size(); ++k)
    if (firsts[k] <= firsts[k - 1] || firsts[k] >= n)
      return infeasible("stage starts must increase within the layers");
  std::vector<std::vector<int>> stages;
  for (size_t k = 0; k < firsts.size(); ++k) {
    int end = k + 1 < firsts.size() ? firsts[k + 1] : n;
    stages.emplace_back();
    for (int v = firsts[k]; v < end; ++v)
      stages.back().push_back(v);
  }
  return evaluateStageSets(p, stages, d, recompute, widths);
}

Plan mlir::phaze::partition::evaluateStageSets(
    const PlanProblem &p, const std::vector<std::vector<int>> &sets, int64_t d,
    const std::vector<bool> &recompute, const std::vector<int64_t> &widths) {
  Widths w(p);
  int n = p.layers.size();
  int64_t stages = sets.size();
  if (stages == 0)
    return infeasible("no stage");
  // Every layer in exactly one stage, no dependence from a later stage to
  // an earlier one (so each stage is a difference of successor-closed
  // sets; with a chain, an interval).
  std::vector<int> stageOf(n, -1);
  for (int64_t k = 0; k < stages; ++k) {
    if (sets[k].empty())
      return infeasible("stage " + std::to_string(k) + " is empty");
    for (int v : sets[k]) {
      if (v < 0 || v >= n || stageOf[v] >= 0)
        return infeasible("layer " + std::to_string(v) +
                          " is out of range or in two stages");
      stageOf[v] = k;
    }
  }
  for (int v = 0; v < n; ++v)
    if (stageOf[v] < 0)
      return infeasible("layer " + std::to_string(v) + " is in no stage");
  LayerGraph g;
  g.link(p);
  for (int v = 0; v < n; ++v)
    for (int x : g.succs[v])
      if (stageOf[x] < stageOf[v])
        return infeasible("layer " + std::to_string(x) + " (stage " +
                          std::to_string(stageOf[x]) + ") reads layer " +
                          std::to_string(v) + " of a later stage (" +
                          std::to_string(stageOf[v]) + ")");
  if (d < 1 || p.microbatches % d != 0)
    return infeasible("d = " + std::to_string(d) +
                      " does not divide the microbatches per batch (" +
                      std::to_string(p.microbatches) + ")");
  if (!recompute.empty() && recompute.size() != static_cast<size_t>(stages))
    return infeasible("one recomputation flag per stage is needed");
  if (!widths.empty() && widths.size() != static_cast<size_t>(stages))
    return infeasible("one width per stage is needed");
  int64_t pipeDevices = 0;
  for (int64_t k = 0; k < stages; ++k) {
    int64_t t = widths.empty() ? p.t : widths[k];
    if (w.indexOf(t) < 0)
      return infeasible("stage " + std::to_string(k) + ": width t = " +
                        std::to_string(t) + " is not one of the problem's");
    pipeDevices += t;
  }
  if (pipeDevices * d > p.devices)
    return infeasible(
        std::to_string(stages) + " stages of " + std::to_string(pipeDevices) +
        " devices x d = " + std::to_string(d) + " need more than the " +
        std::to_string(p.devices) + " devices");
  Plan plan;
  plan.d = d;
  plan.microbatchesPerPipeline = p.microbatches / d;
  std::vector<bool> rs = choices(p);
  for (int64_t k = 0; k < stages; ++k) {
    PlanStage s;
    s.layers = sets[k];
    llvm::sort(s.layers);
    s.first = s.layers.front();
    s.last = s.layers.back();
    s.t = widths.empty() ? p.t : widths[k];
    const Chain &c = w.chains[w.indexOf(s.t)];
    double inflight = static_cast<double>(
        inflightOf(p, stages - k, plan.microbatchesPerPipeline));
    // A chain's figures as its DP sums them; a DAG's over the set.
    StageShape shape;
    if (!p.edges.empty()) {
      Bits stage(g.words, 0);
      for (int v : s.layers)
        setBit(stage, v);
      shape = shapeOf(p, w, g, stage, Bits(g.words, 0));
    }
    auto memory = [&](bool r) {
      if (p.edges.empty())
        return c.memory(s.first, s.last + 1, r, inflight,
                        c.maxStash(s.first, s.last + 1));
      return stageMemory(p, shape, w.indexOf(s.t), r, inflight);
    };
    if (!recompute.empty()) {
      s.recompute = recompute[k];
      if (memory(s.recompute) > p.memoryBytes)
        return infeasible("stage " + std::to_string(k) +
                          " does not fit in memory");
    } else {
      bool found = false;
      for (bool x : rs)
        if (memory(x) <= p.memoryBytes) {
          s.recompute = x;
          found = true;
          break;
        }
      if (!found)
        return infeasible("stage " + std::to_string(k) + " (layers " +
                          std::to_string(s.first) + ".." +
                          std::to_string(s.last) + ") does not fit in memory");
    }
    plan.stages.push_back(s);
  }
  return finish(p, w, std::move(plan));
}

Plan mlir::phaze::partition::evaluateFixed(const PlanProblem &p, int64_t stages,
                                           int64_t d, int coreFirst,
                                           int coreLast) {
  int n = p.layers.size();
  if (coreLast < 0) {
    coreFirst = 0;
    coreLast = n - 1;
  }
  int64_t L = coreLast - coreFirst + 1;
  if (coreFirst < 0 || coreLast >= n || L < 1)
    return infeasible("the fixed strategy's core layers are out of range");
  if (stages < 1 || stages > L)
    return infeasible("the fixed strategy needs 1 to " + std::to_string(L) +
                      " stages");
  int64_t block = (L + stages - 1) / stages;
  std::vector<int> firsts{0};
  for (int64_t k = 1; k < stages; ++k) {
    if (k * block >= L)
      return infeasible("the fixed strategy's stage " + std::to_string(k) +
                        " is empty (" + std::to_string(L) + " layers in " +
                        std::to_string(stages) + " blocks of " +
                        std::to_string(block) + ")");
    firsts.push_back(coreFirst + k * block);
  }
  return evaluateStages(p, firsts, d);
}

namespace {

/// The best entry over every d and stage count.
struct Best {
  double tpb = kInf;
  int64_t d = 0, s = 0;
  bool intra = false;
  int entry = -1;
};

/// The DP tables of one problem, one per (in-flight cap, pipeline link in
/// a node), built on demand.
struct Search {
  const PlanProblem &p;
  Chain c;
  int64_t bound;
  std::map<std::pair<int64_t, bool>, Table> tables;

  explicit Search(const PlanProblem &p)
      : p(p), c(p), bound(std::min<int64_t>(c.n, p.devices / p.t)) {}

  /// The table for m microbatches per pipeline, pipeline traffic inside a
  /// node or not, and stage counts up to `depth`. Under 1F1B the in-flight
  /// cap min(σ, m) only matters when m < depth, so every such d shares the
  /// uncapped table.
  Table &tableFor(int64_t m, bool intra, int64_t depth) {
    int64_t cap = tableCap(p, m, depth);
    auto key = std::make_pair(cap, intra);
    auto it = tables.find(key);
    if (it != tables.end() && it->second.bound >= depth)
      return it->second;
    // A capped 1F1B table starts from the uncapped one where they agree.
    const Table *base = nullptr;
    if (p.schedule == PipelineSchedule::OneFOneB && cap < kUncapped) {
      auto u = tables.find(std::make_pair(kUncapped, intra));
      if (u != tables.end() && u->second.bound >= cap)
        base = &u->second;
    }
    Table t = runDp(c, depth, cap, intra ? p.intraNode : p.interNode, base);
    return tables.insert_or_assign(key, std::move(t)).first->second;
  }

  /// Stage counts the final round reads for d pipelines.
  int64_t depthFor(int64_t d) const { return ::depthFor(p, bound, d); }

  /// Whether pipelines of s stages keep their traffic inside a node. A
  /// single stage has no pipeline traffic: it reads the inter-node table.
  bool intraFor(int64_t s) const { return s > 1 && pipelineInNode(p, s * p.t); }

  /// Every d dividing M with p·t·d <= devices, every stage count.
  Best run() {
    Best best;
    for (int64_t d : dataParallelDegrees(p)) {
      int64_t m = p.microbatches / d;
      int64_t depth = depthFor(d);
      for (int64_t s = 1; s <= depth; ++s) {
        bool intra = intraFor(s);
        // Intra-node pipelines are short: their table stops at the longest.
        Table &tb = tableFor(
            m, intra, intra ? std::min(depth, p.devicesPerNode / p.t) : depth);
        const PlanLink &dl =
            pipelineInNode(p, s * p.t * d) ? p.intraNode : p.interNode;
        const EntrySet &set = tb.at(0, s);
        for (size_t k = 0; k < set.size(); ++k) {
          const Entry &e = set[k];
          double tpb = e.load * static_cast<double>(m + s - 1) +
                       allReduce(d, e.grad, dl) + e.opt;
          if (tpb < best.tpb)
            best = {tpb, d, s, intra, static_cast<int>(k)};
        }
      }
    }
    return best;
  }
};

} // namespace

/// Whether some placement fits in memory (any d, any cut; loads aside).
static bool anyPlacementFits(const PlanProblem &p, const Chain &c,
                             int64_t bound) {
  // The greedy packing needs a stage's memory to grow as its start moves
  // towards the input; a stage-input checkpoint does not (the input
  // changes): leave the verdict to the DP.
  if (p.checkpoint == RecomputeCheckpoint::Stage &&
      p.recompute != RecomputePolicy::Off)
    return true;
  std::vector<bool> rs = choices(p);
  for (int64_t d : dataParallelDegrees(p)) {
    int64_t m = p.microbatches / d;
    int64_t depth = depthFor(p, bound, d);
    int j = c.n;
    for (int64_t s = 1; s <= depth && j > 0; ++s) {
      double inflight = static_cast<double>(inflightOf(p, s, m));
      // The longest stage [i, j) that fits at position s.
      int i = j;
      double peak = 0;
      while (i > 0) {
        double pk = std::max(peak, p.layers[i - 1].stashBytes);
        bool fits = false;
        for (bool x : rs)
          fits |= c.memory(i - 1, j, x, inflight, pk) <= p.memoryBytes;
        if (!fits)
          break;
        peak = pk;
        --i;
      }
      if (i == j)
        break; // not even one layer fits here
      j = i;
    }
    if (j == 0)
      return true;
  }
  return false;
}

/// The smallest memory per device that admits a placement: min over d and
/// plans of the largest stage memory, each stage with its least-memory
/// recomputation choice. A min-max DP per in-flight cap (under 1F1B every d
/// whose m reaches its deepest pipeline shares the uncapped one).
static double minimalMemory(const PlanProblem &p, const Chain &c,
                            int64_t bound) {
  int n = c.n;
  std::vector<bool> rs = choices(p);
  auto run = [&](int64_t depth, int64_t cap) {
    std::vector<double> dp((n + 1) * (depth + 1), kInf);
    auto at = [&](int i, int64_t s) -> double & {
      return dp[i * (depth + 1) + s];
    };
    at(n, 0) = 0;
    std::vector<double> peak(n + 1);
    for (int i = n - 1; i >= 0; --i) {
      double pk = 0;
      for (int j = i + 1; j <= n; ++j)
        peak[j] = pk = std::max(pk, p.layers[j - 1].stashBytes);
      for (int64_t s = 1; s <= depth; ++s) {
        double inflight = static_cast<double>(inflightOf(p, s, cap));
        double &cell = at(i, s);
        for (int j = i + 1; j <= n - (s - 1); ++j) {
          double mem = kInf;
          for (bool x : rs)
            mem = std::min(mem, c.memory(i, j, x, inflight, peak[j]));
          // The stage's memory only grows with j.
          if (mem >= cell)
            break;
          cell = std::min(cell, std::max(mem, at(j, s - 1)));
        }
      }
    }
    double best = kInf;
    for (int64_t s = 1; s <= depth; ++s)
      best = std::min(best, at(0, s));
    return best;
  };
  double best = kInf;
  bool uncapped = false;
  for (int64_t d : dataParallelDegrees(p)) {
    int64_t m = p.microbatches / d;
    int64_t depth = depthFor(p, bound, d);
    if (p.schedule == PipelineSchedule::OneFOneB && m >= depth) {
      if (!uncapped) // the first such d is the deepest
        best = std::min(best, run(depth, depth));
      uncapped = true;
      continue;
    }
    best = std::min(best, run(depth, m));
  }
  return best;
}

namespace {

//===----------------------------------------------------------------------===//
// Layer graphs and stages of several widths
//===----------------------------------------------------------------------===//
//
// With otherWidths each stage also picks its width w, and a pipeline spans
// u = the sum of its stages' widths, so d pipelines need u·d <= devices.
// With edges the layers form a DAG and a stage is any difference of two
// successor-closed sets ("upsets", Piper's model): the DP runs over upsets
// U (the layers of the later stages) instead of suffixes. Its states
// (U, σ) keep Pareto sets over (max load, max gradient bytes, max optimizer
// time, u). A smaller u admits every d a larger one does; it may also
// bring the pipeline or the replicas into a node, which only helps when
// the intra-node link is at least as fast as the inter-node one. So:
// pipelines inside a node (u at most a node, exact u, the intra-node link)
// have their own table; the inter-node table prices every pipeline over
// the inter-node link, which can only overestimate a pipeline that fits in
// a node (that one is priced exactly in the intra-node table), and
// compares u by <=. When the intra-node link is slower in bandwidth or
// latency, u is compared by == and pipelines that fit in a node are left
// to the intra-node table.

struct GraphEntry {
  double load, grad, opt;
  int64_t u;      ///< devices of the later stages (one replica)
  int next;       ///< the upset of the later stages after this one
  int child;      ///< index in the next state's set
  int width;      ///< index in Widths of this state's first stage
  bool recompute; ///< of this state's first stage
};

using GraphSet = llvm::SmallVector<GraphEntry, 2>;

struct GraphTable {
  int64_t bound = 0;
  std::vector<GraphSet> sets; ///< [a * (bound + 1) + σ]
  GraphSet &at(int a, int64_t s) { return sets[a * (bound + 1) + s]; }
};

struct GraphSearch {
  const PlanProblem &p;
  Widths w;
  LayerGraph g;
  int n;
  int64_t bound;
  /// u compared by <= in the inter-node table (the intra-node link is at
  /// least as fast).
  bool monotoneU;
  /// Per upset a, the stages U_a \ U_b it can start (b descending).
  std::vector<std::vector<StageShape>> shapes;
  std::map<std::pair<int64_t, bool>, GraphTable> tables;
  /// The best single-width plan of a chain (an upper bound) and, per
  /// devices u of one pipeline, the fewest microbatches per pipeline any d
  /// admits (M / the largest d dividing M with u·d <= devices).
  Plan incumbent;
  std::vector<double> fewestMicrobatches;
  /// Pruning threshold: the incumbent's time, with room for rounding.
  double bound_ = kInf;

  explicit GraphSearch(const PlanProblem &p)
      : p(p), w(p), n(p.layers.size()),
        bound(std::min<int64_t>(n, p.devices / w.smallest)),
        monotoneU(p.intraNode.bandwidthBytesPerS >=
                      p.interNode.bandwidthBytesPerS &&
                  p.intraNode.latencyS <= p.interNode.latencyS) {}

  static bool dominates(const GraphEntry &a, const GraphEntry &b, bool exactU) {
    return a.load <= b.load && a.grad <= b.grad && a.opt <= b.opt &&
           (exactU ? a.u == b.u : a.u <= b.u);
  }

  static void insert(GraphSet &set, const GraphEntry &e, bool exactU) {
    insertPareto(set, e, [exactU](const GraphEntry &a, const GraphEntry &b) {
      return dominates(a, b, exactU);
    });
  }

  /// The stages each upset can start; false when there are more than
  /// kMaxStages.
  bool prepareShapes() {
    size_t count = g.upsets.size(), total = 0;
    shapes.assign(count, {});
    for (size_t a = 1; a < count; ++a)
      for (int b = static_cast<int>(a) - 1; b >= 0; --b) {
        if (g.sizes[b] >= g.sizes[a] ||
            !LayerGraph::subset(g.upsets[b], g.upsets[a]))
          continue;
        Bits stage = g.upsets[a];
        for (int k = 0; k < g.words; ++k)
          stage[k] &= ~g.upsets[b][k];
        StageShape sh = shapeOf(p, w, g, stage, g.upsets[b]);
        sh.b = b;
        shapes[a].push_back(std::move(sh));
        if (++total > kMaxStages)
          return false;
      }
    return true;
  }

  /// The most stages d pipelines allow.
  int64_t depthFor(int64_t d) const {
    return std::min(bound, p.devices / (w.smallest * d));
  }

  /// The DP for in-flight cap m and pipelines inside a node or not, stage
  /// counts up to `depth`.
  GraphTable build(int64_t depth, int64_t m, bool intra) const {
    const PlanLink &pp = intra ? p.intraNode : p.interNode;
    int64_t maxU = intra ? p.devicesPerNode : p.devices;
    bool exactU = intra || !monotoneU;
    int count = g.upsets.size();
    GraphTable tb;
    tb.bound = depth;
    tb.sets.assign(static_cast<size_t>(count) * (depth + 1), {});
    tb.at(0, 0).push_back({0, 0, 0, 0, 0, -1, 0, false});
    std::vector<bool> rs = choices(p);
    for (int a = 1; a < count; ++a) {
      int64_t before = g.sizes[a] < n ? 1 : 0;
      for (int64_t s = 1; s <= std::min<int64_t>(depth, g.sizes[a]); ++s) {
        double inflight = static_cast<double>(inflightOf(p, s, m));
        GraphSet &set = tb.at(a, s);
        for (size_t wi = 0; wi < w.ts.size(); ++wi) {
          int64_t width = w.ts[wi];
          // The rest needs at least s − 1 of the narrowest stages.
          int64_t restMin = (s - 1) * w.smallest;
          if (width + restMin > maxU)
            continue;
          for (const StageShape &sh : shapes[a]) {
            const StageShape::Figures &x = sh.at[wi];
            if (g.sizes[sh.b] < s - 1)
              continue; // too few layers left for s − 1 stages
            int r = -1;
            for (bool y : rs)
              if (stageMemory(p, sh, wi, y, inflight) <= p.memoryBytes) {
                r = y;
                break;
              }
            if (r < 0) {
              if (g.nested)
                break; // memory grows with the stage
              continue;
            }
            double gr = x.grad, o = x.opt;
            if (g.nested && !exactU) {
              // Every longer stage of this width has at least this load
              // floor (its input only grows), gradient and optimizer time
              // and a suffix of at least width + restMin devices.
              double lower = x.fw + x.bw +
                             (sh.receives ? sh.inBytes / pp.bandwidthBytesPerS +
                                                pp.latencyS
                                          : 0);
              bool dominated = false;
              for (const GraphEntry &e : set)
                dominated |= e.load <= lower && e.grad <= gr && e.opt <= o &&
                             e.u <= width + restMin;
              if (dominated)
                break;
            }
            double l0 = stageLoad(sh, wi, r == 1, pp);
            const GraphSet &rest = tb.at(sh.b, s - 1);
            for (size_t k = 0; k < rest.size(); ++k) {
              int64_t u = width + rest[k].u;
              if (u > maxU)
                continue;
              double l = std::max(l0, rest[k].load);
              // Any plan this state ends has at least s stages (one more
              // if layers remain) and takes at least l · (m + stages − 1),
              // with m at least the fewest microbatches its devices admit:
              // when that exceeds the best single-width plan, drop it.
              int64_t devices = std::min(p.devices, u + before * w.smallest);
              if (l * (fewestMicrobatches[devices] +
                       static_cast<double>(s - 1 + before)) >
                  bound_)
                continue;
              insert(set,
                     {l, std::max(gr, rest[k].grad), std::max(o, rest[k].opt),
                      u, sh.b, static_cast<int>(k), static_cast<int>(wi),
                      r == 1},
                     exactU);
            }
          }
        }
      }
    }
    return tb;
  }

  GraphTable &tableFor(int64_t m, bool intra, int64_t depth) {
    if (intra)
      depth = std::min(depth, p.devicesPerNode / w.smallest);
    int64_t cap = tableCap(p, m, depth);
    auto key = std::make_pair(cap, intra);
    auto it = tables.find(key);
    if (it != tables.end() && it->second.bound >= depth)
      return it->second;
    return tables.insert_or_assign(key, build(depth, cap, intra)).first->second;
  }

  /// Whether some placement fits in `memory` per device: the fewest devices
  /// per pipeline with s stages that fit at their positions, for each d.
  bool fits(double memory) const {
    std::vector<bool> rs = choices(p);
    constexpr int64_t kNone = std::numeric_limits<int64_t>::max() / 4;
    int count = g.upsets.size();
    for (int64_t d : dataParallelDegrees(p, w.smallest)) {
      int64_t m = p.microbatches / d, depth = depthFor(d);
      int64_t budget = p.devices / d;
      std::vector<int64_t> minU(count * (depth + 1), kNone);
      auto at = [&](int a, int64_t s) -> int64_t & {
        return minU[a * (depth + 1) + s];
      };
      at(0, 0) = 0;
      for (int a = 1; a < count; ++a)
        for (int64_t s = 1; s <= depth; ++s) {
          double inflight = static_cast<double>(inflightOf(p, s, m));
          for (size_t wi = 0; wi < w.ts.size(); ++wi)
            for (const StageShape &sh : shapes[a]) {
              bool ok = false;
              for (bool y : rs)
                ok |= stageMemory(p, sh, wi, y, inflight) <= memory;
              if (!ok) {
                if (g.nested)
                  break;
                continue;
              }
              if (at(sh.b, s - 1) < kNone)
                at(a, s) = std::min(at(a, s), w.ts[wi] + at(sh.b, s - 1));
            }
        }
      for (int64_t s = 1; s <= depth; ++s)
        if (at(count - 1, s) <= budget)
          return true;
    }
    return false;
  }

  /// For a chain, the incumbent: the best plan with every stage at one
  /// width (each by the single-width DP). And the microbatch floor per u.
  void prepareBound() {
    if (p.edges.empty())
      for (size_t wi = 0; wi < w.ts.size(); ++wi) {
        PlanProblem q = p;
        q.otherWidths.clear();
        q.t = w.ts[wi];
        if (wi > 0) {
          q.layers = p.otherWidths[wi - 1].layers;
          for (size_t k = 0; k < q.layers.size(); ++k)
            q.layers[k].outputBytes = p.layers[k].outputBytes;
        }
        q.explainInfeasible = false;
        Plan x = solvePlan(q);
        if (x.feasible &&
            (!incumbent.feasible || x.timePerBatchS < incumbent.timePerBatchS))
          incumbent = std::move(x);
      }
    if (incumbent.feasible)
      bound_ = incumbent.timePerBatchS * (1 + 1e-9);
    // The largest divisor d of M with u·d <= devices, by binary search
    // over M's divisors.
    std::vector<int64_t> divisors;
    for (int64_t d = 1; d * d <= p.microbatches; ++d)
      if (p.microbatches % d == 0) {
        divisors.push_back(d);
        if (d * d != p.microbatches)
          divisors.push_back(p.microbatches / d);
      }
    std::sort(divisors.begin(), divisors.end());
    fewestMicrobatches.assign(p.devices + 1, kInf);
    for (int64_t u = 1; u <= p.devices; ++u) {
      auto it =
          std::upper_bound(divisors.begin(), divisors.end(), p.devices / u);
      if (it != divisors.begin())
        fewestMicrobatches[u] = static_cast<double>(p.microbatches / *--it);
    }
  }

  Plan solve() {
    if (!g.build(p))
      return infeasible("the layer graph has more than " +
                        std::to_string(kMaxUpsets) +
                        " successor-closed sets (candidate stage boundaries)");
    if (!prepareShapes())
      return infeasible("the layer graph has more than " +
                        std::to_string(kMaxStages) +
                        " candidate stages (pairs of nested successor-closed "
                        "sets)");
    prepareBound();
    int all = g.upsets.size() - 1;
    struct {
      double tpb = kInf;
      int64_t d = 0, s = 0;
      bool intra = false;
      int entry = -1;
    } best;
    for (int64_t d : dataParallelDegrees(p, w.smallest)) {
      int64_t m = p.microbatches / d, depth = depthFor(d);
      for (int64_t s = 1; s <= depth; ++s)
        for (bool intra : {false, true}) {
          // One stage has no pipeline traffic: the inter-node table has it.
          if (intra && s == 1)
            continue;
          if (intra && s * w.smallest > p.devicesPerNode)
            continue;
          GraphTable &tb = tableFor(m, intra, depth);
          if (s > tb.bound)
            continue;
          const GraphSet &set = tb.at(all, s);
          for (size_t k = 0; k < set.size(); ++k) {
            const GraphEntry &e = set[k];
            if (e.u * d > p.devices)
              continue;
            bool inNode = s > 1 && pipelineInNode(p, e.u);
            if (intra && !inNode)
              continue;
            if (!intra && !monotoneU && inNode)
              continue;
            const PlanLink &dl =
                pipelineInNode(p, e.u * d) ? p.intraNode : p.interNode;
            double tpb = e.load * static_cast<double>(m + s - 1) +
                         allReduce(d, e.grad, dl) + e.opt;
            if (tpb < best.tpb)
              best = {tpb, d, s, intra, static_cast<int>(k)};
          }
        }
    }
    // Nothing better than the single-width incumbent (ties included).
    if (incumbent.feasible &&
        (best.entry < 0 || !(best.tpb < incumbent.timePerBatchS)))
      return std::move(incumbent);
    if (best.entry < 0) {
      if (!p.explainInfeasible)
        return memoryBound(p, 0);
      // The smallest memory that admits a placement, by bisection on the
      // exact feasibility test (one stage of the narrowest width always
      // fits somewhere).
      double lo = p.memoryBytes, hi = std::max(2 * p.memoryBytes, 1.0);
      while (!fits(hi))
        lo = hi, hi *= 2;
      while (hi - lo > 1e-9 * hi) {
        double mid = 0.5 * (lo + hi);
        (fits(mid) ? hi : lo) = mid;
      }
      return memoryBound(p, hi);
    }
    GraphTable &tb =
        tableFor(p.microbatches / best.d, best.intra, depthFor(best.d));
    Plan plan;
    plan.d = best.d;
    plan.microbatchesPerPipeline = p.microbatches / best.d;
    int a = all, k = best.entry;
    for (int64_t s = best.s; a != 0; --s) {
      const GraphEntry &e = tb.at(a, s)[k];
      PlanStage st;
      for (int v = 0; v < n; ++v)
        if (hasBit(g.upsets[a], v) && !hasBit(g.upsets[e.next], v))
          st.layers.push_back(v);
      st.first = st.layers.front();
      st.last = st.layers.back();
      st.t = w.ts[e.width];
      st.recompute = e.recompute;
      plan.stages.push_back(std::move(st));
      a = e.next;
      k = e.child;
    }
    return finish(p, w, std::move(plan));
  }
};

} // namespace

Plan mlir::phaze::partition::solvePlan(const PlanProblem &p) {
  if (!p.otherWidths.empty() || !p.edges.empty())
    return GraphSearch(p).solve();
  Search search(p);
  // Whether any placement fits in memory, decided without the DP: for
  // each d, pack stages greedily from the output side, each as long as it
  // fits at its position (memory grows with a stage's layers and with its
  // position, so the longest suffix stages leave the least for the rest).
  // A search only needs this verdict for an infeasible instance.
  if (!p.explainInfeasible && !anyPlacementFits(p, search.c, search.bound))
    return memoryBound(p, 0);
  Best best = search.run();
  if (best.entry < 0 && !p.explainInfeasible)
    return memoryBound(p, 0);
  if (best.entry < 0) {
    double hi = minimalMemory(p, search.c, search.bound);
    if (!(hi < kInf))
      return infeasible("no placement exists at any memory size");
    return memoryBound(p, hi);
  }
  int64_t depth = search.depthFor(best.d);
  Table &tb = search.tableFor(
      p.microbatches / best.d, best.intra,
      best.intra ? std::min(depth, p.devicesPerNode / p.t) : depth);
  return finish(p, Widths(p), traceBack(p, tb, best.d, best.s, best.entry));
}

const char *mlir::phaze::partition::toString(RecomputePolicy policy) {
  switch (policy) {
  case RecomputePolicy::Off:
    return "off";
  case RecomputePolicy::Full:
    return "full";
  case RecomputePolicy::Auto:
    return "auto";
  }
  return "auto";
}

const char *mlir::phaze::partition::toString(RecomputeCheckpoint checkpoint) {
  return checkpoint == RecomputeCheckpoint::Stage ? "stage" : "layer";
}

bool mlir::phaze::partition::parseRecomputeCheckpoint(
    const std::string &text, RecomputeCheckpoint &checkpoint) {
  for (RecomputeCheckpoint c :
       {RecomputeCheckpoint::Layer, RecomputeCheckpoint::Stage})
    if (text == toString(c)) {
      checkpoint = c;
      return true;
    }
  return false;
}

bool mlir::phaze::partition::parseRecomputePolicy(const std::string &text,
                                                  RecomputePolicy &policy) {
  for (RecomputePolicy p :
       {RecomputePolicy::Off, RecomputePolicy::Full, RecomputePolicy::Auto})
    if (text == toString(p)) {
      policy = p;
      return true;
    }
  return false;
}
