#!/usr/bin/env python3
"""Benchmark: estimates per second of phaze-estimate with a warm cache.

Generates GPT-3 175B (flat, every layer spelled out: about 9,000 ops), runs
phaze-estimate twice in one phaze-opt process (the estimate cache is shared
by the process, so the second run is warm) and reads the passes' times from
-mlir-timing. Each op costs two estimates (one unit, all units). Prints the
median over --runs runs of the cold and warm rates.

Usage: scripts/bench_estimate.py [--build build] [--hardware hardware/phaze.mlir] [--runs 5]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(root, "build"))
    p.add_argument("--hardware", default=os.path.join(root, "hardware",
                                                      "phaze.mlir"))
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    opt = os.path.join(a.build, "bin", "phaze-opt")
    tmp = tempfile.mkdtemp()
    model = os.path.join(tmp, "gpt3.mlir")
    subprocess.run([os.path.join(a.build, "bin", "phaze-models"), "gpt3-175b",
                    "-o", model], check=True)
    out = os.path.join(tmp, "out.mlir")
    flag = "--phaze-estimate=hardware=" + a.hardware
    cold, warm = [], []
    ops = 0
    for _ in range(a.runs):
        r = subprocess.run([opt, model, flag, flag, "-mlir-timing",
                            "-o", out],
                           check=True, capture_output=True, text=True)
        times = [float(m.group(1)) for m in re.finditer(
            r"^\s*([0-9.]+) \(\s*[0-9.]+%\)\s+PhazeEstimatePass", r.stderr,
            re.M)]
        if len(times) != 2:
            print("could not read the pass times:\n" + r.stderr)
            return 1
        with open(out) as f:
            ops = f.read().count("phaze.estimate = #phaze.estimate<")
        cold.append(2 * ops / times[0])
        warm.append(2 * ops / times[1])
    print("ops estimated: %d (2 estimates each), %d runs" % (ops, a.runs))
    print("cold cache: %.0f estimates/s (median)" % statistics.median(cold))
    print("warm cache: %.0f estimates/s (median; target: at least 100,000)"
          % statistics.median(warm))
    return 0


if __name__ == "__main__":
    sys.exit(main())
