#!/usr/bin/env python3
"""Benchmark: phaze-partition against Piper's and PHAZE's own programs.

For every entry of ../shared/data/piper/expected.json, runs phaze-partition
in Piper-compatible mode (piper-greedy) and in exact mode, --runs times
each, and prints the value, Piper's value, the median solve time (as the
tool reports it, excluding process start-up) and the speed-up over the time
Piper's program took (expected.json, same machine class).

Then runs PHAZE's GPT-3-like 98-layer instance (../shared/data/phaze/
dp-examples/gpt3like.json, all four t) --runs times and prints the median
solve time against the 6.5 s PHAZE's program needs for that one call.

Usage: scripts/bench_partition.py [--build build] [--runs 5]
                                  [--shared-data ../shared/data]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

GIB = 2 ** 30


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(root, "build"))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--shared-data",
                   default=os.path.join(os.path.dirname(root), "shared",
                                        "data"))
    a = p.parse_args()
    tool = os.path.join(a.build, "bin", "phaze-partition")
    data = os.path.join(a.shared_data, "piper")
    expected = json.load(open(os.path.join(data, "expected.json")))["results"]
    print("%-12s %5s %5s | %-14s %9s %8s | %-14s %9s | %8s" %
          ("instance", "GiB", "k", "piper-greedy", "median s", "speedup",
           "exact", "median s", "Piper s"))
    for e in expected:
        o = e["overrides"]
        mem = float(o["maxMemoryPerDevice"].split("*")[0])
        row = []
        for choice in ("piper-greedy", "exact"):
            times, value = [], None
            for _ in range(a.runs):
                r = subprocess.run(
                    [tool, os.path.join(data, e["file"]), "--json",
                     "--stage-choice=" + choice, "--memory-gib=%g" % mem,
                     "--max-devices=%d" % o["maxDevices"],
                     "--bandwidth=%d" % (25 * GIB)],
                    capture_output=True, text=True)
                if r.returncode != 0:
                    sys.exit(r.stderr)
                j = json.loads(r.stdout)
                times.append(j["solveSeconds"])
                value = j["timePerSample"]
            row.append((value, statistics.median(times)))
        piper_s = e["piper_seconds_on_2_core_machine"]
        print("%-12s %5g %5d | %-14.10g %9.3f %7.1fx | %-14.10g %9.3f | %8.3f" %
              (e["file"].split(".")[0][:12], mem, o["maxDevices"], row[0][0],
               row[0][1], piper_s / row[0][1], row[1][0], row[1][1], piper_s))

    gpt3 = os.path.join(a.shared_data, "phaze", "dp-examples", "gpt3like.json")
    times = []
    for _ in range(a.runs):
        r = subprocess.run([tool, gpt3, "--json"], capture_output=True,
                           text=True)
        if r.returncode != 0:
            sys.exit(r.stderr)
        j = json.loads(r.stdout)
        times.append(j["solveSeconds"])
    med = statistics.median(times)
    print("PHAZE gpt3like: time per batch %.17g, median %.4f s over %d runs, "
          "%.0fx faster than PHAZE's 6.5 s" %
          (j["plan"]["timePerBatchSeconds"], med, a.runs, 6.5 / med))


if __name__ == "__main__":
    main()
