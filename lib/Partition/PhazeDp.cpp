//===- PhazeDp.cpp - PHAZE's device-placement DP
//---------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// phaze-reference.md §5. The layer graph is a chain (with possible skip
// edges), so the successor-closed sets are the suffixes [i, n) and a stage
// is an interval [i, j). PHAZE's table dp[D][k][σ] (devices k ≤ N) is
// replaced by dp[i][σ][u], u = the number of t-device stages among the σ:
// a plan's devices are u·t + (σ − u), so the device budget is checked
// exactly without an N-wide dimension. When every stage has the same width
// (all layers tensor-parallel, or none) u is implied and the table is
// n × σ. The final round (first stage and data-parallel degree d) only
// visits σ ≤ ⌊N/d⌋ (then checks the devices of each plan), which makes
// it cheap.
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/PhazeDp.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <set>

using namespace mlir::phaze::partition;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Per-interval figures of one graph: loads, memory limit, parameters.
struct Intervals {
  int n;
  bool recompute;
  std::vector<double> noRC, rc, params, fixedMem, stashMem;
  std::vector<int64_t> maxSigma, width;

  size_t idx(int i, int j) const {
    return static_cast<size_t>(i) * (n + 1) + j;
  }

  Intervals(const PhazeProblem &p, const PhazeGraph &g)
      : n(g.layers.size()), recompute(p.recompute) {
    size_t size = static_cast<size_t>(n + 1) * (n + 1);
    noRC.assign(size, kInf);
    rc.assign(size, kInf);
    params.assign(size, 0);
    fixedMem.assign(size, 0);
    stashMem.assign(size, 0);
    maxSigma.assign(size, 0);
    width.assign(size, 1);
    std::vector<std::vector<int>> in(n), out(n);
    for (size_t e = 0; e < g.edges.size(); ++e) {
      in[g.edges[e].to].push_back(e);
      out[g.edges[e].from].push_back(e);
    }
    double B = p.bandwidthBytesPerS;
    // Backward from j down: b_v for S = [i, j) does not depend on i (only
    // successors of v, which come after it, matter), so bw[j][v] serves
    // every i <= v.
    std::vector<std::vector<double>> bw(n + 1, std::vector<double>(n, 0));
    for (int j = 1; j <= n; ++j)
      for (int v = j - 1; v >= 0; --v) {
        double start = 0;
        for (int e : out[v]) {
          const PhazeEdge &ed = g.edges[e];
          start = std::max(start, ed.to < j ? bw[j][ed.to] : ed.bytes / B);
        }
        bw[j][v] = start + g.layers[v].backwardS;
      }
    std::vector<double> f(n), r(n), gg(n);
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j <= n; ++j) {
        auto inS = [&](int v) { return v >= i && v < j; };
        // Forward and recomputed forward of the new layer j - 1: earlier
        // layers' values do not depend on j.
        {
          int v = j - 1;
          double start = 0, restart = 0;
          for (int e : in[v]) {
            const PhazeEdge &ed = g.edges[e];
            if (ed.from >= i) {
              start = std::max(start, f[ed.from]);
              restart = std::max(restart, r[ed.from]);
            } else {
              start = std::max(start, ed.bytes / B);
            }
          }
          f[v] = start + g.layers[v].forwardS;
          r[v] = restart + g.layers[v].forwardS;
        }
        // Backward after recomputation waits for the recomputation R.
        double R = r[j - 1];
        for (int v = j - 1; v >= i; --v) {
          double start = R;
          for (int e : out[v]) {
            const PhazeEdge &ed = g.edges[e];
            start = std::max(start, inS(ed.to) ? gg[ed.to] : ed.bytes / B);
          }
          gg[v] = start + g.layers[v].backwardS;
        }
        const std::vector<double> &b = bw[j];
        size_t k = idx(i, j);
        noRC[k] = f[j - 1] + b[i];
        rc[k] = f[j - 1] + gg[i];
        // Memory under 1F1B: the stage at position σ from the end holds
        // σ − 1 stashed microbatches.
        double P = 0, A = 0, inputs = 0;
        bool tp = false;
        for (int v = i; v < j; ++v) {
          P += g.layers[v].parameterBytes;
          A += g.layers[v].activationBytes;
          tp |= g.layers[v].tensorParallel;
          for (int e : in[v])
            if (!inS(g.edges[e].from))
              inputs += g.edges[e].bytes;
        }
        params[k] = P;
        width[k] = tp ? g.t : 1;
        double fixed = fixedMem[k] = 2 * P + (p.adam ? P : 0) + A;
        double stash = stashMem[k] = p.recompute ? inputs : A;
        double M = p.maxMemoryBytes;
        auto fits = [&](int64_t sigma) {
          return fixed + static_cast<double>(sigma - 1) * stash <= M;
        };
        int64_t N = p.maxDevices;
        int64_t s = 0;
        if (fits(1)) {
          if (stash <= 0 || fits(N)) {
            s = N;
          } else {
            s = std::clamp<int64_t>(
                static_cast<int64_t>(std::floor((M - fixed) / stash)) + 1, 1,
                N);
            while (s < N && fits(s + 1))
              ++s;
            while (s > 1 && !fits(s))
              --s;
          }
        }
        maxSigma[k] = s;
      }
  }

  double load(int i, int j, int64_t sigma, bool recompute) const {
    return recompute && sigma > 1 ? rc[idx(i, j)] : noRC[idx(i, j)];
  }

  /// Stage [i, j) at position σ from the end: devices, load, memory.
  PhazeStage stage(int i, int j, int64_t sigma) const {
    size_t k = idx(i, j);
    return {i,
            j - 1,
            width[k],
            load(i, j, sigma, recompute),
            recompute && sigma > 1,
            fixedMem[k] + static_cast<double>(sigma - 1) * stashMem[k]};
  }
};

/// The DP over suffixes for one graph: table[i][σ][u].
struct SuffixDp {
  const Intervals &iv;
  int n;
  int64_t bound, U, t;
  bool mixed;
  std::vector<double> table;

  size_t idx(int i, int64_t sigma, int64_t u) const {
    return (static_cast<size_t>(i) * (bound + 1) + sigma) * U + u;
  }
  double at(int i, int64_t sigma, int64_t u) const {
    return table[idx(i, sigma, u)];
  }
  /// The u index of a stage of width w added to a plan whose index is u.
  int64_t next(int64_t u, int64_t w) const {
    return mixed ? u + (w > 1 ? 1 : 0) : 0;
  }
  /// Devices of σ stages of which u are t wide (uniform: all of width w).
  int64_t devices(int64_t sigma, int64_t u, int64_t uniformWidth) const {
    return mixed ? u * t + (sigma - u) : sigma * uniformWidth;
  }
};

PhazePlan infeasible(std::string message) {
  PhazePlan plan;
  plan.message = std::move(message);
  return plan;
}

} // namespace

bool PhazeProblem::check(std::string &error) const {
  if (graphs.empty()) {
    error = "no layer graph";
    return false;
  }
  if (!(maxMemoryBytes > 0) || !std::isfinite(maxMemoryBytes)) {
    error = "maxMemoryPerDevice must be positive";
    return false;
  }
  if (maxDevices < 1) {
    error = "maxDevices must be at least 1";
    return false;
  }
  if (!(bandwidthBytesPerS > 0) || !std::isfinite(bandwidthBytesPerS)) {
    error = "bandwidth must be positive";
    return false;
  }
  if (microbatchesPerBatch < 1) {
    error = "mbsInBatch must be at least 1";
    return false;
  }
  if (fixed.stages < 0 || (fixed.stages > 0 && (fixed.t < 1 || fixed.d < 1 ||
                                                fixed.transformerLayers < 0))) {
    error = "the fixed strategy needs fixedPP >= 0 and, when given, "
            "fixedTMPC >= 1, fixedDP >= 1 and numTransformerLayers >= 0";
    return false;
  }
  const PhazeGraph &g0 = graphs[0];
  std::set<int64_t> ts;
  for (const PhazeGraph &g : graphs) {
    std::string where = "graph t = " + std::to_string(g.t);
    if (g.t < 1 || !ts.insert(g.t).second) {
      error = where + ": tensor-parallel widths must be distinct and >= 1";
      return false;
    }
    int n = g.layers.size();
    if (n == 0) {
      error = where + ": no layer";
      return false;
    }
    if (g.layers.size() != g0.layers.size() ||
        g.edges.size() != g0.edges.size()) {
      error = where + ": layers and edges differ from graph t = " +
              std::to_string(g0.t);
      return false;
    }
    for (int v = 0; v < n; ++v) {
      const PhazeLayer &l = g.layers[v];
      std::string lw = where + ", layer " + std::to_string(l.id);
      if (l.id != g0.layers[v].id) {
        error =
            lw + ": layer ids differ from graph t = " + std::to_string(g0.t);
        return false;
      }
      for (double x :
           {l.parameterBytes, l.activationBytes, l.forwardS, l.backwardS})
        if (!(x >= 0) || !std::isfinite(x)) {
          error = lw + ": sizes and latencies must be finite and >= 0";
          return false;
        }
      if (g.t == 1 && l.tensorParallel) {
        error = lw + ": tensor-parallel at t = 1";
        return false;
      }
    }
    std::set<std::pair<int, int>> seen;
    for (size_t e = 0; e < g.edges.size(); ++e) {
      const PhazeEdge &ed = g.edges[e];
      if (ed.from < 0 || ed.from >= n || ed.to < 0 || ed.to >= n) {
        error = where + ": edge " + std::to_string(e) + " names no layer";
        return false;
      }
      if (!seen.insert({ed.from, ed.to}).second) {
        error = where + ": duplicate edge " +
                std::to_string(g.layers[ed.from].id) + " -> " +
                std::to_string(g.layers[ed.to].id);
        return false;
      }
      if (!(ed.bytes >= 0) || !std::isfinite(ed.bytes)) {
        error = where + ": negative communicationCost";
        return false;
      }
      if (ed.from != g0.edges[e].from || ed.to != g0.edges[e].to) {
        error = where + ": edges differ from graph t = " + std::to_string(g0.t);
        return false;
      }
      if (ed.from >= ed.to) {
        error = where + ": edge " + std::to_string(g.layers[ed.from].id) +
                " -> " + std::to_string(g.layers[ed.to].id) +
                " goes backwards (layers must be in topological order; a "
                "cycle?)";
        return false;
      }
    }
    for (int v = 0; v + 1 < n; ++v)
      if (!seen.count({v, v + 1})) {
        error = where + ": layers " + std::to_string(g.layers[v].id) + " and " +
                std::to_string(g.layers[v + 1].id) +
                " are consecutive but not connected: branching in the layer "
                "graph (PHAZE's DP handles chains only)";
        return false;
      }
  }
  return true;
}

static PhazePlan solveImpl(const PhazeProblem &p);

PhazePlan mlir::phaze::partition::solvePhazeReference(const PhazeProblem &p) {
  PhazePlan plan = solveImpl(p);
  if (plan.feasible || plan.message.rfind("internal error", 0) == 0)
    return plan;
  // Feasibility only grows with the memory: the smallest memory that admits
  // a placement, by doubling and bisection to 1e-6 relative.
  PhazeProblem q = p;
  auto fits = [&](double memory) {
    q.maxMemoryBytes = memory;
    return solveImpl(q).feasible;
  };
  double lo = p.maxMemoryBytes, hi = 2 * p.maxMemoryBytes;
  while (hi < 1e30 && !fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi >= 1e30) {
    plan.message = "no placement exists at any memory size";
    return plan;
  }
  while (hi - lo > 1e-6 * hi) {
    double mid = 0.5 * (lo + hi);
    (fits(mid) ? hi : lo) = mid;
  }
  char buf[160];
  std::snprintf(buf, sizeof(buf),
                "no placement fits in %.4g bytes of memory per device "
                "(binding: memory per device; the smallest that admits a "
                "placement is %.4g bytes)",
                p.maxMemoryBytes, hi);
  plan.message = buf;
  plan.memoryNeededBytes = hi;
  return plan;
}

static PhazePlan solveImpl(const PhazeProblem &p) {
  PhazePlan best = infeasible("no placement fits in memory");
  int64_t N = p.maxDevices, M = p.microbatchesPerBatch;
  for (const PhazeGraph &g : p.graphs) {
    Intervals iv(p, g);
    int n = iv.n;
    SuffixDp dp{iv, n, std::min<int64_t>(N, n), 1, g.t, false, {}};
    bool anyTp = false, allTp = true;
    for (const PhazeLayer &l : g.layers) {
      anyTp |= l.tensorParallel;
      allTp &= l.tensorParallel;
    }
    dp.mixed = g.t > 1 && anyTp && !allTp;
    int64_t uniformWidth = anyTp ? g.t : 1;
    dp.U = dp.mixed ? dp.bound + 1 : 1;
    dp.table.assign(static_cast<size_t>(n + 1) * (dp.bound + 1) * dp.U, kInf);
    dp.table[dp.idx(n, 0, 0)] = 0;
    // Suffixes [i, n), i >= 1 (the full set is the final round's).
    for (int i = n - 1; i >= 1; --i)
      for (int j = i + 1; j <= n; ++j) {
        int64_t w = iv.width[iv.idx(i, j)];
        int64_t top = std::min(iv.maxSigma[iv.idx(i, j)], dp.bound);
        for (int64_t sigma = 1; sigma <= top; ++sigma) {
          double load = iv.load(i, j, sigma, p.recompute);
          for (int64_t u = 0; u < dp.U; ++u) {
            double rest = dp.at(j, sigma - 1, u);
            if (rest == kInf)
              continue;
            int64_t nu = dp.next(u, w);
            if (nu >= dp.U || dp.devices(sigma, nu, uniformWidth) > N)
              continue;
            double v = std::max(rest, load);
            double &cell = dp.table[dp.idx(i, sigma, nu)];
            if (v < cell)
              cell = v;
          }
        }
      }
    // Final round: the first stage [0, j) and the data-parallel degree d.
    struct Choice {
      double tpb = kInf;
      int64_t d = 0, sigma = 0, u = 0;
      int j = 0;
      double L = 0;
    } c;
    for (int64_t d = 1; d <= std::min(N, M); ++d) {
      int64_t Kp = N / d, m = (M + d - 1) / d;
      for (int j = 1; j <= n; ++j) {
        int64_t w = iv.width[iv.idx(0, j)];
        if (w > Kp)
          continue;
        int64_t top = std::min(iv.maxSigma[iv.idx(0, j)], dp.bound);
        double P = iv.params[iv.idx(0, j)];
        for (int64_t sigma = 1; sigma <= top; ++sigma) {
          // σ stages need at least σ devices.
          if (sigma > Kp)
            break;
          double load = iv.load(0, j, sigma, p.recompute);
          for (int64_t u = 0; u < dp.U; ++u) {
            double rest = dp.at(j, sigma - 1, u);
            if (rest == kInf)
              continue;
            int64_t nu = dp.next(u, w);
            if (dp.devices(sigma, nu, uniformWidth) > Kp)
              continue;
            double L = std::max(rest, load);
            double tpb = L * static_cast<double>(m + sigma - 1) +
                         4.0 * static_cast<double>(d - 1) * P /
                             (p.bandwidthBytesPerS * static_cast<double>(d));
            if (tpb < c.tpb)
              c = {tpb, d, sigma, u, j, L};
          }
        }
      }
    }
    if (c.tpb == kInf || (best.feasible && !(c.tpb < best.timePerBatch)))
      continue;
    // Reconstruct.
    PhazePlan plan;
    plan.feasible = true;
    plan.t = g.t;
    plan.d = c.d;
    plan.microbatchesPerPipeline = (M + c.d - 1) / c.d;
    plan.timePerBatch = c.tpb;
    plan.maxStageLoad = c.L;
    plan.stages.push_back(iv.stage(0, c.j, c.sigma));
    int i = c.j;
    int64_t sigma = c.sigma - 1, u = c.u;
    while (i < n) {
      double target = dp.at(i, sigma, u);
      bool found = false;
      for (int j = i + 1; j <= n && !found; ++j) {
        if (iv.maxSigma[iv.idx(i, j)] < sigma)
          continue;
        int64_t w = iv.width[iv.idx(i, j)];
        double load = iv.load(i, j, sigma, p.recompute);
        for (int64_t v = 0; v < dp.U && !found; ++v) {
          if (dp.next(v, w) != u)
            continue;
          double rest = dp.at(j, sigma - 1, v);
          if (rest != kInf && std::max(rest, load) == target) {
            plan.stages.push_back(iv.stage(i, j, sigma));
            i = j;
            --sigma;
            u = v;
            found = true;
          }
        }
      }
      if (!found)
        return infeasible("internal error: the placement could not be "
                          "reconstructed");
    }
    best = std::move(plan);
  }
  return best;
}

PhazePlan mlir::phaze::partition::evaluateFixed(const PhazeProblem &p) {
  const PhazeFixed &fx = p.fixed;
  if (fx.stages < 1)
    return infeasible("no fixed strategy given");
  const PhazeGraph *g = nullptr;
  for (const PhazeGraph &x : p.graphs)
    if (x.t == fx.t)
      g = &x;
  if (!g)
    return infeasible("the fixed strategy's t = " + std::to_string(fx.t) +
                      " has no layer graph");
  int n = g->layers.size();
  int64_t L = std::min<int64_t>(fx.transformerLayers, n);
  int64_t block = (L + fx.stages - 1) / fx.stages;
  if (fx.stages * fx.t * fx.d > p.maxDevices)
    return infeasible("the fixed strategy needs " +
                      std::to_string(fx.stages * fx.t * fx.d) +
                      " devices, more than " + std::to_string(p.maxDevices));
  if (fx.d > p.microbatchesPerBatch)
    return infeasible("the fixed strategy's d exceeds the microbatches");
  Intervals iv(p, *g);
  PhazePlan plan;
  plan.t = fx.t;
  plan.d = fx.d;
  plan.microbatchesPerPipeline = (p.microbatchesPerBatch + fx.d - 1) / fx.d;
  for (int64_t s = 0; s < fx.stages; ++s) {
    int first = s * block;
    int last =
        s + 1 == fx.stages ? n - 1 : std::min<int64_t>((s + 1) * block, L) - 1;
    if (first > last)
      return infeasible("the fixed strategy's stage " + std::to_string(s) +
                        " is empty (" + std::to_string(L) + " layers in " +
                        std::to_string(fx.stages) + " blocks of " +
                        std::to_string(block) + ")");
    int64_t sigma = fx.stages - s;
    if (iv.maxSigma[iv.idx(first, last + 1)] < sigma)
      return infeasible("the fixed strategy's stage " + std::to_string(s) +
                        " does not fit in memory");
    PhazeStage st = iv.stage(first, last + 1, sigma);
    st.devices = fx.t; // p stages of t devices, whatever the layers
    plan.stages.push_back(st);
    plan.maxStageLoad = std::max(plan.maxStageLoad, st.load);
  }
  double P = iv.params[iv.idx(plan.stages[0].first, plan.stages[0].last + 1)];
  plan.timePerBatch =
      plan.maxStageLoad *
          static_cast<double>(plan.microbatchesPerPipeline + fx.stages - 1) +
      4.0 * static_cast<double>(fx.d - 1) * P /
          (p.bandwidthBytesPerS * static_cast<double>(fx.d));
  plan.feasible = true;
  return plan;
}
