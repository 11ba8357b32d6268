#!/usr/bin/env python3
"""Checks phaze-partition against the results of PHAZE's own DP program.

Reads ../shared/data/phaze/dp-examples/expected.json (finalTimePerBatch,
data- and tensor-parallel degrees, stage sizes and the fixed strategy's time
per batch, as PHAZE's device_placement program printed them; null where the
fixed strategy does not fit) and runs phaze-partition on each file. Times
must agree to relative 1e-12, degrees and stage sizes exactly. Prints one
line per instance; exits non-zero on the first mismatch.

Usage: check_phaze_dp.py PHAZE_PARTITION DP_EXAMPLES_DIR
"""

import json
import os
import subprocess
import sys


def close(a, b):
    return abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def main():
    tool, data = sys.argv[1], sys.argv[2]
    expected = json.load(open(os.path.join(data, "expected.json")))["results"]
    for e in expected:
        r = subprocess.run([tool, os.path.join(data, e["file"]), "--json"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit("phaze-partition failed on %s:\n%s" % (e["file"], r.stderr))
        j = json.loads(r.stdout)
        plan = j["plan"]
        sizes = [len(s["nodes"]) for s in plan["stages"]]
        fixed = j["fixedStrategy"]
        fixed_tpb = fixed["timePerBatchSeconds"] if fixed else None
        print("%s: %.17g d=%d t=%d stages %s fixed %s" %
              (e["file"], plan["timePerBatchSeconds"],
               plan["dataParallelDegree"], plan["tensorParallelDegree"],
               sizes, "%.17g" % fixed_tpb if fixed else "infeasible"))
        if not close(plan["timePerBatchSeconds"], e["finalTimePerBatch"]):
            sys.exit("FAIL %s: finalTimePerBatch %r" %
                     (e["file"], e["finalTimePerBatch"]))
        if plan["dataParallelDegree"] != e["dataParallelDegree"]:
            sys.exit("FAIL %s: dataParallelDegree" % e["file"])
        if plan["tensorParallelDegree"] != e.get("tensorParallelDegree", 1):
            sys.exit("FAIL %s: tensorParallelDegree" % e["file"])
        if sizes != e["stageSizes"]:
            sys.exit("FAIL %s: stage sizes %s" % (e["file"], e["stageSizes"]))
        want = e["fixedStrategyTimePerBatch"]
        if (want is None) != (fixed is None):
            sys.exit("FAIL %s: fixed strategy feasibility" % e["file"])
        if want is not None and not close(fixed_tpb, want):
            sys.exit("FAIL %s: fixedStrategyTimePerBatch %r" % (e["file"], want))
    print("all %d agree" % len(expected))


if __name__ == "__main__":
    main()
