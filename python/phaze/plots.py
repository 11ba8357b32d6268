# ===- phaze/plots.py - figures of phaze's results ---------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""matplotlib figures: the Pareto front, a layer schedule as a Gantt chart,
the placement plan and the DeepBench embedding comparison. Each function
draws into a new figure and saves it to `path` (PNG), returning the path."""

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _save(fig, path):
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pareto(results, path):
    """Area vs throughput: every evaluated chip, the Pareto front, the best
    and the space's template chip (the TPUv4-like baseline in PHAZE's
    space) with its optimal and its fixed placement."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ev = results.evaluated
    ax.scatter([r["chip"]["area_um2"] * 1e-6 for r in ev],
               [r["best"]["samples_per_s"] for r in ev], s=4, alpha=0.3,
               color="tab:gray", label=f"evaluated ({len(ev)})")
    front = sorted(results.pareto, key=lambda r: r["area_um2"])
    ax.step([r["area_um2"] * 1e-6 for r in front],
            [r["samples_per_s"] for r in front], where="post",
            color="tab:blue", label="Pareto front")
    s = results.summary
    if s.get("best"):
        b = s["best"]
        ax.scatter([b["chip"]["area_um2"] * 1e-6], [b["samples_per_s"]],
                   marker="*", s=160, color="tab:red", zorder=5, label="best")
    for key, marker, label in [("baseline_optimal", "D", "template, optimal"),
                               ("baseline_fixed", "s", "template, fixed")]:
        if s.get(key):
            b = s[key]
            ax.scatter([b["chip"]["area_um2"] * 1e-6], [b["samples_per_s"]],
                       marker=marker, s=60, color="tab:green", zorder=5,
                       label=label)
    ax.set_xlabel("chip area (mm²)")
    ax.set_ylabel("training throughput (samples/s)")
    ax.set_title(f"{s.get('workload')} on {s.get('devices')} devices")
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return _save(fig, path)


def gantt(events, path, function=None, max_rows=24):
    """One layer function's schedule from a Chrome trace (phaze-schedule
    trace-file): one row per unit, at most `max_rows` rows (the first ones
    used). `function` picks the trace process (default: the one with the
    most events)."""
    by_pid = {}
    for e in events:
        by_pid.setdefault(e["pid"], []).append(e)
    if not by_pid:
        raise ValueError("the trace has no events")
    if function is None:
        function = max(by_pid, key=lambda k: len(by_pid[k]))
    evs = sorted(by_pid[function], key=lambda e: e["ts"])
    rows = []
    for e in evs:
        if e["tid"] not in rows:
            rows.append(e["tid"])
    shown = rows[:max_rows]
    colors = {"tensor": "tab:blue", "vector": "tab:orange",
              "network": "tab:green"}
    fig, ax = plt.subplots(figsize=(8, 0.3 * len(shown) + 1.5))
    for e in evs:
        if e["tid"] not in shown:
            continue
        y = shown.index(e["tid"])
        ax.broken_barh([(e["ts"], max(e["dur"], 1e-9))], (y - 0.4, 0.8),
                       color=colors.get(e["tid"].split(" ")[0], "tab:gray"))
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels(shown, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("time (µs)")
    more = f" ({len(rows) - len(shown)} more units not shown)" \
        if len(rows) > len(shown) else ""
    ax.set_title(f"@{function}: {len(evs)} events{more}", fontsize=9)
    return _save(fig, path)


def placement(plan, path, title="placement"):
    """The placement plan (a summary.json plan): one bar per pipeline stage
    over its layers, hatched when it recomputes, with its load; t, d, p in
    the title."""
    stages = plan["stages"]
    fig, ax = plt.subplots(figsize=(8, min(8.0, 0.25 * len(stages) + 1.5)))
    for k, st in enumerate(stages):
        ax.barh(k, st["last_layer"] - st["first_layer"] + 1,
                left=st["first_layer"], color="tab:blue",
                hatch="//" if st["recompute"] else None, edgecolor="white")
        if len(stages) <= 32:
            ax.text(st["last_layer"] + 1.2, k, f"{st['load_s'] * 1e3:.3g} ms",
                    va="center", fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("layer")
    ax.set_ylabel("stage")
    ax.set_title(f"{title}: t = {plan['t']} × d = {plan['d']} × p = "
                 f"{plan['p']} devices, {plan['microbatch_size']}-sample "
                 f"microbatches (hatched: recompute)", fontsize=9)
    return _save(fig, path)


def embedding(data, path):
    """phaze-embed --json output: speedup of the constraint-solved
    embedding over the fixed strategy, per shape (sorted), with the
    geometric mean."""
    shapes = data["shapes"]
    speedups = sorted(s["speedup"] for s in shapes)
    geo = math.exp(sum(math.log(x) for x in speedups) / len(speedups))
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.bar(range(len(speedups)), speedups, width=1.0, color="tab:blue")
    ax.axhline(geo, color="tab:red", label=f"geomean {geo:.3f}×")
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_yscale("log")
    ax.set_xlabel(f"shape ({len(speedups)}, sorted)")
    ax.set_ylabel("speedup over the fixed strategy")
    ax.set_title(f"embedding on a {data['intrinsic']} intrinsic")
    ax.legend(fontsize=8)
    return _save(fig, path)
