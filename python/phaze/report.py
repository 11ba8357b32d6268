# ===- phaze/report.py - an HTML report of a phaze-search run ----------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""python3 -m phaze.report RESULTS_DIR -o report.html [--embedding FILE]

Writes one self-contained HTML page (figures embedded as PNG data) with the
summary table, the Pareto front, the winner's placement plan, one of its
layer schedules (when the search wrote best-trace.json) and, with
--embedding (phaze-embed --json), the DeepBench embedding comparison."""

import argparse
import base64
import html
import json
import os
import sys
import tempfile

from . import plots
from .results import load_results


def _img(path, alt):
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode()
    return (f'<figure><img class="figure" alt="{html.escape(alt)}" '
            f'src="data:image/png;base64,{data}"><figcaption>'
            f'{html.escape(alt)}</figcaption></figure>')


def _row(name, r):
    if not r:
        return (f"<tr><td>{html.escape(name)}</td>"
                f"<td colspan='8'>no feasible placement</td></tr>")
    c = r["chip"]
    chip = (f"{c['tensor_count']}×{c['tensor_rows']}×{c['tensor_cols']} TU, "
            f"{c['vector_count']}×{c['vector_lanes']} VU, "
            f"{c['global_buffer_bytes'] >> 20} MiB")
    cells = [name, chip, f"{c['area_um2'] * 1e-6:.2f}",
             f"{r['t']}×{r['d']}×{r['p']}", r["microbatch_size"],
             f"{r['hbm_gib']:g}", r["recompute"],
             f"{r['samples_per_s']:.4g}", f"{r['time_per_iteration_s']:.4g}"]
    return "<tr>" + "".join(f"<td>{html.escape(str(x))}</td>"
                            for x in cells) + "</tr>"


def write_report(directory, output, embedding_json=None):
    """Writes the report of the search in `directory` to `output`."""
    res = load_results(directory)
    s = res.summary
    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        figures.append(_img(plots.pareto(res, os.path.join(tmp, "p.png")),
                            "Pareto front: chip area vs throughput"))
        if s.get("best"):
            figures.append(_img(
                plots.placement(s["best"], os.path.join(tmp, "pl.png"),
                                "best"),
                "placement of the best architecture"))
        if res.trace:
            figures.append(_img(plots.gantt(res.trace,
                                            os.path.join(tmp, "g.png")),
                                "a layer schedule of the best architecture"))
        if embedding_json:
            with open(embedding_json) as f:
                data = json.load(f)
            figures.append(_img(plots.embedding(data,
                                                os.path.join(tmp, "e.png")),
                                "embedding vs the fixed strategy"))
    split = s.get("baseline_fixed_split")
    rows = [_row("best", s.get("best")),
            _row("template, optimal placement", s.get("baseline_optimal"))]
    if split:
        rows.append(_row("template, fixed {}×{}×{}".format(*split),
                         s.get("baseline_fixed")))
    speed = s.get("speedup_vs_baseline_fixed") or \
        s.get("speedup_vs_baseline_optimal")
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>phaze-search: {html.escape(str(s.get('workload')))}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; max-width: 70em; }}
table {{ border-collapse: collapse; }}
td, th {{ border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }}
td:first-child, td:nth-child(2) {{ text-align: left; }}
img.figure {{ max-width: 100%; }}
</style></head>
<body>
<h1>phaze-search: {html.escape(str(s.get('workload')))}</h1>
<p>Space @{html.escape(str(s.get('space')))} on @{html.escape(
        str(s.get('system')))} ({s.get('devices')} devices), objective
{html.escape(str(s.get('objective')))}, global batch {s.get('global_batch')}:
{s.get('candidates')} candidates, {s.get('evaluated')} evaluated,
{s.get('pruned')} pruned, {s.get('infeasible')} infeasible in
{s.get('wall_s', 0):.1f} s. Schedules: {html.escape(str(s.get('schedules')))}
(largest gap {100 * s.get('max_schedule_gap', 0):.1f} %).
{'Speedup of the best over the baseline: %.2f×.' % speed if speed else ''}</p>
<table id="summary">
<tr><th>configuration</th><th>chip</th><th>area (mm²)</th><th>t×d×p</th>
<th>mbs</th><th>HBM (GiB)</th><th>recompute</th><th>samples/s</th>
<th>s/iteration</th></tr>
{''.join(rows)}
</table>
{''.join(figures)}
<script>
// Marks the page once every figure has decoded (the rendering test reads it).
window.addEventListener("load", () => {{
  const imgs = Array.from(document.querySelectorAll("img.figure"));
  document.body.dataset.figures = imgs.length;
  document.body.dataset.rendered =
      imgs.filter(i => i.complete && i.naturalWidth > 0).length;
}});
</script>
</body></html>
"""
    with open(output, "w") as f:
        f.write(page)
    return len(figures)


def main(argv=None):
    p = argparse.ArgumentParser(
        prog="python3 -m phaze.report",
        description="Write a self-contained HTML report of a phaze-search "
                    "output directory.")
    p.add_argument("results", help="phaze-search's output directory")
    p.add_argument("-o", "--output", default="report.html")
    p.add_argument("--embedding",
                   help="phaze-embed --json output to add its comparison")
    a = p.parse_args(argv)
    try:
        n = write_report(a.results, a.output, a.embedding)
    except (OSError, ValueError, KeyError) as e:
        print(f"phaze.report: error: {e}", file=sys.stderr)
        return 1
    print(f"phaze.report: wrote {a.output} ({n} figures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
