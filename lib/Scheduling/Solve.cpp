//===- Solve.cpp - optimal layer schedules --------------------------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Solve.h"
#include "phaze/Scheduling/Anneal.h"
#include "phaze/Scheduling/BranchAndBound.h"
#include "phaze/Scheduling/PathRelaxation.h"
#include "phaze/Solver/MILP.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <thread>

using namespace mlir::phaze;
using namespace mlir::phaze::sched;

double SolveResult::gap() const {
  double m = schedule.makespan;
  return m > 0 ? std::max(0.0, (m - lowerBound) / m) : 0.0;
}

/// The share of the critical path from which a task off the path relaxation's
/// chain gets a contiguous stretch (PathRelaxation.h), on chain-like and on
/// wide blocks. On the benchmark's wide blocks (ResNet-50 block backwards)
/// the shorter tasks' stretches never raised the bound but slowed CBC so
/// much that at 1 s the relaxation did not finish; on chain-like ones
/// (transformer backward layers) they raise it: at a twentieth (a tenth
/// before the core rows) the relaxation meets BERT-large's optimum on the
/// 64 + 16 chip, whose vector sinks of 3.6 % of the path otherwise draw
/// their one-unit time from places apart.
static constexpr double kStretchShareChainLike = 0.05;
static constexpr double kStretchShareWide = 0.3;
/// Heads and tails in the path relaxation from this share of the path.
/// Of tasks on one unit with a stretch: none on chain-like blocks (on the
/// benchmark's they raised no bound left open and slowed the relaxation of
/// a 65-task transformer layer backward on 64 + 16 units from 0.5 s to
/// 5.2 s; drivers on the dumped blocks, without a target), a twentieth on
/// wide ones (a ResNet-50 block backward on 64 + 16 needs a head of 9 % of
/// the one-unit chain's best latencies). Of intra-op-parallel tasks, which
/// bound the gap the task lies in: every one on chain-like blocks
/// (BERT-large's backward on 8 + 2 needs a tail of a 3.9 µs task, 0.2 % of
/// the path, after an intra-op-parallel task after a 94 µs weight gradient:
/// its bound rises 0.16 %, to its optimum), a twentieth on wide ones.
static constexpr double kHeadShareChainLike =
    std::numeric_limits<double>::infinity();
static constexpr double kParallelHeadShareChainLike = 0;
static constexpr double kHeadShareWide = 0.05;
/// On chain-like blocks the heads and tails of intra-op-parallel tasks
/// slow the relaxation with every stretch (the benchmark's 1 s runs lost
/// proofs of GPT-3 t = 1's and BERT-large's backward on 64 + 16 with them),
/// and the stretches of several tasks slow it with them (BERT-large's
/// backward on 8 + 2: 1.4-1.9 s with the stretches of seven tasks,
/// 0.16-0.22 s with the longest one's, the same bound; drivers on the
/// dumped blocks).
/// So they come in a relaxation of their own, before the one with every
/// stretch, with the stretch of this many tasks (the longest).
static constexpr int kStretchTasksWithParallelHeads = 1;
/// That relaxation gets at most this share of the time limit: where its
/// bound rises it is solved in a fifth of a second at a 1 s limit (BERT-large's
/// backward on 8 + 2: 0.17-0.21 s), and where it does not CBC can take
/// seconds (GPT-3's backward layer at t = 2 on 8 + 2: 4-7 s; drivers).
static constexpr double kParallelHeadsLimitShare = 0.3;
/// Its modes guide a schedule and the search only when its bound is within
/// this share of the best schedule: where it stays far below (GPT-3 t = 2's
/// and t = 4's backward on 8 + 2: 5 % below), its modes found nothing, and
/// the relaxation with every stretch after it then had too little time left.
static constexpr double kParallelHeadsGuideGap = 0.02;

/// What the scheduling MILP leaves of the time left: building the model
/// and CBC's root processing (CBC reads its clock between nodes) took up to
/// 45 ms past a 1 s limit on the benchmark's wide blocks, and a solve whose
/// MILP ran last took 10.14 s at a 10 s limit. CBC's limit is the time left
/// less `min(kMilpAllowanceS, kMilpAllowanceShare * limit)`, and with less than
/// twice that left the MILP is not started.
static constexpr double kMilpAllowanceS = 0.2;
static constexpr double kMilpAllowanceShare = 0.08;

/// The message of a solve the time limit stopped before a proof.
static constexpr const char *kTimeLimitMessage =
    "time limit: best schedule with a proven gap";

namespace {

/// A set of tasks of one kind that must not all overlap.
using Cut = std::vector<int>;

/// Finds R + 1 single-mode tasks of one kind running at one instant.
bool violatedSet(const Problem &p, const Schedule &s, Cut &cut) {
  int n = p.tasks.size();
  for (int i = 0; i < n; ++i) {
    double t = s.start[i]; // maximal overlaps occur at some start
    std::vector<int> tensor, vector;
    for (int j = 0; j < n; ++j) {
      if (s.parallel[j])
        continue;
      double e = s.start[j] + s.duration(p, j);
      double eps = 1e-9 * std::max(1.0, e);
      if (s.start[j] <= t + eps && t + eps < e) {
        if (usesTensor(p.tasks[j].kind))
          tensor.push_back(j);
        if (usesVector(p.tasks[j].kind))
          vector.push_back(j);
      }
    }
    if (static_cast<int64_t>(tensor.size()) > p.tensorUnits) {
      cut.assign(tensor.begin(), tensor.begin() + p.tensorUnits + 1);
      return true;
    }
    if (static_cast<int64_t>(vector.size()) > p.vectorUnits) {
      cut.assign(vector.begin(), vector.begin() + p.vectorUnits + 1);
      return true;
    }
  }
  return false;
}

} // namespace

/// Marks `r` optimal when its bound meets its schedule (up to a relative
/// 1e-9), the bound then set to the makespan; false otherwise.
static bool settleIfProven(SolveResult &r) {
  if (r.schedule.makespan > r.lowerBound * (1 + 1e-9))
    return false;
  r.status = SolveResult::Status::Optimal;
  r.lowerBound = r.schedule.makespan;
  return true;
}

/// The list schedule with the lower bound: Optimal when they meet,
/// Feasible otherwise.
static SolveResult listScheduleWithBound(const Problem &p) {
  SolveResult r;
  r.schedule = listSchedule(p);
  r.lowerBound = lowerBound(p);
  r.status = SolveResult::Status::Feasible;
  settleIfProven(r);
  return r;
}

/// Sources and sinks whose intra-op-parallel latency is at least this share
/// of the best makespan get the path relaxation's test in
/// forcedParallelEnds (each test is a relaxation solve; a short one on one
/// unit usually fits somewhere and costs nothing). On GPT-3 t = 1's
/// backward layer on 8 + 2 units the root bound takes out three weight
/// gradients (sinks), the relaxation a fourth (intra-op parallel 1.8 % of
/// the layer), which on one unit could run beside the attention's vector
/// chain; the search then proves the layer with an eighth of the nodes.
static constexpr double kEndTestShare = 0.01;

std::vector<int> mlir::phaze::sched::forcedParallelEnds(
    const Problem &p, double makespan, double secondsPerRelaxation,
    double secondsInAll, const std::atomic<bool> *stop) {
  auto begin = std::chrono::steady_clock::now();
  auto spent = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         begin)
        .count();
  };
  EndReduction red = reduceParallelEnds(p, makespan, stop);
  std::vector<int> ends = red.first;
  ends.insert(ends.end(), red.last.begin(), red.last.end());
  std::vector<char> tested(p.tasks.size(), 0);
  for (bool changed = true; changed && red.rest.tasks.size() >= 2;) {
    changed = false;
    const Problem &rest = red.rest;
    int m = rest.tasks.size();
    std::vector<char> hasPred(m, 0), hasSucc(m, 0);
    for (auto [a, b] : rest.edges)
      hasSucc[a] = hasPred[b] = 1;
    std::vector<int> candidates;
    for (int c = 0; c < m; ++c) {
      const Task &t = rest.tasks[c];
      if ((!hasPred[c] || !hasSucc[c]) && t.gainsFromParallel() &&
          !tested[red.original[c]] && t.parallel >= kEndTestShare * makespan)
        candidates.push_back(c);
    }
    std::sort(candidates.begin(), candidates.end(), [&](int a, int b) {
      return rest.tasks[a].parallel > rest.tasks[b].parallel;
    });
    double target = (makespan - red.offset) * (1 - 1e-9);
    for (int c : candidates) {
      if ((stop && stop->load()) ||
          (secondsInAll > 0 && spent() >= secondsInAll))
        return ends;
      tested[red.original[c]] = 1;
      Problem forced = rest;
      forced.tasks[c].parallel = forced.tasks[c].single;
      // Without the core rows: on GPT-3 t = 1's backward on 8 + 2 the
      // fourth weight gradient's test reaches the target either way, in
      // 0.05 s instead of 0.08 s (a failing test, as on GPT-3 t = 4's,
      // takes 0.15-0.5 s: the limits keep them short).
      PathRelaxationOptions options;
      options.timeLimitS = secondsPerRelaxation;
      if (secondsInAll > 0)
        options.timeLimitS = std::max(
            1e-3, std::min(secondsInAll - spent(), secondsPerRelaxation > 0
                                                       ? secondsPerRelaxation
                                                       : secondsInAll));
      options.stop = stop;
      options.target = target;
      options.coreTasks = 0;
      if (pathRelaxationBound(forced, options).lowerBound < target)
        continue;
      ends.push_back(red.original[c]);
      red.takeOut({c});
      changed = true;
      break;
    }
  }
  return ends;
}

namespace {
/// The second thread of a solve (SolveOptions::threads), beside the
/// sequence below in the first: on wide blocks first the branch and bound
/// with the lower bound as its target (whether a schedule meets it: the
/// bounds below the cutoff then hold every kind's idle time to what the
/// bound allows), then the branch and bound from the best schedule in the
/// other child order; on chain-like blocks the sources and sinks that must
/// run intra-op parallel (forcedParallelEnds) and the branch and bound with
/// them held so (the first thread's comes late there, in the other child
/// order). The threads share the best makespan; each stops the other once
/// it is done.
class Portfolio {
public:
  ~Portfolio() { finish(); }

  /// Starts on `p` from `incumbent` for `seconds`: on a `wide` block with
  /// the target search at `target` (the lower bound) first.
  void start(const Problem &p, const Schedule &incumbent, bool wide,
             double target, double seconds) {
    lowerShared(shared, incumbent.makespan);
    targetSearch.store(wide && target < incumbent.makespan);
    worker = std::thread([this, &p, incumbent, wide, target, seconds] {
      auto begin = std::chrono::steady_clock::now();
      auto left = [&] {
        return seconds - std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - begin)
                             .count();
      };
      SearchLimits limits;
      limits.timeLimitS = seconds;
      limits.stop = &stop;
      limits.knownBound = &bound;
      Schedule start = incumbent;
      // Cleared below once the target search is over.
      struct EndOfTarget {
        std::atomic<bool> &flag;
        ~EndOfTarget() { flag.store(false); }
      } endOfTarget{targetSearch};
      if (wide && target < incumbent.makespan) {
        // A schedule that meets the target (up to the relative 1e-9 of a
        // proof) is optimal; the incumbent with a makespan just above that
        // only sets the cutoff (the search's is a billionth below it).
        Schedule aim = incumbent;
        aim.makespan = target * (1 + 2e-9);
        SearchResult found = branchAndBound(p, aim, limits);
        if (found.schedule.makespan <= target * (1 + 1e-9)) {
          result = std::move(found);
          result.complete = true;
          done.store(true);
          return;
        }
        // A schedule within two billionths of the target: shared, and the
        // start of the search below.
        // (Nothing found: `aim` itself comes back.)
        if (found.schedule.makespan < aim.makespan) {
          start = std::move(found.schedule);
          lowerShared(shared, start.makespan);
          // Kept for the merge should no time be left for the search below
          // (the first thread may end its search on the shared makespan).
          result.schedule = start;
        }
        limits.timeLimitS = left();
        if (limits.timeLimitS <= 0 || stop.load())
          return;
      }
      targetSearch.store(false);
      limits.sharedMakespan = &shared;
      if (wide) {
        limits.earliestFinishFirst = true;
        result = branchAndBound(p, start, limits);
      } else {
        // Chain-like blocks: the sources and sinks that must run intra-op
        // parallel to beat the best makespan (each relaxation at most 8 %
        // of the time, all at most 15 %: failing tests, as on GPT-3 t = 4's
        // backward on 8 + 2, slow the first thread's relaxation, whose
        // proof comes near the limit there), held so, which the search
        // takes out. If `start` runs one of them on one unit it is no
        // shorter than that makespan, which the search reads as its cutoff
        // at once (it only sets the bar). The first thread's search comes
        // late there, in the other child order.
        std::vector<int> ends =
            forcedParallelEnds(p, std::min(start.makespan, shared.load()),
                               0.08 * seconds, 0.15 * seconds, &stop);
        limits.timeLimitS = left();
        if (limits.timeLimitS <= 0 || stop.load())
          return;
        result = branchAndBound(withParallel(p, ends), start, limits);
      }
      if (result.complete)
        done.store(true);
    });
  }
  /// Waits while the second thread's target search runs, at most
  /// `seconds`: two searches at once on the machine's two cores each take
  /// about 1.7 times as long as alone (measured on the 2-core development
  /// machine: ResNet-50's layer 0 block backward on 8 + 2, 0.77 s alone,
  /// 1.29-1.31 s beside another busy thread).
  void awaitTargetSearch(double seconds) {
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::duration<double>(seconds);
    while (targetSearch.load() && !done.load() &&
           std::chrono::steady_clock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  /// Whether the second thread was started.
  bool started() const { return worker.joinable(); }
  /// Whether the second thread finished its search (a proof).
  bool finished() const { return done.load(std::memory_order_relaxed); }
  /// Lowers the shared makespan to `makespan` if that is lower.
  void publish(double makespan) { lowerShared(shared, makespan); }
  /// Stops and joins the second thread.
  void finish() {
    if (!worker.joinable())
      return;
    stop.store(true);
    worker.join();
  }
  /// After finish(): takes the second thread's schedule when it is
  /// shorter, and its proof.
  void merge(SolveResult &r) const {
    if (!result.schedule.start.empty() &&
        result.schedule.makespan < r.schedule.makespan)
      r.schedule = result.schedule;
    if (result.complete)
      // Nothing is shorter than the lower of its schedule and the shared
      // makespan, which the first thread's schedule is no longer than.
      r.lowerBound = std::max(r.lowerBound, r.schedule.makespan);
  }
  /// Set when the second thread is done: the first thread's searches, CBC
  /// and the annealing stop at their next check.
  const std::atomic<bool> *doneFlag() const { return &done; }
  std::atomic<double> *sharedMakespan() { return &shared; }
  /// The first thread's lower bound, which ends either thread's search once
  /// a schedule meets it.
  std::atomic<double> *knownBound() { return &bound; }

private:
  std::thread worker;
  std::atomic<bool> stop{false}, done{false};
  /// Set while the second thread searches for a schedule at the target.
  std::atomic<bool> targetSearch{false};
  std::atomic<double> shared{std::numeric_limits<double>::infinity()};
  std::atomic<double> bound{0};
  SearchResult result;
};
} // namespace

/// Solves `p` (checked by the caller), whose latencies are of order 1 to
/// 1000 (see solveSchedule); with `portfolio`, starts its second thread once
/// the easy cases are settled.
static SolveResult solveSequential(const Problem &p,
                                   const SolveOptions &options,
                                   Portfolio *portfolio) {
  SolveResult r = listScheduleWithBound(p);
  if (r.status == SolveResult::Status::Optimal)
    return r;
  auto start = std::chrono::steady_clock::now();
  auto left = [&] {
    return options.timeLimitS - std::chrono::duration<double>(
                                    std::chrono::steady_clock::now() - start)
                                    .count();
  };
  // The lower bound for the searches (a schedule that meets it ends them):
  // the portfolio's, shared with its second thread, else this one.
  std::atomic<double> ownBound{0};
  std::atomic<double> *knownBound =
      portfolio ? portfolio->knownBound() : &ownBound;
  // Raises that bound to the solve's; with a second thread, publishes the
  // best schedule's makespan, and is true once that thread has finished
  // (its proof ends the solve).
  auto proven = [&] {
    raiseShared(*knownBound, r.lowerBound);
    if (portfolio) {
      portfolio->publish(r.schedule.makespan);
      if (portfolio->finished())
        return true;
    }
    return settleIfProven(r);
  };
  const std::atomic<bool> *stop = portfolio ? portfolio->doneFlag() : nullptr;
  std::atomic<double> *shared =
      portfolio ? portfolio->sharedMakespan() : nullptr;
  r.lowerBound = std::max(r.lowerBound, searchLowerBound(p));
  if (proven())
    return r;
  int n = p.tasks.size();
  double sum = 0;
  for (const Task &t : p.tasks)
    sum += t.best();
  bool chainLike = sum < 1.75 * criticalPath(p);
  // The rest runs beside the second thread, if any (it ends a little
  // before the limit, to be joined within it): on wide blocks from here,
  // on chain-like ones once the local searches and the short search have
  // found a good schedule (the sources and sinks it takes out depend on
  // it; on GPT-3 t = 1's backward layer on 8 + 2 units the list schedule
  // is 0.8 % above the optimum, too far for the fourth weight gradient).
  auto startSecond = [&] {
    if (portfolio && options.timeLimitS > 0 && n <= kMaxSearchTasks)
      portfolio->start(p, r.schedule, !chainLike, r.lowerBound,
                       std::max(1e-3, 0.98 * left()));
  };
  if (!chainLike)
    startSecond();
  // A better starting solution: local search over modes, with a share of
  // the time limit.
  r.schedule = improveSchedule(
      p, r.schedule, options.timeLimitS > 0 ? 0.1 * options.timeLimitS : 0);
  if (proven())
    return r;
  // The same from the end: the reversed problem's schedules, mirrored.
  Problem back = reversed(p);
  Schedule fromEnd =
      improveSchedule(back, listSchedule(back),
                      options.timeLimitS > 0 ? 0.03 * options.timeLimitS : 0);
  if (fromEnd.makespan < r.schedule.makespan)
    r.schedule = mirrored(back, fromEnd);
  if (proven())
    return r;
  auto within = [&](double share) {
    return options.timeLimitS > 0 ? std::max(1e-3, share * left()) : 0.0;
  };
  // Annealing over orders and mode rules (Anneal.h) with `share` of the
  // time limit, at most `capS` seconds, its random moves from `seed`: it
  // finds what changing one or two tasks' modes cannot (several tasks
  // moving to one unit at once). Only for blocks a short search left open:
  // it costs the same on every block.
  auto anneal = [&](double share, double capS, uint64_t seed = 1) {
    AnnealLimits limits;
    limits.seed = seed;
    limits.stop = stop;
    limits.timeLimitS =
        options.timeLimitS > 0
            ? std::min({left(), share * options.timeLimitS, capS})
            : 0;
    limits.evaluations = options.timeLimitS > 0 ? 0 : 20000;
    if (options.timeLimitS > 0 && limits.timeLimitS <= 0)
      return false;
    r.schedule = annealSchedule(p, r.schedule, limits);
    return proven();
  };
  // The path relaxation (PathRelaxation.h), with `share` of the time left:
  // a small MILP whose bound often reaches the best schedule, or nearly,
  // where the search's bounds stay below it. Its target is the best
  // schedule: CBC prunes everything at or above it. Its modes then guide a
  // schedule (the list order with those modes, improved by the local
  // search with `guideShare` of the time left), which often beats the
  // search's. Stretches, heads and tails by the block's shape
  // (`chainLike`, below) and, on chain-like blocks, `parallelHeads`: the
  // heads and tails of intra-op-parallel tasks, with only the longest
  // task's stretch and at most 30 % of the limit (the constants above). On
  // wide blocks, when it proves nothing, the
  // relaxation again along the longest path at one-unit latencies if that
  // differs (in the rest of its time): on a ResNet-50 block backward on
  // 64 + 16 units the critical path ends in a weight gradient short only
  // intra-op parallel, and the bound along the other chain meets the
  // optimum (3.3 % higher).
  std::vector<bool> relaxedModes; // the last relaxation's modes
  // The core optima the relaxations of `p` found, shared among them.
  std::map<std::vector<int>, double> coreBounds;
  auto relax = [&](double share, double guideShare, double allowance,
                   bool chainLike, bool parallelHeads = false) {
    // CBC reads its clock between nodes, and its root (strong branching
    // included) can take longer than a small limit: `allowance` less, up
    // to half the share.
    double limit = within(share);
    if (limit > 0 && chainLike && parallelHeads)
      limit = std::min(limit, kParallelHeadsLimitShare * options.timeLimitS);
    if (limit > 0)
      limit = std::max(0.5 * limit, limit - allowance);
    auto relaxStart = std::chrono::steady_clock::now();
    PathRelaxationOptions relaxOptions;
    relaxOptions.timeLimitS = limit;
    relaxOptions.stop = stop;
    relaxOptions.coreBounds = &coreBounds;
    relaxOptions.target = r.schedule.makespan * (1 - 1e-9);
    relaxOptions.stretchShare =
        chainLike ? kStretchShareChainLike : kStretchShareWide;
    relaxOptions.headShare = chainLike ? kHeadShareChainLike : kHeadShareWide;
    relaxOptions.parallelHeadShare =
        !chainLike      ? kHeadShareWide
        : parallelHeads ? kParallelHeadShareChainLike
                        : std::numeric_limits<double>::infinity();
    if (chainLike && parallelHeads)
      relaxOptions.maxStretchTasks = kStretchTasksWithParallelHeads;
    PathRelaxationResult relaxation = pathRelaxationBound(p, relaxOptions);
    r.lowerBound = std::max(r.lowerBound, relaxation.lowerBound);
    if (proven())
      return true;
    double rest = limit - std::chrono::duration<double>(
                              std::chrono::steady_clock::now() - relaxStart)
                              .count();
    // A quarter of its time at least: CBC's root alone may take longer.
    if (!chainLike && (limit <= 0 || rest >= 0.25 * limit)) {
      std::vector<int> oneUnit = longestOneUnitPath(p);
      if (oneUnit != relaxation.chain) {
        relaxOptions.chain = std::move(oneUnit);
        relaxOptions.timeLimitS = limit > 0 ? rest : 0;
        PathRelaxationResult other = pathRelaxationBound(p, relaxOptions);
        r.lowerBound = std::max(r.lowerBound, other.lowerBound);
        if (proven())
          return true;
        // Its modes guide when it has any and a higher bound.
        if (other.lowerBound > relaxation.lowerBound && !other.parallel.empty())
          relaxation = std::move(other);
      }
    }
    if (relaxation.parallel.empty() ||
        (chainLike && parallelHeads &&
         relaxation.lowerBound <
             (1 - kParallelHeadsGuideGap) * r.schedule.makespan))
      return false;
    relaxedModes = relaxation.parallel;
    Schedule guided = improveSchedule(
        p, serialSchedule(p, priorityOrder(p), relaxation.parallel),
        within(guideShare));
    if (guided.makespan < r.schedule.makespan)
      r.schedule = std::move(guided);
    return proven();
  };
  // The exact search: it proves small and chain-like layers optimal and
  // improves the starting solution of the others.
  if (n <= kMaxSearchTasks) {
    // Chain-like problems (the tasks' best latencies add up to less than
    // 1.75 times the critical path; measured: transformer backward layers
    // 1.2-1.7, ResNet-50 block backwards 1.9-3.3): CBC's scheduling MILP is
    // no stronger than the path bound there (on the benchmark's transformer
    // backward layers the search leaves open it never raised the bound the
    // search had) and its root processing overshoots the time limit. So
    // after a short search (5 % of the time left) the annealing gets 10 %
    // of the limit, at most 0.1 s (its schedule is the relaxations' target:
    // a better one prunes more; longer only delays the blocks the
    // relaxations prove at once), the path relaxation with the heads and
    // tails of intra-op-parallel tasks and one stretch half the time left,
    // at most 30 % of the limit (0.02 s less), and when its bound is within
    // 2 % of the best schedule the search with its modes held (10 %, at
    // most 0.2 s), the path relaxation with every stretch
    // 95 % of the time left, 0.05 s less (the search after it proved none of
    // the benchmark's chain-like blocks, the relaxation several; on GPT-3 t =
    // 4's backward on 8 + 2 it did not finish within 1 s before the annealing,
    // and with 0.1 s less not in every run), when it gave modes but no proof
    // the search with its modes held (10 %, at most 0.2 s) and two annealings
    // (30 % and 60 % of the rest, at most 0.25 s each), the search 95 % of
    // the rest, the scheduling MILP none. Wide ones: a short
    // search from the end (7 %), the search 90 % of the time left when the
    // bounds are within 3 %, else the path relaxation 65 % (0.2 s less), the
    // annealing 10 % of the limit and then the search 40 %; then (after the
    // search, if not before it) the path relaxation 30 %, the annealing 10 % of
    // the limit and the scheduling MILP the rest: it proves many of them from
    // the schedule the search found.
    // A short search first: from the end on wide blocks, where it often
    // finds a better schedule than the search from the start (which then
    // prunes with it), from the start on chain-like ones (on the
    // benchmark's chain-like blocks the search from the end found none).
    // It proves the easy blocks before the rest costs them time.
    {
      SearchLimits quick;
      quick.knownBound = knownBound;
      if (options.timeLimitS > 0)
        quick.timeLimitS = std::max(1e-3, (chainLike ? 0.05 : 0.07) * left());
      else
        quick.maxNodes = 500000;
      SearchResult d =
          chainLike ? branchAndBound(p, r.schedule, quick)
                    : branchAndBound(back, mirrored(p, r.schedule), quick);
      Schedule found = chainLike ? d.schedule : mirrored(back, d.schedule);
      if (found.makespan < r.schedule.makespan)
        r.schedule = std::move(found);
      if (d.complete) {
        r.lowerBound = r.schedule.makespan;
        proven();
        return r;
      }
    }
    if (chainLike)
      startSecond();
    // The search with the last relaxation's modes held, from the serial
    // schedule in them: a tenth of the time left, at most `capS`.
    auto searchHeld = [&](double capS) {
      Problem held = withModes(p, relaxedModes);
      Schedule start = serialSchedule(held, priorityOrder(held), relaxedModes);
      SearchLimits limits;
      limits.knownBound = knownBound;
      limits.stop = stop;
      limits.sharedMakespan = shared;
      if (options.timeLimitS > 0)
        limits.timeLimitS = std::max(1e-3, std::min(0.1 * left(), capS));
      else
        limits.maxNodes = 500000;
      SearchResult d = branchAndBound(held, start, limits);
      if (d.schedule.makespan < r.schedule.makespan)
        r.schedule = std::move(d.schedule);
      return proven();
    };
    // Chain-like blocks: the annealing, the path relaxation with the heads
    // and tails of intra-op-parallel tasks (its guided schedule 10 % of the
    // time then left) and the search in its modes, both only when its bound
    // is near the best schedule (on BERT-large's backward on 8 + 2 units its
    // bound is the optimum, and that search finds it),
    // then the path relaxation with every stretch (its guided schedule
    // 20 %); the search then starts from the best schedule.
    if (chainLike && (anneal(0.1, 0.1) || relax(0.5, 0.1, 0.02, true, true) ||
                      (!relaxedModes.empty() && searchHeld(0.2)) ||
                      relax(0.95, 0.2, 0.05, true)))
      return r;
    // Chain-like blocks whose relaxation gave modes but no proof: the
    // search over orders with those modes held (10 % of the time left, at
    // most 0.2 s; when it finds the optimum it is within thousands of
    // nodes), then the annealing from the best schedule twice (30 % of the
    // time left, then 60 % of the rest, each at most 0.25 s, so that at
    // longer limits the search keeps most of the time: it proves
    // Llama2-7B's backward on 8 + 2 in 7.9-8.8 s of a 10 s limit):
    // the relaxation's bound often meets the optimum, and the best
    // schedule is within a few millionths of it.
    if (chainLike && !relaxedModes.empty()) {
      if (searchHeld(0.2))
        return r;
      // Two annealings, the second from other random moves: its
      // temperature falls over its time, so it finds most near its end,
      // and two short ones end sooner than one long one.
      if (anneal(1, std::min(0.25, 0.3 * left()), 1) ||
          anneal(1, std::min(0.25, 0.6 * left()), 2))
        return r;
    }
    bool close =
        r.schedule.makespan - r.lowerBound <= 0.03 * r.schedule.makespan;
    // Wide blocks whose bounds are far apart: the relaxation's bound and
    // guided schedule before the search (on the benchmark the same proofs,
    // sooner).
    bool relaxedEarly = !chainLike && !close;
    // Then the annealing (10 % of the limit) before the search: where the
    // relaxation's bound meets the optimum the schedule is what is missing,
    // and on the benchmark's wide blocks the annealing from the best
    // schedule found it after 0.1 s where the search had not in 0.3 s (the
    // same proofs, the slowest at 0.2-0.3 s instead of 0.6-0.7 s).
    if (relaxedEarly && (relax(0.65, 0.2, 0.2, false) ||
                         anneal(0.1, std::numeric_limits<double>::infinity())))
      return r;
    // A wide block whose bounds are close: the second thread's target
    // search (the lower bound, when it is the optimum) is the likeliest
    // proof, and this thread's search, in the same child order from a
    // looser cutoff, would slow it: this thread waits for it, up to 80 % of
    // the time left. On ResNet-50's layer 0 block backward on 8 + 2 (the
    // one block of the benchmark that gets here) the solve was proven in 7
    // of 8 driver runs in 0.82-0.89 s without the wait, in 8 of 8 in
    // 0.81-0.87 s with half the time and 0.77-0.84 s with 90 %.
    if (!chainLike && close && portfolio && portfolio->started()) {
      portfolio->awaitTargetSearch(0.8 * left());
      if (proven())
        return r;
    } else if (!chainLike && close && options.timeLimitS > 0 &&
               r.lowerBound < r.schedule.makespan) {
      // Alone, this thread searches at the target itself first, with 90 %
      // of the time left (it found nothing with 60 %). On that block with
      // one thread: proven in 0.52-0.77 s (three driver runs) instead of
      // open at 0.0009 % (the search from the best schedule did not reach
      // the optimum in 0.82 s); no other dumped block gets here.
      Schedule aim = r.schedule;
      aim.makespan = r.lowerBound * (1 + 2e-9);
      SearchLimits limits;
      limits.knownBound = knownBound;
      limits.timeLimitS = std::max(1e-3, 0.9 * left());
      SearchResult found = branchAndBound(p, aim, limits);
      // (Nothing found: `aim` itself comes back.)
      if (found.schedule.makespan < aim.makespan &&
          found.schedule.makespan < r.schedule.makespan) {
        r.schedule = std::move(found.schedule);
        if (proven())
          return r;
      }
    }
    double share = chainLike ? 0.95 : close ? 0.9 : 0.4;
    bool second = portfolio && portfolio->started();
    // Alone on a chain-like block, this thread holds the sources and sinks
    // intra-op parallel that must be, as the second thread does (the same
    // caps): GPT-3 t = 1's backward on 8 + 2 with one thread and a 10 s
    // limit, proven in 6.1 s without, in 2.0 s with (1.7 s at a 3 s limit).
    // (Not with less than a quarter of the limit left: CBC's root can run
    // past a short limit.)
    Problem searched =
        chainLike && !second && options.timeLimitS > 0 &&
                left() >= 0.25 * options.timeLimitS
            ? withParallel(p, forcedParallelEnds(p, r.schedule.makespan,
                                                 0.08 * options.timeLimitS,
                                                 0.15 * left(), stop))
            : p;
    SearchLimits limits;
    limits.knownBound = knownBound;
    limits.stop = stop;
    limits.sharedMakespan = shared;
    // Beside the second thread's search on a chain-like block, the other
    // child order.
    limits.earliestFinishFirst = chainLike && second;
    if (options.timeLimitS > 0)
      limits.timeLimitS = std::max(1e-3, share * left());
    else
      limits.maxNodes = 5000000; // no time limit: bounded work, then CBC
    SearchResult found = branchAndBound(searched, r.schedule, limits);
    r.schedule = std::move(found.schedule);
    if (found.complete) {
      // Its cutoff: its own schedule's makespan, or the second thread's
      // shorter one (which the merge then takes).
      r.lowerBound = std::max(r.lowerBound, found.cutoff);
      proven();
      return r;
    }
    // Wide blocks: the path relaxation after the search (its guided
    // schedule 20 % of the time then left), the annealing, then CBC's
    // scheduling MILP.
    if (!chainLike && ((!relaxedEarly && relax(0.3, 0.2, 0.3, false)) ||
                       anneal(0.1, std::numeric_limits<double>::infinity())))
      return r;
    if (chainLike && options.timeLimitS > 0) {
      r.message = kTimeLimitMessage;
      return r;
    }
  }

  // CBC's limit leaves an allowance for its overshoot; with less than twice
  // that left, a round of the MILP would only overrun the limit.
  double allowance =
      std::min(kMilpAllowanceS, kMilpAllowanceShare * options.timeLimitS);
  if (options.timeLimitS > 0 && left() <= 2 * allowance) {
    r.message = kTimeLimitMessage;
    return r;
  }

  double ub = r.schedule.makespan;

  std::vector<std::vector<bool>> reach = p.reachability();
  double maxDur = 0;
  for (const Task &t : p.tasks)
    maxDur = std::max(maxDur, std::max(t.single, t.parallel));
  double big = ub + maxDur;

  // Pairs no dependence orders.
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (!reach[i][j] && !reach[j][i])
        pairs.push_back({i, j});

  // For each task, the longest path through it (best latencies). Tasks on a
  // path run one after another, and intra-op-parallel tasks off it run
  // alone, so T >= sum_{k on path} p_k + sum_{j off path} y_j parallel_j.
  std::set<std::vector<int>> paths;
  for (std::vector<int> path : longestPathsThrough(p)) {
    std::sort(path.begin(), path.end());
    paths.insert(std::move(path));
  }

  std::vector<Cut> cuts;
  for (int round = 0; round < options.maxRounds; ++round) {
    if (proven())
      return r;
    // The limit covers all rounds: stop with the best schedule so far.
    if (options.timeLimitS > 0 && round > 0 && left() <= 2 * allowance) {
      r.message = kTimeLimitMessage;
      return r;
    }
    solver::MilpModel m;
    std::vector<int> S(n), Y(n);
    for (int i = 0; i < n; ++i) {
      S[i] = m.addVariable(0, ub, 0, false, "S" + std::to_string(i));
      Y[i] = m.addBinary(0, "y" + std::to_string(i));
    }
    int T = m.addVariable(r.lowerBound, ub, 1, false, "makespan");
    auto duration = [&](int i) {
      // p_i = single + (parallel - single) y_i
      return std::vector<solver::Term>{
          {Y[i], p.tasks[i].parallel - p.tasks[i].single}};
    };
    for (int i = 0; i < n; ++i) {
      // T >= S_i + p_i
      std::vector<solver::Term> t = duration(i);
      t.push_back({S[i], 1});
      t.push_back({T, -1});
      m.addConstraint(t, -solver::kInfinity, -p.tasks[i].single);
    }
    // Energetic bounds, one per unit kind: intra-op-parallel tasks run
    // alone, so T >= sum_i y_i parallel_i + sum_{i of the kind} (1 - y_i)
    // single_i / R. Valid for every schedule; they tighten the relaxation.
    for (auto [uses, units] :
         {std::pair<bool (*)(UnitKind), int64_t>{usesTensor, p.tensorUnits},
          std::pair<bool (*)(UnitKind), int64_t>{usesVector, p.vectorUnits}}) {
      if (units <= 0)
        continue;
      std::vector<solver::Term> t{{T, 1}};
      double rhs = 0;
      bool any = false;
      for (int i = 0; i < n; ++i) {
        double coef = -p.tasks[i].parallel;
        if (uses(p.tasks[i].kind)) {
          double share = p.tasks[i].single / static_cast<double>(units);
          coef += share;
          rhs += share;
          any = true;
        }
        t.push_back({Y[i], coef});
      }
      if (any)
        m.addConstraint(t, rhs, solver::kInfinity);
    }
    for (const std::vector<int> &path : paths) {
      std::vector<solver::Term> t{{T, 1}};
      double rhs = 0;
      size_t k = 0;
      for (int i = 0; i < n; ++i) {
        bool on = k < path.size() && path[k] == i;
        if (on) {
          ++k;
          rhs += p.tasks[i].single;
          t.push_back({Y[i], p.tasks[i].single - p.tasks[i].parallel});
        } else {
          t.push_back({Y[i], -p.tasks[i].parallel});
        }
      }
      m.addConstraint(t, rhs, solver::kInfinity);
    }
    for (auto [a, b] : p.edges) {
      // S_b >= S_a + p_a
      std::vector<solver::Term> t = duration(a);
      t.push_back({S[a], 1});
      t.push_back({S[b], -1});
      m.addConstraint(t, -solver::kInfinity, -p.tasks[a].single);
    }
    std::map<std::pair<int, int>, int> order;
    for (auto [i, j] : pairs) {
      int oij = m.addBinary(0), oji = m.addBinary(0);
      order[{i, j}] = oij;
      order[{j, i}] = oji;
      m.addConstraint({{oij, 1}, {oji, 1}}, -solver::kInfinity, 1);
      // A parallel task is ordered against every unordered task.
      m.addConstraint({{oij, 1}, {oji, 1}, {Y[i], -1}}, 0, solver::kInfinity);
      m.addConstraint({{oij, 1}, {oji, 1}, {Y[j], -1}}, 0, solver::kInfinity);
      for (auto [x, y, o] : {std::tuple<int, int, int>{i, j, oij},
                             std::tuple<int, int, int>{j, i, oji}}) {
        // S_y >= S_x + p_x - big (1 - o)
        std::vector<solver::Term> t = duration(x);
        t.push_back({S[x], 1});
        t.push_back({S[y], -1});
        t.push_back({o, big});
        m.addConstraint(t, -solver::kInfinity, big - p.tasks[x].single);
      }
    }
    for (const Cut &c : cuts) {
      std::vector<solver::Term> t;
      for (size_t a = 0; a < c.size(); ++a)
        for (size_t b = a + 1; b < c.size(); ++b) {
          auto it = order.find({c[a], c[b]});
          if (it == order.end())
            continue; // ordered by a dependence: the cut holds already
          t.push_back({it->second, 1});
          t.push_back({order[{c[b], c[a]}], 1});
        }
      if (t.size() == 2 * (c.size() * (c.size() - 1) / 2))
        m.addConstraint(t, 1, solver::kInfinity);
    }
    // The list schedule (or the best so far) as CBC's starting solution:
    // its order variables say which tasks finish before others start.
    solver::MilpOptions mo;
    {
      const Schedule &w = r.schedule;
      std::vector<double> x(m.getNumVariables(), 0);
      for (int i = 0; i < n; ++i) {
        x[S[i]] = w.start[i];
        x[Y[i]] = w.parallel[i] ? 1 : 0;
      }
      x[T] = std::max(w.makespan, r.lowerBound);
      for (auto &[ij, var] : order) {
        auto [i, j] = ij;
        x[var] = w.start[i] + w.duration(p, i) <=
                         w.start[j] + 1e-12 * (1 + w.start[j])
                     ? 1
                     : 0;
      }
      // The same pair cannot be ordered both ways (zero-length overlaps).
      for (auto [i, j] : pairs)
        if (x[order[{i, j}]] > 0.5 && x[order[{j, i}]] > 0.5)
          x[order[{j, i}]] = 0;
      std::string why;
      if (m.verify(x, 1e-6, why))
        mo.initialSolution = std::move(x);
    }
    if (options.timeLimitS > 0)
      mo.timeLimitS = std::max(0.01, left() - allowance);
    mo.stop = stop;
    solver::MilpResult res = solver::solveWithCbc(m, mo);
    r.usedMilp = true;
    r.rounds = round + 1;
    if (!res.hasSolution()) {
      r.message = "MILP: " + res.message;
      return r; // the list schedule stands, not proven optimal
    }
    Schedule s;
    s.start.resize(n);
    s.parallel.resize(n);
    for (int i = 0; i < n; ++i) {
      s.start[i] = std::max(0.0, res.values[S[i]]);
      s.parallel[i] = res.values[Y[i]] > 0.5;
    }
    // Tighten: makespan from the starts.
    for (int i = 0; i < n; ++i)
      s.makespan = std::max(s.makespan, s.start[i] + s.duration(p, i));
    Cut cut;
    if (violatedSet(p, s, cut)) {
      cuts.push_back(cut);
      // The relaxation's bound is a valid lower bound.
      r.lowerBound = std::max(r.lowerBound, res.bestBound);
      continue;
    }
    std::string why;
    if (!verify(p, s, why, 1e-7)) {
      r.message = "MILP schedule fails verification: " + why;
      return r;
    }
    if (s.makespan < r.schedule.makespan)
      r.schedule = s;
    if (res.status == solver::MilpStatus::Optimal) {
      r.status = SolveResult::Status::Optimal;
      r.lowerBound = r.schedule.makespan;
    } else {
      r.lowerBound = std::max(r.lowerBound, res.bestBound);
      r.message = kTimeLimitMessage;
    }
    return r;
  }
  r.message = "too many rounds of unit cuts";
  return r;
}

/// solveSequential, with a second thread when the options ask for one.
static SolveResult solveScaled(const Problem &p, const SolveOptions &options) {
  if (options.threads < 2 || options.timeLimitS <= 0)
    return solveSequential(p, options, nullptr);
  Portfolio portfolio;
  SolveResult r = solveSequential(p, options, &portfolio);
  if (!portfolio.started())
    return r;
  portfolio.finish();
  portfolio.merge(r);
  if (settleIfProven(r))
    r.message.clear();
  return r;
}

/// Solves one series block `p` with the MILP in a time unit that puts its
/// list schedule's makespan at 1000 (CBC's tolerances are absolute:
/// latencies of microseconds would sit at them), converted back.
static SolveResult solveBlock(const Problem &p, const SolveOptions &options) {
  double ub = listSchedule(p).makespan;
  double scale = ub > 0 ? 1000.0 / ub : 1.0;
  Problem q = p;
  for (Task &t : q.tasks) {
    t.single *= scale;
    t.parallel *= scale;
  }
  SolveResult r = solveScaled(q, options);
  // A bound raised last (CBC's, when its time ran out) may have met the
  // schedule: that proves it.
  if (r.status == SolveResult::Status::Feasible && settleIfProven(r))
    r.message.clear();
  for (double &st : r.schedule.start)
    st /= scale;
  r.schedule.makespan /= scale;
  r.lowerBound /= scale;
  return r;
}

std::vector<std::vector<int>>
mlir::phaze::sched::seriesBlocks(const Problem &p) {
  int n = p.tasks.size();
  std::vector<std::vector<bool>> reach = p.reachability();
  std::vector<std::vector<int>> blocks;
  std::vector<int> current;
  for (int i : p.topologicalOrder()) {
    bool cut = true;
    for (int j = 0; j < n && cut; ++j)
      cut = j == i || reach[i][j] || reach[j][i];
    if (!cut) {
      current.push_back(i);
      continue;
    }
    // Every task is an ancestor or a descendant of a cut, so in any
    // topological order the tasks between two cuts form one block.
    if (!current.empty())
      blocks.push_back(std::move(current));
    current.clear();
    blocks.push_back({i});
  }
  if (!current.empty())
    blocks.push_back(std::move(current));
  // Within a block, the problem's own order (the heuristics break ties by
  // index).
  for (std::vector<int> &block : blocks)
    std::sort(block.begin(), block.end());
  return blocks;
}

SolveResult mlir::phaze::sched::solveSchedule(const Problem &p,
                                              const SolveOptions &options) {
  std::string error;
  if (!p.check(error)) {
    SolveResult r;
    r.message = error;
    return r;
  }
  if (!options.milp) {
    // Bounds only: no MILP, so no rescaling (and no copy of the problem).
    SolveResult r = listScheduleWithBound(p);
    if (r.status != SolveResult::Status::Optimal)
      r.message = "bounds only (no MILP)";
    if (!verify(p, r.schedule, error, 1e-6)) {
      r.status = SolveResult::Status::Error;
      r.message = "the list schedule fails verification: " + error;
    }
    return r;
  }
  // The searches allocate and free as CBC does (MILP.h).
  solver::retainFreedHeap();
  // Blocks in series run one after another in every schedule, so the
  // optimum is the sum of the blocks' optima: each is solved on its own.
  auto begin = std::chrono::steady_clock::now();
  int n = p.tasks.size();
  SolveResult r;
  r.status = SolveResult::Status::Optimal;
  r.schedule.start.assign(n, 0);
  r.schedule.parallel.assign(n, false);
  std::vector<std::vector<int>> blocks = seriesBlocks(p);
  // Tasks in blocks not yet solved: each block's share of the time left.
  size_t left = 0;
  for (const std::vector<int> &block : blocks)
    left += block.size() > 1 ? block.size() : 0;
  for (const std::vector<int> &block : blocks) {
    double offset = r.schedule.makespan;
    if (block.size() == 1) {
      // Alone on the chip: the faster mode.
      const Task &t = p.tasks[block[0]];
      r.schedule.start[block[0]] = offset;
      r.schedule.parallel[block[0]] = t.parallel < t.single;
      r.schedule.makespan += t.best();
      r.lowerBound += t.best();
      continue;
    }
    Problem q = subproblem(p, block);
    SolveOptions o = options;
    if (options.timeLimitS > 0) {
      double used = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - begin)
                        .count();
      o.timeLimitS =
          std::max(0.01, (options.timeLimitS - used) * block.size() / left);
    }
    left -= block.size();
    SolveResult b = solveBlock(q, o);
    r.rounds += b.rounds;
    r.usedMilp |= b.usedMilp;
    if (r.message.empty())
      r.message = b.message;
    if (b.status == SolveResult::Status::Error)
      r.status = SolveResult::Status::Error;
    else if (b.status == SolveResult::Status::Feasible &&
             r.status == SolveResult::Status::Optimal)
      r.status = SolveResult::Status::Feasible;
    for (size_t k = 0; k < block.size(); ++k) {
      r.schedule.start[block[k]] = offset + b.schedule.start[k];
      r.schedule.parallel[block[k]] = b.schedule.parallel[k];
    }
    r.schedule.makespan += b.schedule.makespan;
    r.lowerBound += b.lowerBound;
  }
  if (r.status == SolveResult::Status::Optimal)
    r.lowerBound = r.schedule.makespan;
  if (r.status != SolveResult::Status::Error &&
      !verify(p, r.schedule, error, 1e-6)) {
    r.status = SolveResult::Status::Error;
    r.message = "schedule fails verification: " + error;
  }
  return r;
}
