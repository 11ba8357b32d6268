#!/usr/bin/env python3
"""Benchmark: phaze-schedule on every unique layer of the model zoo.

For each model (and tensor-parallel width), runs the workload pipeline with
estimates on a hardware file, then phaze-schedule with a per-function time
limit, and reads each function's #phaze.makespan: how many were proven
optimal, the largest gap of the others, the slowest proven solve, the
slowest solve, and the total.
Prints one row per model and a total; with --runs N, solve times are the
median over N runs, the gaps and the total's count are the first run's, a
model's proven count is a range when the runs differ (time-limited solves
vary), and a last line gives each run's total; --list-open names the
functions each run left unproven.

Runs on the hardware file's chip with its unit counts replaced (default:
8 tensor + 2 vector units, PHAZE's TPUv4-like chip, and 64 + 16).

Usage: scripts/bench_schedule.py [--build build] [--hardware hardware/phaze.mlir]
                                 [--time-limit 1] [--runs 3] [--threads 2]
                                 [--models ...]
                                 [--chips 8x2 64x16] [--list-open]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile

MAKESPAN = re.compile(
    r"func\.func (?:private )?@(\w+)\(.*?phaze\.makespan = #phaze\.makespan<"
    r"makespan_s = ([^,]+), lower_bound_s = ([^,]+), (optimal = true, )?"
    r"tasks = (\d+), solve_s = ([^>]+)>")

DEFAULT = ["gpt3-175b:1", "gpt3-175b:2", "gpt3-175b:4", "gpt3-175b:8",
           "bert-large:1", "llama2-7b:1", "resnet50:1"]
# torchvision ResNet-50 as torch-mlir exported it (../shared/data).
RESNET50 = os.path.join("models", "torchvision-linalg", "resnet50.mlir")


def chip_variant(hardware, tensors, vectors, tmp):
    """A copy of `hardware` whose first chip has the given unit counts."""
    text = open(hardware).read()
    text = re.sub(r"tensor = <count = \d+", "tensor = <count = %d" % tensors,
                  text, count=1)
    text = re.sub(r"vector = <count = \d+", "vector = <count = %d" % vectors,
                  text, count=1)
    path = os.path.join(tmp, "chip_%dt_%dv.mlir" % (tensors, vectors))
    with open(path, "w") as f:
        f.write(text)
    return path


def run_once(a, opt, model, t, hardware):
    pipe = ("--phaze-workload-pipeline=hardware=%s t=%d" % (hardware, t))
    sched = "--phaze-schedule=time-limit=%g threads=%d" % (a.time_limit,
                                                           a.threads)
    r = subprocess.run([opt, model, pipe, sched], capture_output=True,
                       text=True)
    if r.returncode != 0:
        sys.exit("phaze-opt failed on %s:\n%s" % (model, r.stderr[-2000:]))
    rows = []
    for m in MAKESPAN.finditer(r.stdout):
        name, ms, lb, opt_, tasks, solve = m.groups()
        rows.append((name, float(ms), float(lb), bool(opt_), int(tasks),
                     float(solve)))
    return rows


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    p = argparse.ArgumentParser()
    p.add_argument("--build", default=os.path.join(root, "build"))
    p.add_argument("--hardware",
                   default=os.path.join(root, "hardware", "phaze.mlir"))
    p.add_argument("--time-limit", type=float, default=1.0)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--threads", type=int, default=2,
                   help="solver threads per function (phaze-schedule's "
                        "threads option)")
    p.add_argument("--models", nargs="*", default=DEFAULT,
                   help="model[:t] names from phaze-models --list, or "
                        "resnet50 (from ../shared/data)")
    p.add_argument("--shared-data",
                   default=os.path.join(os.path.dirname(root), "shared",
                                        "data"))
    p.add_argument("--chips", nargs="*", default=["8x2", "64x16"],
                   help="tensor x vector unit counts of the hardware's chip")
    p.add_argument("--list-open", action="store_true",
                   help="after each model, the functions a run left "
                        "unproven, with their gap and solve time")
    a = p.parse_args()
    opt = os.path.join(a.build, "bin", "phaze-opt")
    tmp = tempfile.mkdtemp()
    print("%-16s %6s %6s %8s %10s %10s %10s %10s" %
          ("model", "funcs", "tasks", "optimal", "max gap", "max proven",
           "max solve", "sum solve"))
    total_f = total_o = 0
    run_opt = [0] * a.runs
    total_s = total_p = 0.0
    for chip in a.chips:
        tu, vu = (int(x) for x in chip.split("x"))
        hardware = chip_variant(a.hardware, tu, vu, tmp)
        print("-- %d tensor units, %d vector units" % (tu, vu))
        for spec in a.models:
            name, _, t = spec.partition(":")
            t = int(t or 1)
            model = os.path.join(tmp, name + ".mlir")
            if name == "resnet50":
                model = os.path.join(a.shared_data, RESNET50)
                if not os.path.exists(model):
                    print("%-16s skipped: %s not found" % (name, model))
                    continue
            elif not os.path.exists(model):
                subprocess.run([os.path.join(a.build, "bin", "phaze-models"),
                                name, "-o", model], check=True)
            runs = [run_once(a, opt, model, t, hardware)
                    for _ in range(a.runs)]
            rows = runs[0]
            solve = [statistics.median(r[i][5] for r in runs)
                     for i in range(len(rows))]
            gaps = [(r[1] - r[2]) / r[1] for r in rows if not r[3] and r[1] > 0]
            # Time-limited solves differ from run to run: the proven count
            # of each run, shown as a range when they differ.
            per_run = [sum(1 for r in run if r[3]) for run in runs]
            n_opt = per_run[0]
            for k, c in enumerate(per_run):
                run_opt[k] += c
            proven = [s for r, s in zip(rows, solve) if r[3]]
            counts = ("%d/%d" % (n_opt, len(rows)) if min(per_run) ==
                      max(per_run) else
                      "%d-%d/%d" % (min(per_run), max(per_run), len(rows)))
            print("%-16s %6d %6d %8s %9.1f%% %9.3fs %9.3fs %9.3fs" %
                  ("%s t=%d" % (name, t), len(rows), max(r[4] for r in rows),
                   counts, 100 * max(gaps or [0]),
                   max(proven or [0]), max(solve), sum(solve)))
            if a.list_open:
                for k, run in enumerate(runs):
                    for r in run:
                        if not r[3]:
                            gap = (r[1] - r[2]) / r[1] if r[1] > 0 else 0
                            print("  run %d: @%s open, gap %.4f%%, %.3fs" %
                                  (k + 1, r[0], 100 * gap, r[5]))
            total_p = max([total_p] + proven)
            total_f += len(rows)
            total_o += n_opt
            total_s += sum(solve)
    print("%-16s %6d %6s %8s %10s %9.3fs %10s %9.3fs" %
          ("total", total_f, "", "%d/%d" % (total_o, total_f), "", total_p,
           "", total_s))
    if a.runs > 1:
        print("proven per run: %s of %d" %
              (", ".join(str(c) for c in run_opt), total_f))


if __name__ == "__main__":
    main()
