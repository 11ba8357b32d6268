#!/usr/bin/env python3
# ===- check_search.py - check phaze-search outputs -------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
#
# Checks, from the files alone, what phaze-search claims:
#   check_search.py outputs DIR
#       results.jsonl holds each candidate once; the summary's best is the
#       maximum objective over the evaluated lines (ties: lowest id); every
#       evaluated objective is at most its admissible bound; every pruned
#       candidate's bound is below the best; the counts add up; pareto.csv
#       is exactly the non-dominated (area, samples/s) set; best.mlir's
#       #phaze.plan (phaze-opt's pipeline on the winner) has the driver's
#       time per iteration and throughput.
#   check_search.py same DIR_A DIR_B
#       both searches found the same best (chip and figures) and the same
#       baselines.
#   check_search.py identical DIR_A DIR_B
#       the summaries agree in everything but wall times, and the journals
#       hold the same results (in any order, times aside).
#
# ===------------------------------------------------------------------------===#

import json
import os
import re
import sys


def load(d):
    with open(os.path.join(d, "summary.json")) as f:
        summary = json.load(f)
    lines = {}
    with open(os.path.join(d, "results.jsonl")) as f:
        for n, line in enumerate(f, 1):
            r = json.loads(line)
            if r["id"] in lines:
                sys.exit(f"{d}: candidate {r['id']} twice (line {n})")
            lines[r["id"]] = r
    return summary, lines


def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def outputs(d):
    s, lines = load(d)
    evaluated = [r for r in lines.values() if r["status"] == "evaluated"]
    pruned = [r for r in lines.values() if r["status"] == "pruned"]
    infeasible = [r for r in lines.values() if r["status"] == "infeasible"]
    if len(evaluated) + len(infeasible) != s["evaluated"]:
        sys.exit(f"evaluated: {len(evaluated)} + {len(infeasible)} lines, "
                 f"summary says {s['evaluated']}")
    if len(pruned) != s["pruned"] or len(infeasible) != s["infeasible"]:
        sys.exit("pruned/infeasible counts disagree with the journal")
    if s["evaluated"] + s["pruned"] + s["not_visited"] != s["searched"]:
        sys.exit("counts do not add up to the candidates searched")
    for r in evaluated:
        if r["bound"] is not None and \
                r["best"]["objective"] > r["bound"] * (1 + 1e-12):
            sys.exit(f"candidate {r['id']}: objective "
                     f"{r['best']['objective']} above its bound {r['bound']}")
    if not evaluated:
        if s["best"] is not None:
            sys.exit("a best without evaluated candidates")
        print("no feasible candidate")
        return
    top = max(evaluated, key=lambda r: (r["best"]["objective"], -r["id"]))
    best = s["best"]
    if best["objective"] != top["best"]["objective"] or \
            best["chip"] != top["chip"]:
        sys.exit(f"summary best {best['chip']} {best['objective']} is not the "
                 f"journal's maximum {top['chip']} {top['best']['objective']}")
    for r in pruned:
        if r["bound"] is None or not r["bound"] < best["objective"]:
            sys.exit(f"candidate {r['id']} pruned with bound {r['bound']} >= "
                     f"the best {best['objective']}")
    # The Pareto front, by brute force over the evaluated candidates.
    points = [(r["chip"]["area_um2"], r["best"]["samples_per_s"], r["id"])
              for r in evaluated]
    front = set()
    for a, t, i in points:
        dominated = any((a2 <= a and t2 > t) or (a2 < a and t2 >= t)
                        for a2, t2, _ in points)
        if not dominated:
            front.add(i)
    with open(os.path.join(d, "pareto.csv")) as f:
        rows = f.read().splitlines()[1:]
    ids = {int(row.split(",")[0]) for row in rows}
    # Points equal in both figures: the front keeps one of them.
    if not ids <= front or len(ids) != len({(a, t) for a, t, i in points
                                             if i in front}):
        sys.exit(f"pareto.csv {sorted(ids)} is not the front {sorted(front)}")
    # best.mlir: the phaze-opt pipeline's plan on the winner.
    with open(os.path.join(d, "best.mlir")) as f:
        text = f.read()
    m = re.search(r"phaze\.plan = #phaze\.plan<([^\n]*)", text)
    if not m:
        sys.exit("best.mlir has no #phaze.plan")
    plan = m.group(1)

    def field(name):
        f = re.search(name + r" = ([-0-9.e+]+)", plan)
        if not f:
            sys.exit(f"best.mlir's plan has no {name}")
        return float(f.group(1))

    for name in ["time_per_iteration_s", "samples_per_s", "tokens_per_s"]:
        if not close(field(name), best[name], 1e-9):
            sys.exit(f"best.mlir {name} = {field(name)}, the driver's "
                     f"{best[name]}")
    for name in ["t", "d", "p"]:
        if int(field(name)) != best[name]:
            sys.exit(f"best.mlir {name} = {field(name)}, the driver's "
                     f"{best[name]}")
    cert = s.get("best_schedules_certified")
    if s.get("schedules") == "list-schedule":
        if not cert or cert["functions"] < 1 or \
                not 0 <= cert["list_schedule_proven_optimal"] <= cert["functions"] \
                or not 0 <= cert["max_gap_to_milp_bound"] < 1:
            sys.exit(f"best_schedules_certified missing or inconsistent: {cert}")
    print(f"ok: best {best['objective']:.6g} over {len(evaluated)} evaluated, "
          f"{len(pruned)} pruned, front of {len(ids)}")


def strip(x):
    if isinstance(x, dict):
        return {k: strip(v) for k, v in x.items()
                if k not in ("wall_s", "evaluate_cpu_s", "evaluate_s")}
    if isinstance(x, list):
        return [strip(v) for v in x]
    return x


def same(a, b):
    sa, _ = load(a)
    sb, _ = load(b)
    for key in ["best", "baseline_optimal", "baseline_fixed"]:
        if strip(sa[key]) != strip(sb[key]):
            brief = [{k: v for k, v in (x or {}).items() if k != "stages"}
                     for x in (sa[key], sb[key])]
            sys.exit(f"{key} differs:\n{brief[0]}\n{brief[1]}")
    print("ok: same best")


def identical(a, b):
    sa, la = load(a)
    sb, lb = load(b)
    if strip(sa) != strip(sb):
        keys = [k for k in sa if strip(sa.get(k)) != strip(sb.get(k))]
        sys.exit(f"summaries differ in {keys}")
    if strip(la) != strip(lb):
        sys.exit("journals differ")
    print(f"ok: identical ({len(la)} results)")


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "outputs":
        outputs(sys.argv[2])
    elif mode == "same":
        same(sys.argv[2], sys.argv[3])
    elif mode == "identical":
        identical(sys.argv[2], sys.argv[3])
    else:
        sys.exit("usage: check_search.py outputs DIR | same A B | identical A B")
