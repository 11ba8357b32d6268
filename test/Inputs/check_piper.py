#!/usr/bin/env python3
"""Checks phaze-partition against the values Piper's own program computes.

Reads ../shared/data/piper/expected.json (values and stage counts from
Piper's algo.cpp on its own inputs), runs phaze-partition on each entry with
the same overrides, and checks:
  - piper-greedy mode: the value to relative 1e-6 and the stage count;
  - exact mode: never worse than Piper's value; strictly better on at
    least one entry;
  - the infeasible instance of piper-model.md section 10 (resnet.json,
    2 GiB, 4 devices) is infeasible in both modes.
Prints one line per run; exits non-zero on the first mismatch.

Usage: check_piper.py PHAZE_PARTITION PIPER_DATA_DIR
"""

import json
import os
import subprocess
import sys

GIB = 2 ** 30


def run(tool, path, mem_gib, devices, choice, microbatches=None):
    cmd = [tool, path, "--json", "--stage-choice=" + choice,
           "--memory-gib=%g" % mem_gib, "--max-devices=%d" % devices,
           "--bandwidth=%d" % (25 * GIB)]
    if microbatches:
        cmd.append("--microbatches=%d" % microbatches)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 2):
        sys.exit("phaze-partition failed: %s\n%s" % (" ".join(cmd), r.stderr))
    return json.loads(r.stdout)


def main():
    tool, data = sys.argv[1], sys.argv[2]
    expected = json.load(open(os.path.join(data, "expected.json")))["results"]
    better = 0
    for e in expected:
        o = e["overrides"]
        mem = float(o["maxMemoryPerDevice"].split("*")[0])
        assert o["maxMemoryPerDevice"].endswith("2^30")
        assert o["bandwidth"] == "25 * 2^30"
        path = os.path.join(data, e["file"])
        label = "%s %g GiB k=%d" % (e["file"], mem, o["maxDevices"])
        g = run(tool, path, mem, o["maxDevices"], "piper-greedy",
                o.get("mbsInBatch"))
        if not g["feasible"]:
            sys.exit("FAIL %s: piper-greedy infeasible" % label)
        rel = abs(g["timePerSample"] - e["timePerSample"]) / e["timePerSample"]
        print("%s piper-greedy %.12g (Piper %.12g, rel %.1e) stages %d (Piper %d)"
              % (label, g["timePerSample"], e["timePerSample"], rel,
                 len(g["stages"]), e["stages"]))
        if rel > 1e-6:
            sys.exit("FAIL %s: value" % label)
        if len(g["stages"]) != e["stages"]:
            sys.exit("FAIL %s: stage count" % label)
        x = run(tool, path, mem, o["maxDevices"], "exact", o.get("mbsInBatch"))
        if not x["feasible"]:
            sys.exit("FAIL %s: exact infeasible" % label)
        print("%s exact %.12g (%+.3f%% vs Piper)" %
              (label, x["timePerSample"],
               100 * (x["timePerSample"] / e["timePerSample"] - 1)))
        if x["timePerSample"] > e["timePerSample"] * (1 + 1e-9):
            sys.exit("FAIL %s: exact worse than Piper" % label)
        if x["timePerSample"] < e["timePerSample"] * (1 - 1e-6):
            better += 1
    for choice in ("piper-greedy", "exact"):
        r = run(tool, os.path.join(data, "resnet.json"), 2, 4, choice)
        print("resnet.json 2 GiB k=4 %s feasible=%s" % (choice, r["feasible"]))
        if r["feasible"]:
            sys.exit("FAIL: resnet.json 2 GiB k=4 must be infeasible")
    print("exact strictly better on %d of %d" % (better, len(expected)))
    if better < 1:
        sys.exit("FAIL: exact mode never better than Piper's greedy")


if __name__ == "__main__":
    main()
