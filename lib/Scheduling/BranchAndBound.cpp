//===- BranchAndBound.cpp - exact layer schedules by search ---------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//
//
// Why the search is exact. Take any schedule and order its tasks by start.
// Placing them in that order, each at the earliest time at or after the
// previous start where its dependences and units allow, gives starts no
// later than the schedule's (by induction: the tasks placed so far run at
// any instant only if they also ran then in the schedule, because they start
// no later and end no later). The search enumerates every such order and
// every mode, and prunes only with the rules below.
//
// Exchange rules (each keeps some optimal schedule):
// * An intra-op-parallel sink runs alone: cut its interval out, shift
//   everything after it earlier by its latency, and append it at the end.
//   So every such sink can run last; the search places them there, together,
//   once only sinks are left.
// * Symmetrically, intra-op-parallel sources can run first.
// * End reduction: so a schedule whose source or sink runs intra-op
//   parallel is, with that task cut out, a schedule of the rest shorter by
//   its latency, and the other way round. Before it searches, the search
//   takes out every source and sink whose refined root bound with it on one
//   unit reaches the incumbent (every schedule that beats the incumbent
//   runs it intra-op parallel), in rounds (each test assumes those taken
//   out in earlier rounds run intra-op parallel; in a schedule that runs
//   some of them on one unit, one of the earliest round among those
//   contradicts its own test), searches the rest against the incumbent less
//   their latencies, and puts them back first and last.
// * A task whose intra-op-parallel latency is not shorter than its one-unit
//   latency runs on one unit (shorter or equal, and it leaves the other
//   units free).
// * Left shift: a child that starts no earlier than another child (task B,
//   in its mode) finishes is dropped. In any completion that places it
//   next, the rest starts no earlier either, so B fits before it: its
//   dependences are met, its units free (only placed tasks run there, and
//   they start no later than the last start), its successors start after
//   the gap. Moving B there delays nothing, and the result is a completion
//   of B's child. B starts strictly earlier, so the rule never drops every
//   child.
// * Twins: two tasks of equal kind and latencies with the same successors
//   (both sources or neither) are interchangeable once both are ready. A
//   child of the later one (by index) is dropped when the earlier one is
//   ready by its start too: swapping the two tasks' starts and modes in any
//   of its completions gives a completion, as long, that starts with the
//   earlier twin there (which the search reaches from that twin's child).
//
// Bounds: an unplaced task starts no earlier than its earliest start at best
// latencies; intra-op parallel it needs the chip empty, so it also starts no
// earlier than the last finish of the placed tasks (`busy`), and the path
// after it starts at the earlier of its one-unit finish and that.
//
// Learned bounds: when nothing placed runs past the last start (or only an
// intra-op-parallel task, which nothing overlaps), every completion starts
// from an idle chip; the search of such a node, once finished, shows how long
// its completions take at least, and any node with the same placed set
// inherits that, shifted to its own start. A completion for a placed set,
// less the tasks of a larger one, is a completion for the larger one: what
// was learned for a set with one or two tasks more bounds it too.
//
// Dominance: two partial schedules that placed the same tasks, A with its
// last start no later than B's, and every task of A still running after B's
// last start running in B too, until no later, on no more units (one unit
// against all): any completion of B can be replayed after A, so B is
// dropped. A running sink delays no other task, so for sinks only the units
// held count: at every instant after B's last start A holds no more of each
// kind than B.
//
// Near dominance: each node returns a lower bound on its completions (the
// least of its children's, or its own bound), kept with its partial
// schedule A. A later B of the same placed set, which A dominates once B's
// completions are delayed by some delta (A's last start, the running tasks
// others depend on, the units held and the chip's last running task each
// no later than B's plus delta), has completions no shorter than A's bound
// less delta: B is dropped when that reaches the cutoff. Tasks of nearly
// equal latency make many partial schedules that differ by a little.
//
// Bounds below the cutoff: a completion that ends before the cutoff leaves
// little of each kind's unit time idle or beyond each task's least area;
// that forces idle windows (tasks that leave units without work beside
// them) and modes (the critical path at forced latencies) into the bound.
// Such a bound proves only "no completion before the cutoff", so it is
// capped at the cutoff (a valid bound either way) before it is learned.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/BranchAndBound.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <unordered_map>

using namespace mlir::phaze::sched;

namespace {

/// Components of at most this many off-path tasks are costed by trying every
/// subset on one unit; larger ones (when refining) by their most expensive
/// this many.
constexpr size_t kExactComponent = 5;

/// A set of tasks as a 128-bit mask.
struct TaskSet {
  uint64_t lo = 0, hi = 0;
  void flip(int i) { (i < 64 ? lo : hi) ^= uint64_t(1) << (i & 63); }
  bool operator==(const TaskSet &o) const { return lo == o.lo && hi == o.hi; }
};
struct TaskSetHash {
  size_t operator()(const TaskSet &s) const {
    uint64_t h = s.lo * 0x9E3779B97F4A7C15ull;
    h ^= s.hi + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
    return static_cast<size_t>(h);
  }
};

/// A task still running at a partial schedule's last start.
struct Running {
  int task;
  double finish;
  bool parallel;
};

/// What of a partial schedule matters to its completions: the last start and
/// the tasks still running then (`Running`, latest finish first, kept in its
/// set's pool).
/// Partial schedule A dominates B (every completion of B can be replayed
/// after A) when A's last start is no later, and after B's last start every
/// task of A runs only while it runs in B, on no more units (one unit
/// against all).
struct Signature {
  double time = 0;
  double maxFinish = 0; ///< the latest finish of its running tasks
  uint32_t offset = 0;  ///< its running tasks: pool[offset, offset + count)
  uint32_t count = 0;
  bool prefixOpen = false;
  /// A lower bound on its completions' makespans, once its search has
  /// ended (-infinity before).
  double bound = -std::numeric_limits<double>::infinity();
};

/// The partial schedules remembered for one placed set, by last start, with
/// their running tasks in one pool (those of dropped ones stay until it is
/// compacted).
struct Bucket {
  std::vector<Signature> seen;
  std::vector<Running> pool;
  size_t live = 0; ///< pool entries of signatures in `seen`
};

/// A task off the critical path in the lower bound: its delay to the path
/// on one unit, its intra-op-parallel latency (infinite if it cannot), and
/// the stretch [lo, hi) of the path it may run beside.
struct OffTask {
  double g, lambda;
  int lo, hi;
  double window;       ///< one-unit latency past the free time
  double progress;     ///< the most the path progresses beside that window
  bool tensor, vector; ///< the units it holds on one unit
};

/// The cheapest way to run the tasks of [first, last) whose one-unit windows
/// may all overlap, given `other` delay elsewhere that may overlap them too:
/// those with g above a threshold run intra-op parallel (adding their
/// latencies), the others on one unit (delaying the path by the largest g,
/// or by `other` if larger).
template <typename It>
double cheapestSplit(It first, It last, double other) {
  static thread_local std::vector<std::pair<double, double>> byG;
  byG.clear();
  for (It it = first; it != last; ++it)
    byG.push_back({it->g, it->lambda});
  std::sort(byG.begin(), byG.end());
  double suffix = 0, best = std::numeric_limits<double>::infinity();
  for (size_t k = byG.size(); k-- > 0;) {
    best = std::min(best, std::max(byG[k].first, other) + suffix);
    suffix += byG[k].second;
  }
  return std::min(best, other + suffix);
}

class Search {
public:
  Search(const Problem &p, const Schedule &incumbent,
         const SearchLimits &limits)
      : p(p), n(p.tasks.size()), limits(limits), pred(n), succ(n),
        tail(pathsToEnd(p)), rate(n, 0), canParallel(n, false), sink(n, 0),
        best(incumbent) {
    for (auto [a, b] : p.edges) {
      pred[b].push_back(a);
      succ[a].push_back(b);
    }
    topo = p.topologicalOrder();
    reverseTopo.assign(topo.rbegin(), topo.rend());
    reach = p.reachability();
    for (int i = 0; i < n; ++i) {
      const Task &t = p.tasks[i];
      rate[i] = t.best() / t.single;
      canParallel[i] = t.gainsFromParallel();
      sink[i] = succ[i].empty();
    }
    twins.resize(n);
    readyAt.assign(n, -1);
    childPool.resize(n + 1);
    std::vector<std::vector<int>> sortedSucc = succ;
    for (std::vector<int> &s : sortedSucc)
      std::sort(s.begin(), s.end());
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < j; ++k) {
        const Task &a = p.tasks[k], &b = p.tasks[j];
        if (a.kind == b.kind && a.single == b.single &&
            a.parallel == b.parallel && pred[k].empty() == pred[j].empty() &&
            sortedSucc[k] == sortedSucc[j])
          twins[j].push_back(k);
      }
    // Per kind, the tasks whose one-unit windows need other tasks of that
    // kind beside them (in topological order, with the earlier ones that
    // precede each), and per task the tasks of that kind that may run
    // beside it, longest first.
    for (int kind = 0; kind < 2; ++kind) {
      auto uses = kind == 0 ? usesTensor : usesVector;
      int64_t units = kind == 0 ? p.tensorUnits : p.vectorUnits;
      std::vector<int> &list = windowTasks[kind];
      for (int j : topo) {
        const Task &t = p.tasks[j];
        bool wastes = !t.gainsFromParallel() || units * t.parallel > t.single;
        if (!uses(t.kind) || (units > 1 && wastes))
          list.push_back(j);
      }
      windowPreds[kind].resize(list.size());
      for (size_t c = 0; c < list.size(); ++c)
        for (size_t q = 0; q < c; ++q)
          if (reach[list[q]][list[c]])
            windowPreds[kind][c].push_back(q);
      fillers[kind].resize(n);
      for (int j = 0; j < n; ++j) {
        for (int i = 0; i < n; ++i)
          if (i != j && uses(p.tasks[i].kind) && !reach[i][j] && !reach[j][i])
            fillers[kind][j].push_back(i);
        std::sort(fillers[kind][j].begin(), fillers[kind][j].end(),
                  [&](int a, int b) {
                    return p.tasks[a].single > p.tasks[b].single;
                  });
      }
    }
    // Per kind, whether each task uses its units and its least area there.
    for (int kind = 0; kind < 2; ++kind) {
      auto uses = kind == 0 ? usesTensor : usesVector;
      double units = kind == 0 ? p.tensorUnits : p.vectorUnits;
      usesKind[kind].resize(n);
      leastArea[kind].resize(n);
      parallelWaste[kind].resize(n);
      for (int i = 0; i < n; ++i) {
        const Task &t = p.tasks[i];
        usesKind[kind][i] = uses(t.kind);
        leastArea[kind][i] = std::min(t.single, units * t.parallel);
        parallelWaste[kind][i] =
            units * t.parallel - (usesKind[kind][i] ? leastArea[kind][i] : 0);
      }
    }
    // Written for each unplaced task before it is read, at every node.
    est.assign(n, 0);
    estFinish.assign(n, 0);
    start.assign(n, 0);
    finish.assign(n, 0);
    runningFinish.assign(n, -1);
    runningParallel.assign(n, 0);
    parallel.assign(n, 0);
    done.assign(n, 0);
    bestMakespan = incumbent.makespan;
    begin = std::chrono::steady_clock::now();
  }

  /// The bound at the root, refined; with `hint`, also along that chain
  /// (tasks each depending on the one before, the first a source), and
  /// with a finite `cutoff` the bounds below it too.
  double
  refinedRootBound(const std::vector<int> *hint = nullptr,
                   double cutoff = std::numeric_limits<double>::infinity()) {
    refine = true;
    chainHint = hint;
    double bound = lowerBound(0, cutoff);
    chainHint = nullptr;
    refine = false;
    return bound;
  }

  /// The critical path the last refined bound followed.
  const std::vector<int> &criticalChain() const { return chain; }

  /// Makes the makespans shared with other threads (limits.sharedMakespan)
  /// this much longer than this search's own: it searches a problem whose
  /// schedules gain `offset` when mapped back.
  void setSharedOffset(double offset) { sharedOffset = offset; }

  SearchResult run() {
    // A shared makespan below the incumbent's is the cutoff from the start.
    followShared();
    dfs(0, true, 0);
    SearchResult r;
    r.schedule = best;
    r.complete = !aborted;
    r.nodes = nodes;
    r.cutoff = bestMakespan;
    return r;
  }

  /// The lower bound at the current node (last start `t`); with a finite
  /// `cutoff` (every node but the root) also the bounds below it, and it
  /// stops once it reaches it; with `refine` (the root) also the delays of
  /// the tasks off the critical path.
  double lowerBound(double t,
                    double cutoff = std::numeric_limits<double>::infinity()) {
    double busy = t; // when every placed task has finished
    for (int i : placed)
      busy = std::max(busy, finish[i]);
    double bound = busy;
    double free = busy - t; // time before any unplaced task must wait
    // Earliest starts at best latencies (earliestStarts, fused with the
    // critical path: this runs at every node); the path ends at `top`.
    // An unplaced task runs intra-op parallel only once every placed task
    // has finished (nothing runs beside it): one that could start before
    // `busy` finishes at least at the earlier of its one-unit finish and
    // `busy` plus its intra-op-parallel latency.
    int top = -1;
    double path = -1;
    for (int j : topo) {
      if (done[j])
        continue;
      double e = t;
      for (int a : pred[j])
        e = std::max(e, done[a] ? finish[a] : estFinish[a]);
      est[j] = e;
      const Task &task = p.tasks[j];
      estFinish[j] = e >= busy || !canParallel[j]
                         ? e + task.best()
                         : std::min(e + task.single, busy + task.parallel);
      if (estFinish[j] - task.best() + tail[j] > path) {
        path = estFinish[j] - task.best() + tail[j];
        top = j;
      }
    }
    if (top < 0)
      return bound;
    bound = std::max(bound, path);
    // Per-kind area from t. With a cutoff, also what a completion ending
    // before it must leave idle (the cutoff caps these bounds: a completion
    // ends at least at either).
    double inf = std::numeric_limits<double>::infinity();
    double slack[2] = {inf, inf};
    for (int kind = 0; kind < 2; ++kind) {
      int64_t units = kind == 0 ? p.tensorUnits : p.vectorUnits;
      const std::vector<double> &least = leastArea[kind];
      const std::vector<char> &uses = usesKind[kind];
      double area = 0;
      bool any = false;
      for (int i = 0; i < n; ++i) {
        if (done[i]) {
          if (finish[i] > t)
            area += (parallel[i] ? units : uses[i]) * (finish[i] - t);
        } else if (uses[i]) {
          area += least[i];
          any = true;
        }
      }
      if (!any)
        continue;
      bound = std::max(bound, t + area / units);
      if (cutoff < inf) {
        slack[kind] = units * (cutoff - t) - area;
        double idle = windowIdle(kind, t, cutoff, slack[kind]);
        bound = std::max(bound, std::min(t + (area + idle) / units, cutoff));
      }
    }
    if (bound >= cutoff)
      return bound;
    if (cutoff < inf) {
      bound = std::max(bound, forcedModePath(t, cutoff, slack));
      if (bound >= cutoff)
        return bound;
    }
    // The delays of the tasks off the path, below, only at the root: at the
    // other nodes, with the bounds below the cutoff above, they prune few
    // nodes more and cost a third of the search's time.
    if (!refine)
      return bound;
    chainThrough(top);
    bound = std::max(bound, path + offPathExtra(free));
    // A given chain (tasks each depending on the one before, the first with
    // no unplaced predecessor) bounds the makespan the same way: its best
    // latencies from its first task's earliest start, plus what the tasks
    // off it add.
    if (chainHint && !chainHint->empty() &&
        std::none_of(pred[chainHint->front()].begin(),
                     pred[chainHint->front()].end(),
                     [&](int a) { return !done[a]; })) {
      onPath.assign(n, 0);
      chain = *chainHint;
      double length = est[chain.front()];
      for (int j : chain) {
        onPath[j] = 1;
        length += p.tasks[j].best();
      }
      bound = std::max(bound, length + offPathExtra(free));
    }
    return bound;
  }

private:
  /// The critical path through `top` (the unplaced task where est + tail is
  /// largest), in order, into `chain` and `onPath`: back through the
  /// predecessors that set the earliest starts, forward through the
  /// successors that set the tails.
  void chainThrough(int top) {
    onPath.assign(n, 0);
    chain.clear();
    for (int j = top; j >= 0;) {
      onPath[j] = 1;
      chain.push_back(j);
      int next = -1;
      for (int a : pred[j])
        if (!done[a] && std::fabs(est[a] + p.tasks[a].best() - est[j]) <=
                            1e-9 * (1 + est[j])) {
          next = a;
          break;
        }
      j = next;
    }
    std::reverse(chain.begin(), chain.end());
    for (int j = top; j >= 0;) {
      int next = -1;
      for (int b : succ[j])
        if (std::fabs(tail[b] + p.tasks[j].best() - tail[j]) <=
            1e-9 * (1 + tail[j])) {
          next = b;
          break;
        }
      if (next >= 0)
        onPath[next] = 1, chain.push_back(next);
      j = next;
    }
  }

  /// What the unplaced tasks off `chain` add to its length at least (their
  /// delays, refined): `free` is the time before any unplaced task must
  /// wait.
  double offPathExtra(double free) {
    double inf = std::numeric_limits<double>::infinity();
    // Run back to back on one unit each, the path's tasks make progress (in
    // best latencies) at their one-unit rates: cumulative time and progress.
    int m = chain.size();
    span.assign(m + 1, 0);
    gain.assign(m + 1, 0);
    for (int k = 0; k < m; ++k) {
      span[k + 1] = span[k] + p.tasks[chain[k]].single;
      gain[k + 1] = gain[k] + p.tasks[chain[k]].best();
    }
    // Cumulative progress at time x, with a cursor `k` that only moves
    // forward (the callers ask for non-decreasing x).
    auto progressAt = [&](double x, int &k) {
      while (k + 1 < m && span[k + 1] <= x)
        ++k;
      double within = std::clamp(x - span[k], 0.0, span[k + 1] - span[k]);
      return gain[k] + within * rate[chain[k]];
    };
    // A task off the path either runs intra-op parallel, alone, adding its
    // latency, or on one unit for `single`; meanwhile no intra-op-parallel
    // task runs, so the path runs its tasks on one unit or waits: over that
    // window (less the time `free` before anything unplaced can start) it
    // loses at least g = window - (the most progress a stretch of the path
    // unrelated to the task makes in one-unit mode within the window).
    off.clear();
    for (int j = 0; j < n; ++j) {
      if (done[j] || onPath[j])
        continue;
      double window = std::max(0.0, p.tasks[j].single - free);
      int lo = 0, hi = m;
      while (lo < m && reach[chain[lo]][j])
        ++lo;
      while (hi > lo && reach[j][chain[hi - 1]])
        --hi;
      double progress = 0;
      if (window > 0 && hi > lo) {
        double a = span[lo], b = span[hi];
        if (b - a <= window) {
          progress = gain[hi] - gain[lo];
        } else {
          // The best window starts or ends at a task boundary; both kinds
          // of candidates come in increasing order.
          for (int ends = 0; ends < 2; ++ends) {
            int k0 = lo, k1 = lo;
            for (int k = lo; k <= hi; ++k) {
              double x = ends ? std::max(span[k] - window, a)
                              : std::min(span[k], b - window);
              progress = std::max(progress, progressAt(x + window, k1) -
                                                progressAt(x, k0));
            }
          }
        }
      }
      double g = std::max(0.0, window - progress);
      off.push_back({g, canParallel[j] ? p.tasks[j].parallel : inf, lo, hi,
                     std::max(0.0, p.tasks[j].single - free), progress,
                     usesTensor(p.tasks[j].kind), usesVector(p.tasks[j].kind)});
    }
    // Tasks whose windows cannot overlap delay the path one after the
    // other: a task runs after the path's task lo - 1 ends and before its
    // task hi starts, so tasks with disjoint (lo - 1, hi) run apart. Split
    // the tasks into short ones (hi - lo <= span), grouped into components
    // of overlapping intervals whose delays add, and long ones whose windows
    // may overlap anything. Every split gives a bound; take the best.
    double extra = 0;
    int m1 = std::max(1, m);
    size_t lastShort = off.size() + 1;
    for (int width : {m1, m1 / 2, m1 / 4, m1 / 8, 2}) {
      shortTasks.clear();
      longTasks.clear();
      for (const OffTask &o : off)
        (o.hi - o.lo <= width ? shortTasks : longTasks).push_back(o);
      // Narrower widths give nested short sets: the same size is the same
      // split, already counted.
      if (shortTasks.size() == lastShort)
        continue;
      lastShort = shortTasks.size();
      std::sort(shortTasks.begin(), shortTasks.end(),
                [](const OffTask &a, const OffTask &b) { return a.lo < b.lo; });
      double delays = 0;
      components.clear();
      for (size_t a = 0; a < shortTasks.size();) {
        size_t b = a + 1;
        int reach = shortTasks[a].hi;
        while (b < shortTasks.size() && shortTasks[b].lo - 1 < reach)
          reach = std::max(reach, shortTasks[b++].hi);
        double cost = componentCost(a, b);
        delays += cost;
        components.push_back({shortTasks[a].lo - 1, reach, delays});
        a = b;
      }
      extra = std::max(
          extra, cheapestSplit(longTasks.begin(), longTasks.end(), delays));
      extra = std::max(extra, longBeside(delays));
      if (width <= 2)
        break;
    }
    return extra;
  }

  /// A lower bound on the unit time of `kind` left idle after `t` by any
  /// completion ending before `cutoff` (whose least-area work leaves
  /// `slack` of that unit time spare; the bound stops once it exceeds it).
  /// While a task runs on one unit, the units of `kind` (the others, if it
  /// uses one) run only tasks it does not depend on or precede, each
  /// overlapping its window at most by its own one-unit latency and by how
  /// the two tasks' earliest starts and latest finishes allow; what they
  /// cannot fill is idle, unless the task runs intra-op parallel, which
  /// leaves idle (or takes beyond its least area) the units it holds for
  /// its latency. Windows of tasks one after another do not overlap: the
  /// idle of a chain of them adds up.
  double windowIdle(int kind, double t, double cutoff, double slack) {
    if (slack <= 0)
      return 0;
    auto uses = kind == 0 ? usesTensor : usesVector;
    int64_t units = kind == 0 ? p.tensorUnits : p.vectorUnits;
    const std::vector<int> &list = windowTasks[kind];
    // Cheap screen: the most these windows could leave idle.
    double most = 0;
    for (size_t c = 0; c < list.size() && most <= slack; ++c)
      if (!done[list[c]])
        most += units * p.tasks[list[c]].best();
    if (most <= slack)
      return 0;
    windowChain.assign(list.size(), 0);
    double idle = 0;
    for (size_t c = 0; c < list.size() && idle <= slack; ++c) {
      int j = list[c];
      if (done[j])
        continue;
      const Task &task = p.tasks[j];
      bool own = uses(task.kind);
      double len = task.single;
      double need = (units - (own ? 1 : 0)) * len;
      double latest = cutoff - tail[j] + task.best();
      double fill = 0;
      for (int i : fillers[kind][j]) {
        if (fill >= need)
          break;
        if (done[i]) {
          if (finish[i] > t && !parallel[i])
            fill += std::min(len, std::max(0.0, finish[i] - est[j]));
          continue;
        }
        double latestI = cutoff - tail[i] + p.tasks[i].best();
        fill += std::max(0.0, std::min({len, p.tasks[i].single,
                                        latestI - est[j], latest - est[i]}));
      }
      double w = std::max(0.0, need - fill);
      if (canParallel[j])
        w = std::min(w, own ? std::max(0.0, units * task.parallel - len)
                            : units * task.parallel);
      double before = 0;
      for (int q : windowPreds[kind][c])
        before = std::max(before, windowChain[q]);
      windowChain[c] = before + w;
      idle = std::max(idle, windowChain[c]);
    }
    return idle;
  }

  /// A lower bound on completions ending before `cutoff`: a task whose
  /// intra-op-parallel mode would leave more unit time of some kind idle
  /// (or beyond its least area) than that kind's `slack` runs on one unit,
  /// and one whose one-unit mode would take more area than the slack runs
  /// intra-op parallel; the critical path with those latencies (capped at
  /// the cutoff), or the cutoff when some task fits neither mode.
  double forcedModePath(double t, double cutoff, const double slack[2]) {
    bool forced = false;
    modeLatency.assign(n, 0);
    for (int j = 0; j < n; ++j) {
      if (done[j])
        continue;
      const Task &task = p.tasks[j];
      modeLatency[j] = task.best();
      if (!canParallel[j])
        continue;
      bool noParallel = false, noSingle = false;
      for (int kind = 0; kind < 2; ++kind) {
        double units = kind == 0 ? p.tensorUnits : p.vectorUnits;
        double tol = 1e-9 * units * cutoff;
        noParallel = noParallel || parallelWaste[kind][j] > slack[kind] + tol;
        noSingle =
            noSingle || (usesKind[kind][j] &&
                         task.single - leastArea[kind][j] > slack[kind] + tol);
      }
      if (noParallel && noSingle)
        return cutoff;
      double latency = noParallel ? task.single
                       : noSingle ? task.parallel
                                  : task.best();
      forced = forced || latency != modeLatency[j];
      modeLatency[j] = latency;
    }
    if (!forced)
      return 0;
    // Successors of unplaced tasks are unplaced: their tails ignore the
    // placed ones' latencies.
    earliestStarts(t, modeLatency, modeEst);
    // An unplaced task's tail depends only on the latencies of unplaced
    // tasks (its successors): the last tails stand while those match (a
    // task placed then had latency 0 there, so it does not match now).
    bool same = modeTailLatency.size() == modeLatency.size();
    for (int j = 0; j < n && same; ++j)
      same = done[j] || modeTailLatency[j] == modeLatency[j];
    if (!same) {
      longestPaths(reverseTopo, succ, modeLatency, modeTail, modeVia);
      modeTailLatency = modeLatency;
    }
    double longest = 0;
    for (int j = 0; j < n; ++j)
      if (!done[j])
        longest = std::max(longest, modeEst[j] + modeTail[j]);
    return std::min(longest, cutoff);
  }

  /// Earliest starts `e` of the unplaced tasks at or after `t`, each after
  /// its placed predecessors' finishes and its unplaced ones' earliest
  /// starts plus `latency`.
  void earliestStarts(double t, const std::vector<double> &latency,
                      std::vector<double> &e) const {
    e.assign(n, 0);
    for (int j : topo) {
      if (done[j])
        continue;
      double at = t;
      for (int a : pred[j])
        at = std::max(at, done[a] ? finish[a] : e[a] + latency[a]);
      e[j] = at;
    }
  }

  /// A bound for the long off-path tasks given the short components
  /// (`components`, in path order, with running cost sums) costing `delays`
  /// in all: a long task on one unit delays the path by g over its own
  /// window, during which the path progresses at most `progress`, so it
  /// passes only the components beside a stretch of the path of that much
  /// best-latency work; the others' windows lie apart from it and their
  /// delays add. The cheapest threshold split on what each adds beyond the
  /// components it may overlap.
  double longBeside(double delays) {
    int m = chain.size();
    size_t count = components.size();
    byExcess.clear();
    for (const OffTask &o : longTasks) {
      // The most component cost one window can overlap: path positions
      // k1..k2 whose tasks strictly between make at most `progress`. As k1
      // and k2 grow, the components meeting [k1, k2] (a contiguous run, in
      // path order) move forward: c1 is the first that does not end before
      // k1, c2 one past the last that starts by k2.
      double shared = 0;
      int from = std::max(o.lo - 1, 0), to = std::min(o.hi, m - 1);
      size_t c1 = 0, c2 = 0;
      for (int k1 = from, k2 = from; k1 <= to && count; ++k1) {
        k2 = std::max(k2, k1);
        while (k2 + 1 <= to && gain[k2 + 1] - gain[k1 + 1] <= o.progress)
          ++k2;
        while (c1 < count && components[c1].last < k1)
          ++c1;
        while (c2 < count && components[c2].first <= k2)
          ++c2;
        if (c1 < c2)
          shared = std::max(shared, components[c2 - 1].costSum -
                                        (c1 ? components[c1 - 1].costSum : 0));
      }
      byExcess.push_back({std::max(0.0, o.g - shared), o.lambda});
    }
    std::sort(byExcess.begin(), byExcess.end());
    double suffix = 0, best = std::numeric_limits<double>::infinity();
    for (size_t k = byExcess.size(); k-- > 0;) {
      best = std::min(best, byExcess[k].first + suffix);
      suffix += byExcess[k].second;
    }
    return delays + std::min(best, suffix);
  }

  /// The cheapest way to run the short off-path tasks [a, b) of one
  /// component (their windows may overlap): those on one unit delay the
  /// path by their union window less what the path progresses in it. Small
  /// components try every subset on one unit; the delay is at least each
  /// task's own g, and at least what the units left to the path allow (the
  /// one-unit tasks hold their units for their windows, so the path's
  /// tasks of that kind get the rest). Large ones take the larger of
  /// cheapestSplit and the subset bound of their most expensive tasks.
  double componentCost(size_t a, size_t b) {
    size_t k = b - a;
    if (k <= kExactComponent)
      return subsetCost(&shortTasks[a], k);
    // Dropping tasks never raises the cost: the bound for the most
    // expensive ones bounds the component too.
    double split =
        cheapestSplit(shortTasks.begin() + a, shortTasks.begin() + b, 0);
    topTasks.assign(shortTasks.begin() + a, shortTasks.begin() + b);
    std::nth_element(topTasks.begin(), topTasks.begin() + kExactComponent,
                     topTasks.end(), [](const OffTask &x, const OffTask &y) {
                       return std::min(x.g, x.lambda) > std::min(y.g, y.lambda);
                     });
    return std::max(split, subsetCost(topTasks.data(), kExactComponent));
  }

  /// A lower bound on the cost of the `k` off-path tasks from `tasks`, whose
  /// windows may overlap: the least over every subset on one unit, the rest
  /// intra-op parallel.
  double subsetCost(const OffTask *tasks, size_t k) {
    // What the path may do beside them: its tasks in the union of ranges.
    int lo = tasks[0].lo, hi = tasks[0].hi;
    for (size_t i = 0; i < k; ++i) {
      lo = std::min(lo, tasks[i].lo);
      hi = std::max(hi, tasks[i].hi);
    }
    double network = 0, rateV = 0, rateT = 0;
    beside.clear();
    for (int q = std::max(lo, 0); q < std::min(hi, (int)chain.size()); ++q) {
      int task = chain[q];
      UnitKind kind = p.tasks[task].kind;
      beside.push_back({rate[task], p.tasks[task].single,
                        usesTensor(kind)   ? 2
                        : usesVector(kind) ? 1
                                           : 0});
      if (kind == UnitKind::None)
        network += p.tasks[task].single;
      if (usesVector(kind))
        rateV = std::max(rateV, rate[task]);
      if (usesTensor(kind))
        rateT = std::max(rateT, rate[task]);
    }
    std::sort(beside.begin(), beside.end(),
              [](const Beside &a, const Beside &b) { return a.rate > b.rate; });
    double best = std::numeric_limits<double>::infinity();
    for (unsigned mask = 0; mask < (1u << k); ++mask) {
      double parallelTime = 0, delay = 0, u = 0, heldV = 0, heldT = 0;
      for (size_t i = 0; i < k; ++i) {
        const OffTask &o = tasks[i];
        if (!(mask >> i & 1)) {
          parallelTime += o.lambda;
          continue;
        }
        delay = std::max(delay, o.g);
        u = std::max(u, o.window);
        heldV += o.vector ? o.window : 0;
        heldT += o.tensor ? o.window : 0;
      }
      if (parallelTime >= best)
        continue;
      if (mask) {
        delay =
            std::max(delay, unitDelay(u, heldV, heldT, network, rateV, rateT));
        if (delay + parallelTime < best)
          delay = std::max(delay, dualDelay(u, heldV, heldT));
      }
      best = std::min(best, parallelTime + delay);
    }
    return best;
  }

  /// The least delay to the path over a union window of length w >= u in
  /// which one-unit tasks hold `heldV` vector-unit seconds and `heldT`
  /// tensor-unit seconds: w minus the path's most progress, which runs its
  /// collectives (rate 1, `network` seconds of them), then its vector and
  /// tensor tasks at rates up to rateV and rateT on the unit time left, one
  /// task at a time. w - progress(w) is convex: its least value over
  /// w >= u is at u or at a breakpoint.
  double unitDelay(double u, double heldV, double heldT, double network,
                   double rateV, double rateT) const {
    double unitsV = p.vectorUnits, unitsT = p.tensorUnits;
    auto delayAt = [&](double w) {
      double time = w, progress = std::min(network, time);
      time -= progress;
      double capV = std::max(0.0, unitsV * w - heldV),
             capT = std::max(0.0, unitsT * w - heldT);
      bool vFirst = rateV >= rateT;
      for (int pass = 0; pass < 2; ++pass) {
        bool v = (pass == 0) == vFirst;
        double x = std::min(time, v ? capV : capT);
        progress += x * (v ? rateV : rateT);
        time -= x;
      }
      return std::max(0.0, w - progress);
    };
    // The breakpoints of progress(w): where the collectives run out, where
    // a kind's unit time left turns positive, where the first kind's cap
    // meets the time left after the collectives, and where both kinds'
    // caps together meet it.
    bool vFirst = rateV >= rateT;
    double unitsF = vFirst ? unitsV : unitsT, heldF = vFirst ? heldV : heldT;
    double unitsS = vFirst ? unitsT : unitsV, heldS = vFirst ? heldT : heldV;
    double breaks[] = {network, heldV / unitsV, heldT / unitsT,
                       unitsF > 1 ? (heldF - network) / (unitsF - 1) : 0.0,
                       (heldF + heldS - network) / (unitsF + unitsS - 1)};
    double best = delayAt(u);
    for (double w : breaks)
      if (w > u)
        best = std::min(best, delayAt(w));
    return best;
  }

  /// A lower bound on the least delay to the path over a window of length
  /// w >= u in which one-unit tasks hold `heldV` vector-unit and `heldT`
  /// tensor-unit seconds: w minus the path's most progress, where the
  /// path's tasks beside the window (`beside`) each progress at their own
  /// one-unit rate for at most their one-unit latency, one at a time, on
  /// the units left (fused tasks counted as tensor only, a relaxation). The
  /// most progress is a linear program; any dual solution (alpha for time,
  /// beta per kind for its unit time) bounds it, so the delay is at least
  ///   w0 c + beta_V heldV + beta_T heldT - sum_k s_k (r_k - alpha -
  ///   beta_kind)^+,  c = 1 - alpha - units_V beta_V - units_T beta_T >= 0,
  /// w0 = max(u, heldV / units_V, heldT / units_T). Tries alpha at 0 and at
  /// each rate, with the betas for that alpha by a greedy over the linear
  /// pieces of their concave terms, best value per unit of c first. Every
  /// point tried is dual feasible, so the best is a valid bound.
  double dualDelay(double u, double heldV, double heldT) const {
    double units[3] = {1, (double)p.vectorUnits, (double)p.tensorUnits};
    double held[3] = {0, heldV, heldT};
    double w0 = std::max({u, heldV / units[1], heldT / units[2]});
    double best = 0;
    // `beside` is sorted by falling rate: the tasks above alpha are a
    // prefix. alpha is 0 or a rate.
    size_t count = beside.size();
    for (size_t end = 0;;) {
      // The tasks with rate > alpha: [0, end).
      double alpha = end < count ? beside[end].rate : 0.0;
      double f = w0 * (1 - alpha);
      for (size_t k = 0; k < end; ++k)
        f -= beside[k].single * (beside[k].rate - alpha);
      // Per kind, the pieces of beta's concave term in order of falling
      // value per unit of room (the prefix walked backwards); the greedy
      // takes the better piece of either kind first.
      struct Walk {
        int kind;
        double active, at, cost;
        size_t k;
      } walks[2];
      for (int w = 0; w < 2; ++w) {
        Walk &walk = walks[w];
        walk.kind = w + 1;
        walk.active = 0;
        for (size_t k = 0; k < end; ++k)
          if (beside[k].kind == walk.kind)
            walk.active += beside[k].single;
        walk.at = 0;
        walk.cost = units[walk.kind] * w0 - held[walk.kind];
        walk.k = end;
      }
      // The next piece of a walk: (value per unit of room, room), or none.
      auto piece = [&](Walk &walk, double &value, double &room) {
        while (walk.k > 0 && beside[walk.k - 1].kind != walk.kind)
          --walk.k;
        if (walk.k == 0 || walk.active <= walk.cost)
          return false;
        double t = beside[walk.k - 1].rate - alpha;
        value = (walk.active - walk.cost) / units[walk.kind];
        room = (t - walk.at) * units[walk.kind];
        return true;
      };
      double room = 1 - alpha;
      while (room > 0) {
        double value[2], length[2];
        bool has[2];
        for (int w = 0; w < 2; ++w)
          has[w] = piece(walks[w], value[w], length[w]);
        if (!has[0] && !has[1])
          break;
        int w = !has[0] || (has[1] && value[1] > value[0]) ? 1 : 0;
        double take = std::min(length[w], room);
        f += value[w] * take;
        room -= take;
        Walk &walk = walks[w];
        walk.at = beside[walk.k - 1].rate - alpha;
        walk.active -= beside[walk.k - 1].single;
        --walk.k;
      }
      best = std::max(best, f);
      if (end >= count)
        break;
      while (end < count && beside[end].rate >= alpha)
        ++end;
    }
    return best;
  }

  /// The earliest start at or after `ready` (>= every placed start) of
  /// task j in mode `par`. Placed tasks start no later than `ready`, so the
  /// units in use only fall after it: the first instant that fits is the
  /// answer.
  double earliest(int j, bool par, double ready) {
    // runningNow: the placed tasks running past the last start, by finish.
    int64_t tensor = 0, vector = 0, exclusive = 0;
    size_t k = 0;
    while (k < runningNow.size() && runningNow[k].first <= ready)
      ++k;
    for (size_t r = k; r < runningNow.size(); ++r) {
      int i = runningNow[r].second;
      exclusive += parallel[i];
      tensor += !parallel[i] && usesTensor(p.tasks[i].kind);
      vector += !parallel[i] && usesVector(p.tasks[i].kind);
    }
    bool needT = usesTensor(p.tasks[j].kind),
         needV = usesVector(p.tasks[j].kind);
    double time = ready;
    for (;;) {
      while (k < runningNow.size() && runningNow[k].first <= time) {
        int i = runningNow[k++].second;
        exclusive -= parallel[i];
        tensor -= !parallel[i] && usesTensor(p.tasks[i].kind);
        vector -= !parallel[i] && usesVector(p.tasks[i].kind);
      }
      bool fits = par ? k == runningNow.size()
                      : exclusive == 0 && !(needT && tensor >= p.tensorUnits) &&
                            !(needV && vector >= p.vectorUnits);
      if (fits)
        return time;
      time = runningNow[k].first;
    }
  }

  /// Lowers the cutoff's makespan to the shared one, if any (less the
  /// offset); a cutoff that meets the known bound ends the search.
  void followShared() {
    if (limits.sharedMakespan)
      bestMakespan = std::min(
          bestMakespan, limits.sharedMakespan->load(std::memory_order_relaxed) -
                            sharedOffset);
    if (bestMakespan <= knownBound() * (1 + 1e-9))
      provenAtRoot = true;
  }

  /// The bound proven elsewhere (SearchLimits::knownBound), less the
  /// offset; -infinity without one.
  double knownBound() const {
    return limits.knownBound
               ? limits.knownBound->load(std::memory_order_relaxed) -
                     sharedOffset
               : -std::numeric_limits<double>::infinity();
  }

  bool outOfBudget() {
    if (limits.maxNodes > 0 && nodes > limits.maxNodes)
      return true;
    if ((nodes & 255) != 1)
      return false;
    if (limits.stop && limits.stop->load(std::memory_order_relaxed))
      return true;
    followShared();
    return limits.timeLimitS > 0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         begin)
                   .count() >= limits.timeLimitS;
  }

  /// The least delay of the running tasks [b, be) after which the running
  /// tasks [a, ae) (both latest finish first) hold, at every instant after
  /// `tB`, no more units than they: an intra-op-parallel one only within
  /// one of the others' (or past all of them), and per kind the i-th latest
  /// finish no later than the others' (or than `tB`). Stops early once
  /// above `limit`.
  double unitsShift(const Running *a, const Running *ae, const Running *b,
                    const Running *be, double tB, double limit) const {
    while (ae != a && (ae - 1)->finish <= tB)
      --ae;
    if (a == ae)
      return 0;
    auto isParallel = [](const Running &r) { return r.parallel; };
    const Running *aParallel = std::find_if(a, ae, isParallel);
    const Running *bParallel = std::find_if(b, be, isParallel);
    // An intra-op-parallel task runs alone.
    if (aParallel != ae)
      return aParallel->finish - (bParallel != be ? bParallel->finish : tB);
    if (bParallel != be)
      return std::max(0.0, a->finish - bParallel->finish);
    double delta = 0;
    for (int kind = 0; kind < 2 && delta <= limit; ++kind) {
      auto uses = kind == 0 ? usesTensor : usesVector;
      const Running *q = b;
      for (const Running *r = a; r != ae && delta <= limit; ++r) {
        if (!uses(p.tasks[r->task].kind))
          continue;
        while (q != be && !uses(p.tasks[q->task].kind))
          ++q;
        delta = std::max(delta, r->finish - (q != be ? q->finish : tB));
        if (q != be)
          ++q;
      }
    }
    return delta;
  }

  /// The least shift `delta` such that the partial schedule `sg` (of the
  /// current placed set, in `bucket`) dominates the current one (last start
  /// `t`, running tasks `current`, looked up in runningFinish, the last
  /// ending at `latest`) delayed by `delta`: every completion of the
  /// current one, delayed by `delta`, completes `sg` too. Stops early once
  /// above `limit`. Dominance is a shift within the tolerance.
  double shiftNeeded(const Signature &sg, const Bucket &bucket, double t,
                     double latest, double limit) const {
    // Its completions start at or after its last start, and an
    // intra-op-parallel task needs the chip empty: sg's running tasks (of
    // any kind) end no later than this one's, delayed.
    double delta = std::max({0.0, sg.time - t, sg.maxFinish - latest});
    const Running *first = bucket.pool.data() + sg.offset;
    const Running *last = first + sg.count;
    // Running tasks that others depend on: by name (their successors wait
    // for them), or ended by t + delta.
    for (const Running *r = first; r != last && delta <= limit; ++r) {
      if (r->finish <= t)
        break;
      if (sink[r->task])
        continue;
      double f = runningFinish[r->task];
      if (f < 0 || (r->parallel && !runningParallel[r->task]))
        delta = std::max(delta, r->finish - t);
      else
        delta = std::max(delta, r->finish - f);
    }
    if (delta > limit)
      return delta;
    return std::max(delta,
                    unitsShift(first, last, current.data(),
                               current.data() + current.size(), t, limit));
  }

  /// Records the current partial schedule (at `slot` of `*kept`, its
  /// bucket; null when too many are kept); false if one seen before
  /// dominates it, with `transferred` a lower bound on its completions
  /// (-infinity if none is known). `cutoff`: the makespan its completions
  /// must beat.
  bool remember(double t, bool prefixOpen, double cutoff, double &transferred,
                Bucket *&kept, size_t &slot) {
    kept = nullptr;
    slot = 0;
    transferred = -std::numeric_limits<double>::infinity();
    current.clear();
    double maxFinish = t;
    for (int i : placed)
      if (finish[i] > t) {
        current.push_back({i, finish[i], parallel[i] != 0});
        maxFinish = std::max(maxFinish, finish[i]);
      }
    // Latest finish first: a test of whether one dominates stops at the
    // first task that ends by the other's start.
    std::sort(
        current.begin(), current.end(),
        [](const Running &a, const Running &b) { return a.finish > b.finish; });
    Bucket &bucket = memo[key];
    std::vector<Signature> &seen = bucket.seen;
    double tol = 1e-12 * (1 + std::fabs(t));
    // Only those starting no later can dominate it; with every task done by
    // its start one does at once.
    auto later = std::upper_bound(
        seen.begin(), seen.end(), t + tol,
        [](double time, const Signature &s) { return time < s.time; });
    for (const Running &r : current) {
      runningFinish[r.task] = r.finish;
      runningParallel[r.task] = r.parallel;
    }
    auto dominatesThis = [&](const Signature &s) {
      if (prefixOpen && !s.prefixOpen)
        return false;
      if (s.maxFinish <= t + tol)
        return true;
      if (s.maxFinish > maxFinish + tol)
        return false; // its last task ends after every one of this
      return shiftNeeded(s, bucket, t, maxFinish, tol) <= tol;
    };
    bool dominated = false;
    for (auto it = seen.begin(); it != later && !dominated; ++it) {
      dominated = dominatesThis(*it);
      if (dominated)
        transferred = it->bound;
    }
    // Near dominance: one searched before, all of whose completions end at
    // or after its bound, dominates this one delayed by delta, so this
    // one's completions end at or after its bound less delta; enough when
    // that reaches the cutoff.
    if (!dominated) {
      for (const Signature &sg : seen) {
        double margin = sg.bound - cutoff;
        if (!(margin > 0) || sg.time > t + margin ||
            (prefixOpen && !sg.prefixOpen))
          continue;
        double delta = shiftNeeded(sg, bucket, t, maxFinish, margin);
        if (delta <= margin) {
          dominated = true;
          transferred = sg.bound - delta;
          break;
        }
      }
    }
    for (const Running &r : current)
      runningFinish[r.task] = -1;
    if (dominated)
      return false;
    // It dominates those starting no earlier whose tasks running past their
    // starts it runs until no later, on no more units.
    auto dominatedBy = [&](const Signature &s) {
      double sTol = 1e-12 * (1 + std::fabs(s.time));
      if (t > s.time + sTol || (s.prefixOpen && !prefixOpen))
        return false;
      if (maxFinish <= s.time + sTol)
        return true;
      if (maxFinish > s.maxFinish + sTol)
        return false;
      const Running *first = bucket.pool.data() + s.offset;
      const Running *last = first + s.count;
      for (const Running &r : current) {
        if (r.finish <= s.time + sTol)
          break;
        if (sink[r.task])
          continue;
        const Running *o = std::find_if(
            first, last, [&](const Running &x) { return x.task == r.task; });
        if (o == last || r.finish > o->finish + sTol ||
            (r.parallel && !o->parallel))
          return false;
      }
      return unitsShift(current.data(), current.data() + current.size(), first,
                        last, s.time, sTol) <= sTol;
    };
    auto from = std::lower_bound(
        seen.begin(), seen.end(), t - 2 * tol,
        [](const Signature &s, double time) { return s.time < time; });
    size_t before = seen.size();
    auto survivors = std::remove_if(from, seen.end(), [&](const Signature &s) {
      if (!dominatedBy(s))
        return false;
      bucket.live -= s.count;
      return true;
    });
    seen.erase(survivors, seen.end());
    states -= before - seen.size();
    if (states < limits.maxStates || limits.maxStates <= 0) {
      // Compact the pool once most of it is dropped signatures'.
      if (bucket.pool.size() > 64 && bucket.live * 2 < bucket.pool.size()) {
        std::vector<Running> pool;
        pool.reserve(bucket.live + current.size());
        for (Signature &s : seen) {
          uint32_t offset = pool.size();
          pool.insert(pool.end(), bucket.pool.begin() + s.offset,
                      bucket.pool.begin() + s.offset + s.count);
          s.offset = offset;
        }
        bucket.pool.swap(pool);
      }
      Signature sig;
      sig.time = t;
      sig.maxFinish = maxFinish;
      sig.offset = bucket.pool.size();
      sig.count = current.size();
      sig.prefixOpen = prefixOpen;
      bucket.pool.insert(bucket.pool.end(), current.begin(), current.end());
      bucket.live += current.size();
      auto at = std::upper_bound(
          seen.begin(), seen.end(), t,
          [](double time, const Signature &s) { return time < s.time; });
      kept = &bucket;
      slot = at - seen.begin();
      seen.insert(at, sig);
      ++states;
    }
    return true;
  }

  void improve(double makespan) {
    // Meeting the bound at the root (or one proven elsewhere) ends the
    // search: nothing is shorter.
    if (makespan <= std::max(rootBound, knownBound()) * (1 + 1e-9))
      provenAtRoot = true;
    bestMakespan = makespan;
    if (limits.sharedMakespan)
      lowerShared(*limits.sharedMakespan, makespan + sharedOffset);
    best.start = start;
    best.parallel.assign(n, false);
    for (int i = 0; i < n; ++i)
      best.parallel[i] = parallel[i];
    best.makespan = makespan;
  }

  /// Explores the completions of the current partial schedule, whose last
  /// start is `t`; `inherited` is a lower bound on all of them (the
  /// parent's). Returns a lower bound on them (the least of its children's,
  /// its own bound, or a completion's makespan; -infinity once aborted),
  /// which its remembered signature keeps for near dominance.
  double dfs(double t, bool prefixOpen, double inherited) {
    const double kNone = -std::numeric_limits<double>::infinity();
    if (aborted || provenAtRoot)
      return kNone;
    ++nodes;
    if (outOfBudget()) {
      aborted = true;
      return kNone;
    }
    int count = placed.size();
    if (count == n) {
      double makespan = 0;
      for (int i = 0; i < n; ++i)
        makespan = std::max(makespan, finish[i]);
      if (makespan < bestMakespan * (1 - 1e-12))
        improve(makespan);
      return makespan;
    }
    double cutoff = bestMakespan * (1 - 1e-9);
    // The least completion bound seen below this node.
    double least = std::numeric_limits<double>::infinity();
    // Only sinks left that may run intra-op parallel: all of them at the
    // end, one after another (the exchange rule), is a completion.
    bool onlyParallelSinks = true;
    double sinkTime = 0;
    for (int i = 0; i < n && onlyParallelSinks; ++i)
      if (!done[i]) {
        onlyParallelSinks = succ[i].empty() && canParallel[i];
        sinkTime += p.tasks[i].parallel;
      }
    if (onlyParallelSinks) {
      double busy = 0;
      for (int i : placed)
        busy = std::max(busy, finish[i]);
      least = std::min(least, busy + sinkTime);
      if (busy + sinkTime < bestMakespan * (1 - 1e-12)) {
        for (int i = 0; i < n; ++i)
          if (!done[i]) {
            start[i] = busy;
            finish[i] = busy + p.tasks[i].parallel;
            parallel[i] = 1;
            busy = finish[i];
          }
        improve(busy);
      }
    }
    // When nothing placed runs past t, or only one intra-op-parallel task
    // (which nothing overlaps), every completion starts from an idle chip at
    // `origin`: the problem left depends on the placed set only, and what
    // was learned about it from another origin applies, shifted.
    bool idle = !prefixOpen;
    double origin = t;
    int runningAfter = 0;
    for (int i : placed)
      if (finish[i] > t) {
        ++runningAfter;
        idle = idle && parallel[i];
        origin = finish[i];
      }
    idle = idle && runningAfter <= 1;
    double *learned = nullptr;
    double bound = inherited;
    if (idle) {
      auto it = remaining.find(key);
      if (it != remaining.end()) {
        learned = &it->second;
        bound = std::max(bound, origin + *learned);
      }
      // Placing more tasks first never leaves more to do: what was learned
      // for a set with one or two tasks more (each ready once the other
      // is placed) bounds this one.
      auto readyWith = [&](int j, int extra) {
        return !done[j] &&
               std::all_of(pred[j].begin(), pred[j].end(),
                           [&](int a) { return done[a] || a == extra; });
      };
      auto boundBy = [&](const TaskSet &more) {
        auto found = remaining.find(more);
        if (found != remaining.end())
          bound = std::max(bound, origin + found->second);
      };
      for (int j = 0; j < n && bound < cutoff; ++j) {
        if (!readyWith(j, -1))
          continue;
        TaskSet more = key;
        more.flip(j);
        boundBy(more);
        for (int q = j + 1; q < n && bound < cutoff; ++q) {
          if (!readyWith(q, j))
            continue;
          TaskSet two = more;
          two.flip(q);
          boundBy(two);
        }
      }
    }
    auto learn = [&](double rest) {
      if (!idle)
        return;
      if (!learned)
        learned = &remaining.emplace(key, rest).first->second;
      *learned = std::max(*learned, rest);
    };
    // The cheap tests first: what was learned, then dominance (a dominated
    // node's completions are no better than those of one already
    // searched), then the bound. At the root the bound is refined fully: an
    // incumbent found later that meets it ends the search.
    if (bound >= cutoff)
      return std::min(least, bound);
    double transferred;
    Bucket *kept;
    size_t slot;
    if (!remember(t, prefixOpen, cutoff, transferred, kept, slot))
      return std::min(least, transferred);
    // Keeps `value` with this node's signature (its bucket is untouched
    // while its subtree is searched: every node there placed more; the
    // hash map's elements stay where they are).
    auto settle = [&](double value) {
      if (kept)
        kept->seen[slot].bound = value;
      return value;
    };
    refine = count == 0;
    bound = std::max(bound,
                     lowerBound(t, count == 0
                                       ? std::numeric_limits<double>::infinity()
                                       : cutoff));
    refine = false;
    if (count == 0)
      rootBound = bound;
    if (bound >= cutoff) {
      learn(bound - origin);
      return settle(std::min(least, bound));
    }
    // This depth's children (a vector per depth, kept between nodes; the
    // pool is sized once, so deeper nodes never move this one).
    std::vector<Child> &children = childPool[count];
    children.clear();
    runningNow.clear();
    for (int i : placed)
      if (finish[i] > t)
        runningNow.push_back({finish[i], i});
    std::sort(runningNow.begin(), runningNow.end());
    for (int j = 0; j < n; ++j) {
      if (done[j])
        continue;
      double ready = t;
      bool ok = true;
      for (int a : pred[j]) {
        if (!done[a]) {
          ok = false;
          break;
        }
        ready = std::max(ready, finish[a]);
      }
      if (!ok)
        continue;
      children.push_back({j, false, false, earliest(j, false, ready), ready});
      // Intra-op-parallel sinks only at the end (above); sources only
      // before anything else.
      bool isSink = succ[j].empty(), isSource = pred[j].empty();
      if (canParallel[j] && !isSink && (!isSource || prefixOpen))
        children.push_back({j, true, false, earliest(j, true, ready), ready});
    }
    auto latency = [&](const Child &c) {
      return c.par ? p.tasks[c.task].parallel : p.tasks[c.task].single;
    };
    std::sort(children.begin(), children.end(),
              [&](const Child &a, const Child &b) {
                if (a.start != b.start)
                  return a.start < b.start;
                if (limits.earliestFinishFirst)
                  return latency(a) < latency(b);
                return tail[a.task] - latency(a) > tail[b.task] - latency(b);
              });
    // Left shift (see the top of the file): only children that start
    // before the earliest finish of a child remain. (While only
    // intra-op-parallel sources are placed, every child starts when the
    // last of them ends, so none is dropped there: the rule never takes
    // away a parallel source's only chance to run first.)
    double earliestFinish = std::numeric_limits<double>::infinity();
    for (const Child &c : children) {
      earliestFinish = std::min(earliestFinish, c.start + latency(c));
      readyAt[c.task] = c.ready;
    }
    for (Child &c : children)
      for (int k : twins[c.task])
        c.twinFirst = c.twinFirst || (readyAt[k] >= 0 && readyAt[k] <= c.start);
    for (const Child &c : children)
      readyAt[c.task] = -1;
    for (const Child &c : children) {
      if (c.start >= earliestFinish || c.twinFirst)
        continue;
      double d = latency(c);
      if (c.start + d + tail[c.task] - p.tasks[c.task].best() >=
          bestMakespan * (1 - 1e-9)) {
        least = std::min(least,
                         c.start + d + tail[c.task] - p.tasks[c.task].best());
        continue;
      }
      start[c.task] = c.start;
      finish[c.task] = c.start + d;
      parallel[c.task] = c.par;
      done[c.task] = 1;
      key.flip(c.task);
      placed.push_back(c.task);
      bool stillPrefix = prefixOpen && c.par && pred[c.task].empty();
      least = std::min(least, dfs(c.start, stillPrefix, bound));
      placed.pop_back();
      key.flip(c.task);
      done[c.task] = 0;
      if (aborted || provenAtRoot)
        return kNone;
    }
    // Every completion from here ends at or after the least of its
    // children's bounds (and this node's own bound).
    least = std::max(least, bound);
    learn(least - origin);
    return settle(least);
  }

  const Problem &p;
  int n;
  SearchLimits limits;
  std::vector<std::vector<int>> pred, succ;
  std::vector<std::vector<bool>> reach;
  std::vector<int> topo, reverseTopo;
  /// Per task: its longest path to the end and one-unit progress rate at
  /// best latencies.
  std::vector<double> tail, rate;
  std::vector<bool> canParallel;
  /// Per kind (0 tensor, 1 vector): whether each task uses its units, its
  /// least area there (one-unit latency, or all units' intra-op parallel
  /// time if smaller), and the unit time it leaves idle or takes beyond
  /// that intra-op parallel.
  std::vector<char> usesKind[2];
  std::vector<double> leastArea[2], parallelWaste[2];
  /// Tasks nothing depends on (the dominance test compares them by the
  /// units they hold, not by name).
  std::vector<char> sink;
  /// Per kind (0 tensor, 1 vector), windowIdle()'s tasks in topological
  /// order, the earlier ones preceding each, and per task the tasks of that
  /// kind unrelated to it, longest first.
  std::vector<int> windowTasks[2];
  std::vector<std::vector<int>> windowPreds[2], fillers[2];

  // The partial schedule.
  std::vector<double> start, finish;
  std::vector<char> parallel, done;
  std::vector<int> placed;
  TaskSet key;

  Schedule best;
  double bestMakespan;
  int64_t nodes = 0, states = 0;
  double rootBound = 0;
  bool aborted = false, provenAtRoot = false;
  std::chrono::steady_clock::time_point begin;
  std::unordered_map<TaskSet, Bucket, TaskSetHash> memo;
  /// Per placed set, a lower bound on the time its completions need from an
  /// idle chip, learned from searches already finished.
  std::unordered_map<TaskSet, double, TaskSetHash> remaining;
  /// Per task, its twins of lower index (the twin rule at the top).
  std::vector<std::vector<int>> twins;
  /// Scratch: per task, when its dependences are met if it is a child of
  /// the node being expanded, else -1.
  std::vector<double> readyAt;
  /// A child of a node: a ready task, its mode, its earliest start, when its
  /// dependences are met, and whether a twin of it may go first.
  struct Child {
    int task;
    bool par, twinFirst;
    double start, ready;
  };
  std::vector<std::vector<Child>> childPool;

  // Scratch.
  std::vector<double> est, estFinish, windowChain, modeLatency, modeEst,
      modeTail;
  std::vector<int> modeVia;
  /// The latencies modeTail was computed with.
  std::vector<double> modeTailLatency;
  std::vector<char> onPath;
  std::vector<int> chain;
  std::vector<double> span, gain;
  std::vector<OffTask> off, shortTasks, longTasks, topTasks;
  /// The path's tasks beside a component: one-unit rate, one-unit latency,
  /// kind (0 collective, 1 vector, 2 tensor or fused).
  struct Beside {
    double rate, single;
    int kind;
  };
  std::vector<Beside> beside;
  /// Whether lowerBound() adds the delays of the tasks off the critical
  /// path, with refined component costs (exact subsets of the largest tasks
  /// of big components, dual path-progress bounds): at the root, where the
  /// bound is computed once; too slow for every node.
  bool refine = false;
  /// A chain the refined bound also follows (null: the critical path only;
  /// not when its first task has an unplaced predecessor).
  const std::vector<int> *chainHint = nullptr;
  /// What this search's makespans gain in the shared makespan.
  double sharedOffset = 0;
  /// A component of short off-path tasks: the path positions it may run
  /// beside, and the sum of costs of the components up to it.
  struct Component {
    int first, last;
    double costSum;
  };
  std::vector<Component> components;
  std::vector<std::pair<double, double>> byExcess;
  std::vector<std::pair<double, int>> runningNow;
  /// The running tasks of the partial schedule being remembered, latest
  /// finish first; by task, their finish (-1: not running) and whether they
  /// run intra-op parallel.
  std::vector<Running> current;
  std::vector<double> runningFinish;
  std::vector<char> runningParallel;
};

} // namespace

mlir::phaze::sched::EndReduction::EndReduction(const Problem &p) : rest(p) {
  for (size_t i = 0; i < p.tasks.size(); ++i)
    original.push_back(i);
}

void mlir::phaze::sched::EndReduction::takeOut(const std::vector<int> &tasks) {
  int n = rest.tasks.size();
  std::vector<char> hasSucc(n, 0), taken(n, 0);
  for (auto [a, b] : rest.edges)
    hasSucc[a] = 1;
  std::vector<int> sinks;
  for (int j : tasks) {
    taken[j] = 1;
    offset += rest.tasks[j].parallel;
    if (hasSucc[j])
      first.push_back(original[j]);
    else
      sinks.push_back(original[j]);
  }
  last.insert(last.begin(), sinks.begin(), sinks.end());
  std::vector<int> keep, kept;
  for (int i = 0; i < n; ++i)
    if (!taken[i]) {
      keep.push_back(i);
      kept.push_back(original[i]);
    }
  rest = subproblem(rest, keep);
  original = std::move(kept);
}

/// Takes out of `p`, in rounds, the sources and sinks whose refined root
/// bound on one unit (along the critical path, and along the critical path
/// of the rest with them free) reaches `makespan` less what earlier rounds
/// took out.
EndReduction
mlir::phaze::sched::reduceParallelEnds(const Problem &p, double makespan,
                                       const std::atomic<bool> *stop) {
  EndReduction r(p);
  Schedule none;
  none.makespan = std::numeric_limits<double>::infinity();
  // Root bounds computed at most (each costs about as much as a search
  // node's refined bound, a fraction of a millisecond on 65 tasks).
  int budget = 2 * p.tasks.size() + 8;
  std::vector<int> hint, out;
  // In rounds: every source and sink of the rest is tested against the same
  // rest (each test assumes those taken out before run intra-op parallel),
  // and those whose bound reaches the makespan left are taken out together.
  while (r.rest.tasks.size() > 1 && budget > 0) {
    int n = r.rest.tasks.size();
    std::vector<char> hasPred(n, 0), hasSucc(n, 0);
    for (auto [a, b] : r.rest.edges)
      hasSucc[a] = hasPred[b] = 1;
    double cutoff = (makespan - r.offset) * (1 - 1e-9);
    hint.clear();
    out.clear();
    for (int j = 0; j < n && budget > 0; ++j) {
      if (stop && stop->load(std::memory_order_relaxed))
        return r;
      const Task &task = r.rest.tasks[j];
      if ((hasPred[j] && hasSucc[j]) || !task.gainsFromParallel())
        continue;
      // Held intra-op parallel (withModes, withParallel): on one unit
      // alone it reaches the makespan.
      if (task.single < cutoff) {
        if (hint.empty()) {
          Search base(r.rest, none, {});
          base.refinedRootBound();
          hint = base.criticalChain();
          --budget;
        }
        Problem forced = r.rest;
        forced.tasks[j].parallel = task.single;
        --budget;
        if (Search(forced, none, {}).refinedRootBound(&hint, cutoff) < cutoff)
          continue;
      }
      out.push_back(j);
    }
    if (out.empty())
      break;
    if (static_cast<int>(out.size()) == n)
      out.pop_back(); // the search needs a task
    r.takeOut(out);
  }
  return r;
}

std::vector<int> mlir::phaze::sched::parallelEnds(const Problem &p,
                                                  double makespan) {
  EndReduction red = reduceParallelEnds(p, makespan);
  std::vector<int> ends = std::move(red.first);
  ends.insert(ends.end(), red.last.begin(), red.last.end());
  return ends;
}

double mlir::phaze::sched::searchLowerBound(const Problem &p) {
  Schedule none;
  none.makespan = std::numeric_limits<double>::infinity();
  Search search(p, none, {});
  return search.refinedRootBound();
}

namespace {

/// The greatest common divisor of `a` and `b` up to `tol`: Euclid's
/// algorithm (fmod is exact) with remainders within `tol` of zero or of the
/// divisor taken as zero. Any value serves: the balance test measures how
/// far each latency is from its multiples.
double approximateGcd(double a, double b, double tol) {
  if (a < b)
    std::swap(a, b);
  while (b > tol) {
    double r = std::fmod(a, b);
    if (b - r <= tol)
      r = 0;
    a = b;
    b = r;
  }
  return a;
}

/// How far `x` is from the nearest multiple of `q` (0 when q is 0).
double latticeDistance(double x, double q) {
  return q > 0 ? std::fabs(x - std::nearbyint(x / q) * q) : 0;
}

} // namespace

std::vector<int> mlir::phaze::sched::parallelByBalance(const Problem &p,
                                                       double makespan) {
  std::vector<int> held;
  int n = p.tasks.size();
  for (int kind = 0; kind < 2; ++kind) {
    auto uses = kind == 0 ? usesTensor : usesVector;
    double units = kind == 0 ? p.tensorUnits : p.vectorUnits;
    if (units < 2)
      continue;
    std::vector<int> tasks;
    double leastArea = 0, longest = 0, total = 0;
    for (int i = 0; i < n; ++i) {
      const Task &t = p.tasks[i];
      if (!uses(t.kind))
        continue;
      tasks.push_back(i);
      leastArea += std::min(t.single, units * t.parallel);
      longest = std::max(longest, t.single);
      total += t.single;
    }
    // Rounding in the distances below is of the order of the latencies
    // and the unit time they are measured against.
    double rounding = 1e-12 * (total + units * makespan);
    // The unit time of this kind left idle or beyond the least areas.
    double slack = units * makespan - leastArea;
    int k = tasks.size();
    if (k < 2 || slack < 0)
      continue;
    // The one-unit latencies' common divisor without each task: prefix and
    // suffix divisors.
    double tol = 1e-9 * longest;
    std::vector<double> prefix(k + 1, 0), suffix(k + 1, 0);
    for (int a = 0; a < k; ++a)
      prefix[a + 1] = approximateGcd(prefix[a], p.tasks[tasks[a]].single, tol);
    for (int a = k; a-- > 0;)
      suffix[a] = approximateGcd(suffix[a + 1], p.tasks[tasks[a]].single, tol);
    for (int a = 0; a < k; ++a) {
      int j = tasks[a];
      const Task &t = p.tasks[j];
      // Intra-op parallel it must be possible within the slack.
      if (!t.gainsFromParallel() ||
          units * t.parallel - std::min(t.single, units * t.parallel) > slack)
        continue;
      double q = approximateGcd(prefix[a], suffix[a + 1], tol);
      // Every signed sum of the others' one-unit latencies is within
      // `spread` of a multiple of q.
      double spread = 0;
      for (int i : tasks)
        if (i != j)
          spread += latticeDistance(p.tasks[i].single, q);
      if (latticeDistance(t.single, q) > slack + spread + rounding)
        held.push_back(j);
    }
  }
  std::sort(held.begin(), held.end());
  held.erase(std::unique(held.begin(), held.end()), held.end());
  return held;
}

/// The search of branchAndBound after the balance test: it takes out the
/// ends that must run intra-op parallel, searches the rest and puts them
/// back.
static SearchResult searchWithoutEnds(const Problem &p,
                                      const Schedule &incumbent,
                                      const SearchLimits &limits) {
  auto begin = std::chrono::steady_clock::now();
  EndReduction red = reduceParallelEnds(p, incumbent.makespan, limits.stop);
  // The time the reduction took counts against the limit.
  SearchLimits restLimits = limits;
  if (restLimits.timeLimitS > 0)
    restLimits.timeLimitS =
        std::max(1e-6, restLimits.timeLimitS -
                           std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - begin)
                               .count());
  if (red.original.size() == p.tasks.size())
    return Search(p, incumbent, restLimits).run();
  // Search the rest for a schedule shorter than the incumbent less the
  // latencies taken out (a bar, not a schedule: only an improvement on it
  // comes back mapped).
  Schedule bar;
  bar.makespan = incumbent.makespan - red.offset;
  Search search(red.rest, bar, restLimits);
  search.setSharedOffset(red.offset);
  SearchResult r = search.run();
  r.cutoff += red.offset;
  if (r.schedule.start.empty()) {
    r.schedule = incumbent;
    return r;
  }
  Schedule full;
  int n = p.tasks.size();
  full.start.assign(n, 0);
  full.parallel.assign(n, true);
  double at = 0;
  for (int j : red.first) {
    full.start[j] = at;
    at += p.tasks[j].parallel;
  }
  for (size_t k = 0; k < red.original.size(); ++k) {
    full.start[red.original[k]] = at + r.schedule.start[k];
    full.parallel[red.original[k]] = r.schedule.parallel[k];
  }
  at += r.schedule.makespan;
  for (int j : red.last) {
    full.start[j] = at;
    at += p.tasks[j].parallel;
  }
  full.makespan = at;
  r.schedule = std::move(full);
  return r;
}

SearchResult mlir::phaze::sched::branchAndBound(const Problem &p,
                                                const Schedule &incumbent,
                                                const SearchLimits &limits) {
  if (static_cast<int>(p.tasks.size()) > kMaxSearchTasks) {
    SearchResult r;
    r.schedule = incumbent;
    return r;
  }
  // Tasks that must run intra-op parallel to beat the incumbent by the
  // units' balance are held so (a schedule of the held problem is one of
  // `p`; the incumbent is only a makespan).
  std::vector<int> balanced = parallelByBalance(p, incumbent.makespan);
  if (!balanced.empty())
    return searchWithoutEnds(withParallel(p, balanced), incumbent, limits);
  return searchWithoutEnds(p, incumbent, limits);
}
