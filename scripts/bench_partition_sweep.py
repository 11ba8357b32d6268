#!/usr/bin/env python3
"""Benchmark: phaze-partition over PHAZE's per-architecture sweep.

GPT-3 175B on one architecture (default: hardware/phaze.mlir, the
TPUv4-like chip in PHAZE's 1024-device system): for every t in {1, 2, 4, 8}
and microbatch size in {1, 2, 4, 8}, runs the workload pipeline and
phaze-schedule once (not timed), then phaze-partition for recompute
{off, full} x HBM {32, 64, 80} GB (96 placements in all), --runs times, and
reports:
- the search's inner loop: the 96 placement problems (written by the pass's
  problem-file option) solved in one process by phaze-partition
  --format=plan, median total over --runs runs, infeasible ones without the
  smallest-memory explanation (a search only needs the verdict);
- the median time of the whole partition pass (-mlir-timing; loading the
  chain from IR and explaining infeasibility included), summed over the 96;
- the best placement.

Usage: scripts/bench_partition_sweep.py [--build build] [--runs 3]
           [--hardware hardware/phaze.mlir] [--model gpt3-175b]
           [--global-batch 4096] [--time-limit 0.2]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

SOLVE = re.compile(r"phaze\.plan = #phaze\.plan<.*?solve_s = ([0-9.e+-]+)>")
TIMING = re.compile(r"([0-9.]+) \(\s*[0-9.]+%\)\s+PhazePartitionPass")
PLAN = re.compile(r"phaze\.plan = #phaze\.plan<semantics = \"phaze\", t = (\d+), "
                  r"d = (\d+), p = (\d+).*?time_per_iteration_s = ([0-9.e+-]+)")


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(root, "build"))
    p.add_argument("--hardware",
                   default=os.path.join(root, "hardware", "phaze.mlir"))
    p.add_argument("--model", default="gpt3-175b")
    p.add_argument("--global-batch", type=int, default=4096)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--time-limit", type=float, default=0.2)
    a = p.parse_args()
    opt = os.path.join(a.build, "bin", "phaze-opt")
    tmp = tempfile.mkdtemp()
    total, dp, problems = [], [], []
    best = None
    count = 0
    for mbs in (1, 2, 4, 8):
        model = os.path.join(tmp, "m%d.mlir" % mbs)
        subprocess.run([os.path.join(a.build, "bin", "phaze-models"), a.model,
                        "--mbs", str(mbs), "-o", model], check=True)
        for t in (1, 2, 4, 8):
            sched = os.path.join(tmp, "s%d_%d.mlir" % (mbs, t))
            r = subprocess.run(
                [opt, model, "--phaze-workload-pipeline=t=%d hardware=%s" %
                 (t, a.hardware), "--phaze-schedule=time-limit=%g" %
                 a.time_limit, "-o", sched], capture_output=True, text=True)
            if r.returncode:
                sys.exit(r.stderr[-2000:])
            for recompute in ("off", "full"):
                for hbm in (32, 64, 80):
                    times, solves = [], []
                    problem = os.path.join(
                        tmp, "p_%d_%d_%s_%d.json" % (mbs, t, recompute, hbm))
                    problems.append(problem)
                    for _ in range(a.runs):
                        r = subprocess.run(
                            [opt, sched, "-mlir-timing",
                             "--phaze-partition=hardware=%s global-batch=%d "
                             "recompute=%s memory-gib=%g problem-file=%s" %
                             (a.hardware, a.global_batch, recompute,
                              hbm * 1e9 / 2 ** 30, problem)],
                            capture_output=True, text=True)
                        m = TIMING.search(r.stderr)
                        times.append(float(m.group(1)) if m else 0.0)
                        m = SOLVE.search(r.stdout)
                        solves.append(float(m.group(1)) if m else 0.0)
                    count += 1
                    total.append(statistics.median(times))
                    dp.append(statistics.median(solves))
                    plan = PLAN.search(r.stdout)
                    if plan:
                        tpi = float(plan.group(4))
                        if best is None or tpi < best[0]:
                            best = (tpi, mbs, t, plan.group(2), plan.group(3),
                                    recompute, hbm)
    r = subprocess.run([os.path.join(a.build, "bin", "phaze-partition"),
                        "--format=plan", "--repeat=%d" % max(a.runs, 5)] +
                       problems, capture_output=True, text=True, check=True)
    summary = r.stdout.strip().splitlines()[-1]
    print("search inner loop (phaze-partition --format=plan): %s" % summary)
    print("placements: %d (%d feasible); partition pass time summed: %.1f ms "
          "(loading the chain from IR and explaining infeasibility included), "
          "medians of %d runs each" %
          (count, sum(1 for x in dp if x > 0), 1000 * sum(total), a.runs))
    if best:
        tpi, mbs, t, d, pp, recompute, hbm = best
        samples = a.global_batch / tpi
        print("best: %.3f s per iteration (%.1f samples/s) at mbs %d, t %d, "
              "d %s, p %s, recompute %s, HBM %d GB" %
              (tpi, samples, mbs, t, d, pp, recompute, hbm))


if __name__ == "__main__":
    main()
