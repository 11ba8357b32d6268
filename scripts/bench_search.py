#!/usr/bin/env python3
"""Benchmark: phaze-search over PHAZE's space.

Runs `phaze-search MODEL` (default GPT-3 175B over the built-in PHAZE space:
29,360 architectures x t {1, 2, 4, 8} x mbs {1, 2, 4, 8} x recompute
{off, on} x HBM {32, 64, 80} GiB) with pruning and exhaustively
(--prune=false), --runs times each, and prints per mode the median wall
time, architectures per second (candidates of the space over wall time),
evaluation CPU per evaluated candidate, peak resident memory, the counts and
the best. Both modes must find the same best; the script fails otherwise.

Usage: scripts/bench_search.py [--build build] [--runs 1] [--model gpt3-175b]
           [--modes pruned,exhaustive] [extra phaze-search arguments...]
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def run(binary, model, mode, extra):
    out = tempfile.mkdtemp(prefix="phaze-search-bench-")
    args = [binary, model, "--quiet", "-o", out] + extra
    if mode == "exhaustive":
        args.append("--prune=false")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        sys.exit(f"phaze-search failed:\n{proc.stderr}")
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return {
        "wall": wall,
        "cpu": (after.ru_utime - before.ru_utime) +
               (after.ru_stime - before.ru_stime),
        # ru_maxrss of children is the largest child so far (KiB).
        "rss_mb": after.ru_maxrss / 1024,
        "summary": summary,
        "table": proc.stdout,
    }


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(root, "build"))
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--model", default="gpt3-175b")
    p.add_argument("--modes", default="pruned,exhaustive")
    args, extra = p.parse_known_args()
    binary = os.path.join(args.build, "bin", "phaze-search")
    bests = {}
    for mode in args.modes.split(","):
        runs = [run(binary, args.model, mode, extra) for _ in range(args.runs)]
        s = runs[-1]["summary"]
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        rss = max(r["rss_mb"] for r in runs)
        per = statistics.median(r["summary"]["evaluate_cpu_s"] /
                                max(1, r["summary"]["evaluated"]) for r in runs)
        best = s["best"]
        bests[mode] = (best["chip"], best["objective"]) if best else None
        print(f"{args.model} {mode}: median of {len(runs)}: wall {wall:.1f} s, "
              f"{s['candidates'] / wall:.1f} architectures/s, CPU {cpu:.1f} s, "
              f"{1000 * per:.1f} ms CPU per evaluated candidate, "
              f"peak RSS {rss:.0f} MB; {s['evaluated']} evaluated, "
              f"{s['pruned']} pruned, {s['infeasible']} infeasible; "
              f"max schedule gap {100 * s['max_schedule_gap']:.1f} %")
        print(runs[-1]["table"], end="")
    if len(set(map(str, bests.values()))) > 1:
        sys.exit(f"the modes disagree on the best: {bests}")


if __name__ == "__main__":
    main()
