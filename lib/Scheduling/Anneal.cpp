//===- Anneal.cpp - layer schedules by simulated annealing ----------------===//
//
// Part of the phaze project, under the Apache License v2.0 with LLVM
// Exceptions.
//
//===----------------------------------------------------------------------===//

#include "phaze/Scheduling/Anneal.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>

using namespace mlir::phaze::sched;

Schedule mlir::phaze::sched::annealSchedule(const Problem &p, const Schedule &s,
                                            const AnnealLimits &limits) {
  int n = p.tasks.size();
  if (n < 2 || (limits.evaluations <= 0 && limits.timeLimitS <= 0))
    return s; // nothing to move, or no limit to stop at
  std::vector<std::vector<int>> pred(n), succ(n);
  for (auto [a, b] : p.edges) {
    pred[b].push_back(a);
    succ[a].push_back(b);
  }
  // The start: `s`'s start order (from which the serial scheme rebuilds it,
  // or something no later) with its modes.
  std::vector<int> order = p.topologicalOrder();
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return s.start[a] < s.start[b]; });
  std::vector<ModeChoice> modes(n);
  for (int i = 0; i < n; ++i)
    modes[i] = s.parallel[i] ? ModeChoice::Parallel : ModeChoice::OneUnit;
  Schedule current = serialSchedule(p, order, modes);
  Schedule best = current.makespan < s.makespan ? current : s;

  std::mt19937_64 rng(limits.seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  auto begin = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         begin)
        .count();
  };
  std::vector<int> trial, where(n);
  std::vector<ModeChoice> trialModes;
  double scale = 0.01 * s.makespan;
  double timeShare = 0; // of the time limit, checked every 16 steps
  for (int64_t step = 0;; ++step) {
    if ((step & 15) == 0 && limits.stop &&
        limits.stop->load(std::memory_order_relaxed))
      break;
    if (limits.timeLimitS > 0 && (step & 15) == 0)
      timeShare = elapsed() / limits.timeLimitS;
    double progress = std::max(
        timeShare,
        limits.evaluations > 0 ? double(step) / limits.evaluations : 0.0);
    if (progress >= 1)
      break;
    double temperature = scale * (1 - progress) + 1e-6 * s.makespan;
    trial = order;
    trialModes = modes;
    int moves = 1 + rng() % 3;
    for (int m = 0; m < moves; ++m) {
      int task = rng() % n;
      if (rng() & 1) {
        trialModes[task] = static_cast<ModeChoice>(rng() % 3);
        continue;
      }
      // Out of the order, then back between its last predecessor and its
      // first successor.
      trial.erase(std::find(trial.begin(), trial.end(), task));
      for (int k = 0; k < n - 1; ++k)
        where[trial[k]] = k;
      int lo = 0, hi = n - 1;
      for (int a : pred[task])
        lo = std::max(lo, where[a] + 1);
      for (int b : succ[task])
        hi = std::min(hi, where[b]);
      int at = lo + static_cast<int>(rng() % (hi - lo + 1));
      trial.insert(trial.begin() + at, task);
    }
    Schedule t = serialSchedule(p, trial, trialModes);
    double worse = t.makespan - current.makespan;
    if (worse <= 0 || uniform(rng) < std::exp(-worse / temperature)) {
      current = std::move(t);
      order.swap(trial);
      modes.swap(trialModes);
      if (current.makespan < best.makespan * (1 - 1e-12))
        best = current;
    }
  }
  return best;
}
