#!/usr/bin/env python3
"""Compares phaze's enumeration of PHAZE's space with PHAZE's own cores.json.

Usage: compare_cores.py ENUMERATION.jsonl CORES.json

ENUMERATION.jsonl is what `phaze-opt --accel-enumerate-space` writes; CORES.json
is msr-fiddle/phaze Estimator/arch_configs/cores.json (PHAZE's list, in PHAZE's
enumeration order). PHAZE's fields map to phaze's as num_tc -> tensor_count,
num_vc -> vector_count, width -> tensor_cols, depth -> tensor_rows, width_vc ->
vector_lanes, GLB_Buffer -> global_buffer_bytes, area -> area_um2.

Prints the counts, whether the order is identical, and the largest relative
area difference; exits non-zero if the sets differ or any area differs by more
than 1e-9 relative.
"""

import json
import sys


def main():
    ours = []
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line)
            key = (r["tensor_count"], r["vector_count"], r["tensor_cols"],
                   r["tensor_rows"], r["vector_lanes"],
                   r["global_buffer_bytes"])
            ours.append((key, r["area_um2"]))
    with open(sys.argv[2]) as f:
        theirs = [((c["num_tc"], c["num_vc"], c["width"], c["depth"],
                    c["width_vc"], c["GLB_Buffer"]), c["area"])
                  for c in json.load(f)]

    print("phaze configurations: %d" % len(ours))
    print("PHAZE configurations: %d" % len(theirs))
    ours_map, theirs_map = dict(ours), dict(theirs)
    missing = set(theirs_map) - set(ours_map)
    extra = set(ours_map) - set(theirs_map)
    print("missing: %d" % len(missing))
    print("extra: %d" % len(extra))
    same_order = [k for k, _ in ours] == [k for k, _ in theirs]
    print("order: %s" % ("identical" if same_order else "different"))
    worst = 0.0
    for k in set(ours_map) & set(theirs_map):
        a, b = ours_map[k], theirs_map[k]
        worst = max(worst, abs(a - b) / abs(b))
    print("max relative area difference: %.1e" % worst)
    ok = not missing and not extra and len(ours) == len(theirs) and worst <= 1e-9
    print("within 1e-9: %s" % ("yes" if worst <= 1e-9 else "no"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
