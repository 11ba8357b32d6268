//===- Piper.cpp - Piper's partitioning DP, greedy and exact --------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Follows ../shared/reference/piper-model.md section by section. The DP
// table of a successor-closed set is kept dense (devices x suffix sum of
// data-parallel degrees); the recurrence reads only its "corners", the
// entries where the value drops in both directions, which gives the same
// table as the full recurrence whenever the stage tables do not decrease
// with the memory multiplier (always for the exact choice; counted for the
// greedy: PiperResult::nonMonotoneTables).
//
//===----------------------------------------------------------------------===//

#include "phaze/Partition/Piper.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <map>
#include <set>

#include <sys/mman.h>

using namespace mlir::phaze::partition;

namespace {

constexpr double kInf = kPiperInfinity;
constexpr double kTol = 1e-9;

/// The problem with adjacency lists and per-option sync bytes aligned with
/// them.
struct Prepared {
  const PiperProblem &p;
  int n;
  std::vector<std::vector<int>> in, out; ///< edge indices, in edge order
  /// syncIn[v][t][l][k]: bytes for in[v][k]; likewise syncOut.
  std::vector<std::map<int64_t, std::vector<std::vector<double>>>> syncIn,
      syncOut;

  explicit Prepared(const PiperProblem &p) : p(p), n(p.nodes.size()) {
    in.resize(n);
    out.resize(n);
    for (size_t e = 0; e < p.edges.size(); ++e) {
      out[p.edges[e].from].push_back(e);
      in[p.edges[e].to].push_back(e);
    }
    syncIn.resize(n);
    syncOut.resize(n);
    for (int v = 0; v < n; ++v)
      for (auto &[t, opts] : p.nodes[v].options)
        for (const PiperOption &o : opts) {
          auto lookup = [](const std::vector<std::pair<int, double>> &m,
                           int key) {
            for (auto [k, b] : m)
              if (k == key)
                return b;
            return 0.0;
          };
          std::vector<double> si, so;
          for (int e : in[v])
            si.push_back(lookup(o.syncInBytes, p.edges[e].from));
          for (int e : out[v])
            so.push_back(lookup(o.syncOutBytes, p.edges[e].to));
          syncIn[v][t].push_back(std::move(si));
          syncOut[v][t].push_back(std::move(so));
        }
  }

  /// Bytes crossing the boundary of the stage `inStage` for node v with
  /// option l at degree t (section 4: each cut edge counted twice).
  double edgeBytes(int v, int64_t t, int l,
                   const std::vector<char> &inStage) const {
    double x = 0;
    const auto &si = syncIn[v].at(t)[l];
    for (size_t k = 0; k < in[v].size(); ++k) {
      const PiperEdge &e = p.edges[in[v][k]];
      if (!inStage[e.from])
        x += 2 * (e.bytesPerSample + si[k]);
    }
    const auto &so = syncOut[v].at(t)[l];
    for (size_t k = 0; k < out[v].size(); ++k) {
      const PiperEdge &e = p.edges[out[v][k]];
      if (!inStage[e.to])
        x += 2 * (e.bytesPerSample + so[k]);
    }
    return x;
  }

  /// A node's contribution to its stage's time per sample.
  double cost(const PiperOption &o, double edge, int64_t d) const {
    double resync = static_cast<double>(4 * (d - 1)) * o.parameterBytes /
                    static_cast<double>(d) /
                    static_cast<double>(p.microbatchesPerBatch);
    return (edge / static_cast<double>(d) + resync) / p.bandwidthBytesPerS +
           o.timePerSample / static_cast<double>(d);
  }
};

/// The stage table G(y) of one (stage, t, d): the stage's time per sample
/// with memory multiplier y, for the greedy or the exact choice.
class StageTable {
public:
  StageTable(StageChoice choice, double memory) : choice(choice), M(memory) {}

  /// Options of node i: cost, a, b.
  std::vector<std::vector<double>> c, a, b;

  void reset(int ymax) {
    // Entries are valid only when stamped with the current generation.
    ++generation;
    if (static_cast<int>(memo.size()) < ymax + 1) {
      memo.resize(ymax + 1);
      stamp.resize(ymax + 1, 0);
    }
    ymaxNow = ymax;
    firstInfeasible = std::numeric_limits<int64_t>::max();
  }

  double get(int64_t y) {
    if (y <= 0 || y >= firstInfeasible)
      return kInf;
    bool cache = y <= ymaxNow;
    if (cache && stamp[y] == generation)
      return memo[y];
    std::vector<int> h;
    double g = compute(y, h);
    if (g >= kInf)
      firstInfeasible = std::min(firstInfeasible, y);
    if (cache) {
      memo[y] = g;
      stamp[y] = generation;
    }
    return g;
  }

  /// Whether the values computed so far do not decrease with y.
  bool monotone() const {
    double prev = 0;
    for (int64_t y = 1; y <= ymaxNow; ++y)
      if (stamp[y] == generation) {
        if (memo[y] < prev - kTol)
          return false;
        prev = memo[y];
      }
    return true;
  }

  /// G(y) and the chosen option per node.
  double compute(int64_t y, std::vector<int> &h) const {
    int n = c.size();
    auto mem = [&](int i, int l) {
      return a[i][l] * static_cast<double>(y) + b[i][l];
    };
    std::vector<int> f(n), g(n);
    double memF = 0, costF = 0;
    for (int i = 0; i < n; ++i) {
      int best = 0;
      for (size_t l = 1; l < c[i].size(); ++l)
        if (c[i][l] < c[i][best])
          best = l;
      f[i] = best;
      memF += mem(i, best);
    }
    if (memF <= M) {
      h = f;
      for (int i = 0; i < n; ++i)
        costF += c[i][f[i]];
      return costF;
    }
    double memG = 0;
    for (int i = 0; i < n; ++i) {
      int best = 0;
      for (size_t l = 1; l < c[i].size(); ++l)
        if (mem(i, l) < mem(i, best))
          best = l;
      g[i] = best;
      memG += mem(i, best);
    }
    if (memG > M)
      return kInf;
    double need = memF - M;
    if (choice == StageChoice::PiperGreedy)
      return greedy(y, f, need, h);
    return exact(y, f, need, h);
  }

private:
  double greedy(int64_t y, const std::vector<int> &f, double need,
                std::vector<int> &h) const {
    struct Cand {
      double r;
      int i, l;
    };
    int n = c.size();
    auto mem = [&](int i, int l) {
      return a[i][l] * static_cast<double>(y) + b[i][l];
    };
    std::vector<Cand> cand;
    for (int i = 0; i < n; ++i)
      for (size_t l = 0; l < c[i].size(); ++l) {
        double sav = mem(i, f[i]) - mem(i, l);
        if (sav > kTol)
          cand.push_back(
              {(c[i][l] - c[i][f[i]]) / sav, i, static_cast<int>(l)});
      }
    std::sort(cand.begin(), cand.end(), [](const Cand &x, const Cand &z) {
      return std::tie(x.r, x.i, x.l) < std::tie(z.r, z.i, z.l);
    });
    h = f;
    for (const Cand &k : cand) {
      need -= mem(k.i, h[k.i]) - mem(k.i, k.l);
      h[k.i] = k.l;
      if (need < kTol)
        break;
    }
    double sum = 0;
    for (int i = 0; i < n; ++i)
      sum += c[i][h[i]];
    return sum;
  }

  /// The cheapest choice that fits: starting from the fastest options,
  /// switch nodes to their other option (extra cost e >= 0, saved memory
  /// s > 0) to cover `need` bytes at least cost: a covering knapsack. Nodes
  /// with equal savings form a class, inside which the cheapest switches
  /// come first (an exchange argument), so the search branches on how many
  /// switches each class makes. Bounds: the fractional (LP) relaxation and
  /// the cheapest ceil(rest / largest saving) switches.
  double exact(int64_t y, const std::vector<int> &f, double need,
               std::vector<int> &h) const {
    int n = c.size();
    auto mem = [&](int i, int l) {
      return a[i][l] * static_cast<double>(y) + b[i][l];
    };
    struct Item {
      double e;
      int node, alt;
    };
    struct Class {
      double s;
      std::vector<Item> items;    ///< by e ascending
      std::vector<double> prefix; ///< prefix[k]: cost of the k cheapest
    };
    std::map<double, int> index;
    std::vector<Class> classes;
    for (int i = 0; i < n; ++i)
      for (size_t l = 0; l < c[i].size(); ++l) {
        if (static_cast<int>(l) == f[i])
          continue;
        double s = mem(i, f[i]) - mem(i, l);
        if (!(s > kTol))
          continue;
        auto [it, inserted] = index.emplace(s, classes.size());
        if (inserted)
          classes.push_back({s, {}, {}});
        classes[it->second].items.push_back(
            {c[i][l] - c[i][f[i]], i, static_cast<int>(l)});
      }
    // Largest savings first.
    std::sort(classes.begin(), classes.end(),
              [](const Class &x, const Class &z) { return x.s > z.s; });
    int C = classes.size();
    for (Class &k : classes) {
      std::stable_sort(k.items.begin(), k.items.end(),
                       [](const Item &x, const Item &z) { return x.e < z.e; });
      k.prefix.assign(1, 0);
      for (const Item &it : k.items)
        k.prefix.push_back(k.prefix.back() + it.e);
    }
    // All switches by ratio e/s, for the LP bound: (ratio, class).
    std::vector<std::pair<double, int>> byRatio;
    std::vector<std::pair<double, int>> byCost;
    for (int k = 0; k < C; ++k)
      for (const Item &it : classes[k].items) {
        byRatio.push_back({it.e / classes[k].s, k});
        byCost.push_back({it.e, k});
      }
    std::sort(byRatio.begin(), byRatio.end());
    std::sort(byCost.begin(), byCost.end());
    // Largest saving among classes >= j: classes[j].s (sorted).
    std::vector<int> x(C, 0), bestX;
    double best = kInf;
    std::function<void(int, double, double)> dfs = [&](int j, double cost,
                                                       double rem) {
      if (rem < kTol) {
        if (cost < best) {
          best = cost;
          bestX = x;
        }
        return;
      }
      if (j == C)
        return;
      double lb = cost, r = rem;
      for (auto [ratio, k] : byRatio) {
        if (k < j)
          continue;
        double take = std::min(classes[k].s, r);
        lb += take * ratio;
        r -= take;
        if (r <= 0)
          break;
      }
      if (r > kTol || lb >= best)
        return;
      double q = std::ceil(rem / classes[j].s - 1e-12);
      double lb2 = cost;
      for (auto [e, k] : byCost) {
        if (k < j)
          continue;
        lb2 += e;
        if (--q <= 0)
          break;
      }
      if (lb2 >= best)
        return;
      const Class &cl = classes[j];
      int most = std::min<double>(cl.items.size(), std::ceil(rem / cl.s));
      for (int k = most; k >= 0; --k) {
        x[j] = k;
        dfs(j + 1, cost + cl.prefix[k], rem - k * cl.s);
      }
      x[j] = 0;
    };
    dfs(0, 0, need);
    if (best >= kInf)
      return kInf;
    h = f;
    for (int j = 0; j < C; ++j)
      for (int k = 0; k < bestX[j]; ++k)
        h[classes[j].items[k].node] = classes[j].items[k].alt;
    double sum = 0;
    for (int i = 0; i < n; ++i)
      sum += c[i][h[i]];
    return sum;
  }

  StageChoice choice;
  double M;
  std::vector<double> memo;
  std::vector<uint64_t> stamp;
  uint64_t generation = 0;
  int64_t ymaxNow = 0;
  int64_t firstInfeasible = std::numeric_limits<int64_t>::max();
};

/// A block of doubles, 2 MiB aligned and advised for transparent huge
/// pages (fewer page faults on the large DP tables).
struct Block {
  double *data = nullptr;
  explicit Block(size_t count) {
    size_t bytes = std::max<size_t>(count * sizeof(double), 1);
    constexpr size_t align = size_t(2) << 20;
    bytes = (bytes + align - 1) / align * align;
    data = static_cast<double *>(std::aligned_alloc(align, bytes));
#ifdef MADV_HUGEPAGE
    if (data)
      madvise(data, bytes, MADV_HUGEPAGE);
#endif
  }
  ~Block() { std::free(data); }
  Block(const Block &) = delete;
  Block &operator=(const Block &) = delete;
};

using Bits = std::vector<uint64_t>;

bool has(const Bits &s, int v) { return (s[v / 64] >> (v % 64)) & 1; }
void put(Bits &s, int v) { s[v / 64] |= uint64_t(1) << (v % 64); }

/// Successor-closed sets in Piper's DFS order, with their immediate
/// subsets.
struct Ideals {
  std::vector<Bits> sets;
  std::vector<std::vector<int>> immediate;
  std::map<Bits, int> index;
  bool overflow = false;
};

void generate(const Prepared &pp, Ideals &ideals, int id, int64_t limit) {
  for (int v = 0; v < pp.n && !ideals.overflow; ++v) {
    const Bits &cur = ideals.sets[id];
    if (has(cur, v))
      continue;
    bool closed = true;
    for (int e : pp.out[v])
      closed &= has(cur, pp.p.edges[e].to);
    if (!closed)
      continue;
    Bits next = cur;
    put(next, v);
    auto [it, inserted] = ideals.index.emplace(next, ideals.sets.size());
    int nid = it->second;
    if (inserted) {
      if (static_cast<int64_t>(ideals.sets.size()) >= limit) {
        ideals.overflow = true;
        return;
      }
      ideals.sets.push_back(std::move(next));
      ideals.immediate.emplace_back();
      generate(pp, ideals, nid, limit);
    }
    ideals.immediate[nid].push_back(id);
  }
}

int popcount(const Bits &s) {
  int k = 0;
  for (uint64_t w : s)
    k += __builtin_popcountll(w);
  return k;
}

} // namespace

int64_t PiperPlan::devices() const {
  int64_t k = 0;
  for (const PiperStage &s : stages)
    k += s.t * s.d;
  return k;
}

bool PiperProblem::check(std::string &error) const {
  int n = nodes.size();
  auto nodeName = [&](int v) {
    return "node " + std::to_string(v) +
           (nodes[v].name.empty() ? "" : " (" + nodes[v].name + ")");
  };
  if (n == 0 || edges.empty()) {
    error = "the graph needs at least one node and one edge";
    return false;
  }
  if (!(maxDevices >= 1 && maxDevices <= 10000)) {
    error =
        "maxDevices must be in [1, 10000], got " + std::to_string(maxDevices);
    return false;
  }
  // Piper accepts bandwidths down to 1e-9 B/s; phaze wants at least 1 B/s
  // and figures below 1e18 so that no feasible stage cost reaches Piper's
  // "infinity" (1e30), which would read as infeasible.
  if (!(bandwidthBytesPerS >= 1) || !std::isfinite(bandwidthBytesPerS)) {
    error = "bandwidth must be at least 1 byte/s and finite";
    return false;
  }
  if (!(maxMemoryBytes >= 1e-9) || !std::isfinite(maxMemoryBytes)) {
    error = "maxMemoryPerDevice must be positive and finite";
    return false;
  }
  if (microbatchesPerBatch < 1) {
    error = "mbsInBatch must be at least 1";
    return false;
  }
  std::set<std::pair<int, int>> seen;
  std::vector<std::set<int>> preds(n), succs(n);
  for (size_t e = 0; e < edges.size(); ++e) {
    const PiperEdge &ed = edges[e];
    if (ed.from < 0 || ed.from >= n || ed.to < 0 || ed.to >= n) {
      error = "edge " + std::to_string(e) + " names a node that does not exist";
      return false;
    }
    if (!seen.insert({ed.from, ed.to}).second) {
      error = "duplicate edge " + std::to_string(ed.from) + " -> " +
              std::to_string(ed.to);
      return false;
    }
    if (!(ed.bytesPerSample >= 0) || !(ed.bytesPerSample < 1e18)) {
      error = "edge " + std::to_string(ed.from) + " -> " +
              std::to_string(ed.to) +
              ": communicationCost must be in [0, 1e18) bytes";
      return false;
    }
    preds[ed.to].insert(ed.from);
    succs[ed.from].insert(ed.to);
  }
  // Acyclic (Kahn).
  std::vector<int> indeg(n, 0), queue;
  for (auto &ed : edges)
    ++indeg[ed.to];
  for (int v = 0; v < n; ++v)
    if (!indeg[v])
      queue.push_back(v);
  for (size_t k = 0; k < queue.size(); ++k)
    for (int w : succs[queue[k]])
      if (--indeg[w] == 0)
        queue.push_back(w);
  if (static_cast<int>(queue.size()) != n) {
    for (int v = 0; v < n; ++v)
      if (indeg[v]) {
        error = "the graph has a cycle through " + nodeName(v);
        return false;
      }
  }
  for (int v = 0; v < n; ++v) {
    for (auto &[t, opts] : nodes[v].options) {
      std::string where = nodeName(v) + ", t = " + std::to_string(t);
      if (t < 1 || t > 10000) {
        error = where + ": tensor-parallel degree out of [1, 10000]";
        return false;
      }
      if (opts.size() > 2) {
        error = where + ": at most two configurations per degree";
        return false;
      }
      std::set<std::string> names;
      for (const PiperOption &o : opts) {
        std::string w = where + ", '" + o.name + "'";
        if (!names.insert(o.name).second) {
          error = w + ": duplicate configuration id";
          return false;
        }
        for (double x : {o.timePerSample, o.parameterBytes,
                         o.memoryPerMicrobatch, o.memoryFixedBytes})
          if (!(x >= 0) || !(x < 1e18)) {
            error = w + ": times, sizes and memory must be in [0, 1e18)";
            return false;
          }
        std::set<int> in, out;
        for (auto [u, bytes] : o.syncInBytes) {
          in.insert(u);
          if (!(bytes >= 0) || !(bytes < 1e18)) {
            error = w + ": syncTimeFw bytes must be in [0, 1e18)";
            return false;
          }
        }
        for (auto [u, bytes] : o.syncOutBytes) {
          out.insert(u);
          if (!(bytes >= 0) || !(bytes < 1e18)) {
            error = w + ": syncTimeBw bytes must be in [0, 1e18)";
            return false;
          }
        }
        if (in != preds[v]) {
          error = w + ": syncTimeFw keys must be exactly the predecessors";
          return false;
        }
        if (out != succs[v]) {
          error = w + ": syncTimeBw keys must be exactly the successors";
          return false;
        }
      }
    }
  }
  return true;
}

bool mlir::phaze::partition::evaluate(const PiperProblem &p,
                                      const PiperPlan &plan, double &value,
                                      std::string &error) {
  int n = p.nodes.size();
  value = kInf;
  if (plan.stages.empty()) {
    error = "empty plan";
    return false;
  }
  std::vector<int> stageOf(n, -1);
  int64_t sumD = 0, devices = 0;
  for (size_t i = 0; i < plan.stages.size(); ++i) {
    const PiperStage &s = plan.stages[i];
    if (s.d < 1 || s.d > p.maxDevices || p.microbatchesPerBatch % s.d != 0 ||
        s.t < 1 || s.t > p.maxDevices) {
      error = "stage " + std::to_string(i) + ": bad degrees";
      return false;
    }
    if (s.option.size() != s.nodes.size()) {
      error = "stage " + std::to_string(i) + ": one option per node";
      return false;
    }
    for (size_t k = 0; k < s.nodes.size(); ++k) {
      int v = s.nodes[k];
      if (v < 0 || v >= n || stageOf[v] >= 0) {
        error = "stage " + std::to_string(i) + ": node " + std::to_string(v) +
                " missing or repeated";
        return false;
      }
      stageOf[v] = i;
      auto it = p.nodes[v].options.find(s.t);
      if (it == p.nodes[v].options.end() || s.option[k] < 0 ||
          s.option[k] >= static_cast<int>(it->second.size())) {
        error = "stage " + std::to_string(i) + ": node " + std::to_string(v) +
                " has no such configuration at t = " + std::to_string(s.t);
        return false;
      }
    }
    sumD += s.d;
    devices += s.t * s.d;
  }
  for (int v = 0; v < n; ++v)
    if (stageOf[v] < 0) {
      error = "node " + std::to_string(v) + " is in no stage";
      return false;
    }
  for (const PiperEdge &e : p.edges)
    if (stageOf[e.from] > stageOf[e.to]) {
      error = "edge " + std::to_string(e.from) + " -> " + std::to_string(e.to) +
              " goes backwards";
      return false;
    }
  if (sumD > p.microbatchesPerBatch || devices > p.maxDevices) {
    error = "the plan uses more devices or microbatches than allowed";
    return false;
  }
  Prepared pp(p);
  int64_t D = sumD;
  double worst = 0;
  for (const PiperStage &s : plan.stages) {
    int64_t y = (D + s.d - 1) / s.d;
    D -= s.d;
    std::vector<char> inStage(n, 0);
    for (int v : s.nodes)
      inStage[v] = 1;
    double C = 0, X = 0, Y = 0, Z = 0;
    for (size_t k = 0; k < s.nodes.size(); ++k) {
      int v = s.nodes[k];
      const PiperOption &o = p.nodes[v].options.at(s.t)[s.option[k]];
      C += o.timePerSample;
      X += pp.edgeBytes(v, s.t, s.option[k], inStage);
      Y += static_cast<double>(4 * (s.d - 1)) * o.parameterBytes /
           static_cast<double>(s.d) /
           static_cast<double>(p.microbatchesPerBatch);
      Z += o.memoryPerMicrobatch * static_cast<double>(y) + o.memoryFixedBytes;
    }
    if (Z > p.maxMemoryBytes)
      return true; // value stays kInf
    double stage = (X / static_cast<double>(s.d) + Y) / p.bandwidthBytesPerS +
                   C / static_cast<double>(s.d);
    worst = std::max(worst, stage);
  }
  value = worst;
  return true;
}

PiperResult mlir::phaze::partition::solvePiper(const PiperProblem &p,
                                               const PiperOptions &options) {
  PiperResult r;
  Prepared pp(p);
  int n = pp.n;
  int64_t K = p.maxDevices;
  int64_t N = p.microbatchesPerBatch;
  int64_t Sb = std::min(N, K);
  int words = (n + 63) / 64;

  Ideals ideals;
  ideals.sets.push_back(Bits(words, 0));
  ideals.immediate.emplace_back();
  ideals.index.emplace(ideals.sets[0], 0);
  generate(pp, ideals, 0, options.maxIdeals);
  if (ideals.overflow) {
    r.message = "more than " + std::to_string(options.maxIdeals) +
                " successor-closed sets";
    return r;
  }
  int I = ideals.sets.size();
  r.ideals = I;

  // Strict subsets of each set, in Piper's stack order.
  std::vector<std::vector<int>> sub(I);
  {
    std::vector<int> stamp(I, -1);
    for (int x = 0; x < I; ++x) {
      std::vector<int> stack{x};
      stamp[x] = x;
      while (!stack.empty()) {
        int y = stack.back();
        stack.pop_back();
        if (y != x)
          sub[x].push_back(y);
        for (int z : ideals.immediate[y])
          if (stamp[z] != x) {
            stamp[z] = x;
            stack.push_back(z);
          }
      }
      r.pairs += sub[x].size();
    }
  }

  std::vector<int> order(I);
  for (int x = 0; x < I; ++x)
    order[x] = x;
  std::vector<int> size(I);
  for (int x = 0; x < I; ++x)
    size[x] = popcount(ideals.sets[x]);
  std::stable_sort(order.begin(), order.end(),
                   [&](int x, int y) { return size[x] < size[y]; });

  // F[x][k][s] for s <= min(k, Sb): a plan's suffix sum of d never exceeds
  // its devices, so entries with s > k equal F[x][k][k] and are not stored.
  // One block for all sets, in huge pages where the kernel offers them (the
  // tables are touched once, densely).
  std::vector<int64_t> rowOffset(K + 2, 0);
  for (int64_t k = 0; k <= K; ++k)
    rowOffset[k + 1] = rowOffset[k] + std::min(k, Sb) + 1;
  const int64_t perSet = rowOffset[K + 1];
  Block block(static_cast<size_t>(perSet) * I);
  if (!block.data) {
    r.message = "out of memory for the DP table";
    return r;
  }
  auto table0 = [&](int x) { return block.data + perSet * x; };
  auto at = [&](double *F, int64_t k, int64_t s) -> double & {
    return F[rowOffset[k] + std::min(s, k)];
  };
  struct Corner {
    int64_t k, s;
    double v;
  };
  std::vector<std::vector<Corner>> corners(I);
  /// The corners of x with one device count k: corners[x][begin, end).
  struct Row {
    int64_t k;
    size_t begin, end;
  };
  std::vector<std::vector<Row>> rows(I);

  // Degrees t available for every node of a stage.
  auto degrees = [&](const std::vector<int> &stage) {
    std::vector<int64_t> ts;
    for (auto &[t, opts] : p.nodes[stage[0]].options) {
      if (opts.empty() || t > K)
        continue;
      bool all = true;
      for (int v : stage) {
        auto it = p.nodes[v].options.find(t);
        all &= it != p.nodes[v].options.end() && !it->second.empty();
      }
      if (all)
        ts.push_back(t);
    }
    return ts;
  };
  std::vector<int64_t> divisors;
  for (int64_t d = 1; d <= Sb; ++d)
    if (N % d == 0)
      divisors.push_back(d);

  StageTable table(options.choice, p.maxMemoryBytes);
  std::vector<char> inStage(n, 0);
  // Fills `table` for stage (I \ J) at (t, d); `edge[i][l]` precomputed.
  auto fill = [&](const std::vector<int> &stage,
                  const std::vector<std::vector<double>> &edge, int64_t t,
                  int64_t d) {
    int m = stage.size();
    table.c.assign(m, {});
    table.a.assign(m, {});
    table.b.assign(m, {});
    for (int i = 0; i < m; ++i) {
      const auto &opts = p.nodes[stage[i]].options.at(t);
      for (size_t l = 0; l < opts.size(); ++l) {
        table.c[i].push_back(pp.cost(opts[l], edge[i][l], d));
        table.a[i].push_back(opts[l].memoryPerMicrobatch);
        table.b[i].push_back(opts[l].memoryFixedBytes);
      }
    }
    table.reset(Sb / d + 1);
  };
  auto stageOf = [&](int x, int j) {
    std::vector<int> stage;
    for (int v = 0; v < n; ++v)
      if (has(ideals.sets[x], v) && !has(ideals.sets[j], v))
        stage.push_back(v);
    return stage;
  };
  auto edgesOf = [&](const std::vector<int> &stage, int64_t t) {
    for (int v : stage)
      inStage[v] = 1;
    std::vector<std::vector<double>> edge(stage.size());
    for (size_t i = 0; i < stage.size(); ++i)
      for (size_t l = 0; l < p.nodes[stage[i]].options.at(t).size(); ++l)
        edge[i].push_back(pp.edgeBytes(stage[i], t, l, inStage));
    for (int v : stage)
      inStage[v] = 0;
    return edge;
  };

  for (int x : order) {
    double *Fx = table0(x);
    std::fill(Fx, Fx + perSet, size[x] == 0 ? 0.0 : kInf);
    if (size[x] == 0) {
      corners[x].push_back({0, 0, 0.0});
      rows[x].push_back({0, 0, 1});
      continue;
    }
    for (int j : sub[x]) {
      std::vector<int> stage = stageOf(x, j);
      for (int64_t t : degrees(stage)) {
        std::vector<std::vector<double>> edge = edgesOf(stage, t);
        for (int64_t d : divisors) {
          if (t * d > K)
            break;
          fill(stage, edge, t, d);
          ++r.stageTables;
          // Corners by devices, then suffix sum. For one device count the
          // values fall as s grows while G(ceil(s/d)) rises: once a corner's
          // value is at most G, later ones give at least G at larger s
          // (dominated), and so do corners at more devices and no smaller s
          // (Piper's drop-point rule, extended across device counts).
          const std::vector<Corner> &cj = corners[j];
          int64_t smin = Sb + 1;
          for (const Row &row : rows[j]) {
            if (row.k + t * d > K)
              break;
            for (size_t q = row.begin; q < row.end; ++q) {
              const Corner &c = cj[q];
              int64_t ss = c.s + d;
              if (c.s >= smin || ss > Sb)
                break;
              double g = table.get((ss + d - 1) / d);
              if (g >= kInf)
                break;
              double &cell = at(Fx, row.k + t * d, ss);
              if (c.v <= g) {
                cell = std::min(cell, g);
                smin = c.s;
                break;
              }
              cell = std::min(cell, c.v);
            }
          }
          if (options.choice == StageChoice::PiperGreedy && !table.monotone())
            ++r.nonMonotoneTables;
        }
      }
    }
    for (int64_t k = 0; k <= K; ++k)
      for (int64_t s = 0; s <= std::min(k, Sb); ++s) {
        double &cell = at(Fx, k, s);
        if (k > 0)
          cell = std::min(cell, at(Fx, k - 1, s));
        if (s > 0)
          cell = std::min(cell, at(Fx, k, s - 1));
      }
    for (int64_t k = 0; k <= K; ++k) {
      size_t begin = corners[x].size();
      for (int64_t s = 0; s <= std::min(k, Sb); ++s) {
        double v = at(Fx, k, s);
        if (v >= kInf / 2)
          continue;
        if ((k == 0 || v < at(Fx, k - 1, s)) &&
            (s == 0 || v < at(Fx, k, s - 1)))
          corners[x].push_back({k, s, v});
      }
      if (corners[x].size() > begin)
        rows[x].push_back({k, begin, corners[x].size()});
    }
  }

  // The full set: the last one generated is not necessarily it; find it.
  int full = -1;
  for (int x = 0; x < I; ++x)
    if (size[x] == n)
      full = x;
  double best = kInf;
  int64_t bk = 0, bs = 0;
  for (int64_t k = 0; k <= K; ++k)
    for (int64_t s = 1; s <= Sb; ++s)
      if (at(table0(full), k, s) + kTol < best) {
        best = at(table0(full), k, s);
        bk = k;
        bs = s;
      }
  if (best > kInf / 2) {
    r.message = "no plan fits in memory";
    return r;
  }
  r.value = best;

  // Reconstruction (section 7.5).
  int x = full;
  int64_t k = bk, s = bs;
  while (size[x] > 0) {
    bool found = false;
    for (int j : sub[x]) {
      std::vector<int> stage = stageOf(x, j);
      for (int64_t t : degrees(stage)) {
        if (t > k)
          continue;
        std::vector<std::vector<double>> edge = edgesOf(stage, t);
        for (int64_t d : divisors) {
          if (t * d > k || d > s)
            break;
          fill(stage, edge, t, d);
          std::vector<int> h;
          double g = table.compute((s + d - 1) / d, h);
          double v = std::max(at(table0(j), k - t * d, s - d), g);
          if (g < kInf && std::fabs(at(table0(x), k, s) - v) < kTol) {
            r.plan.stages.push_back({stage, t, d, h});
            x = j;
            k -= t * d;
            s -= d;
            found = true;
            break;
          }
        }
        if (found)
          break;
      }
      if (found)
        break;
    }
    if (!found) {
      r.message = "internal error: the plan could not be reconstructed";
      return r;
    }
  }
  std::string error;
  if (!evaluate(p, r.plan, r.score, error)) {
    r.message = "internal error: reconstructed plan: " + error;
    return r;
  }
  if (std::fabs(r.score - r.value) > 1e-5 * std::max(1.0, r.value)) {
    r.message = "internal error: the plan scores " + std::to_string(r.score) +
                ", the DP says " + std::to_string(r.value);
    return r;
  }
  r.feasible = true;
  return r;
}

double
mlir::phaze::partition::smallestFeasibleMemory(const PiperProblem &p,
                                               const PiperOptions &options) {
  PiperProblem q = p;
  auto fits = [&](double memory) {
    q.maxMemoryBytes = memory;
    return solvePiper(q, options).feasible;
  };
  double lo = p.maxMemoryBytes, hi = 2 * p.maxMemoryBytes;
  if (fits(lo))
    return lo;
  while (hi < 1e20 && !fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi >= 1e20)
    return 0;
  while (hi - lo > 1e-4 * hi) {
    double mid = 0.5 * (lo + hi);
    (fits(mid) ? hi : lo) = mid;
  }
  return hi;
}
