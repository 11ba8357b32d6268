# ===- test_phaze.py - unit tests of the phaze Python package ----------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""Unit tests: loading outputs (and their errors) and each plot, on small
hand-made inputs whose figures are known."""

import json
import os
import struct
import tempfile
import unittest

import phaze
from phaze import plots
from phaze.results import load_results


def png_size(path):
    """Width and height from a PNG's IHDR chunk."""
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


def chip(area):
    return {"tensor_count": 2, "tensor_rows": 8, "tensor_cols": 8,
            "vector_count": 1, "vector_lanes": 8,
            "global_buffer_bytes": 2097152, "area_um2": area}


def plan(samples):
    return {"t": 1, "d": 2, "p": 2, "microbatch_size": 1, "hbm_gib": 16,
            "recompute": "off", "samples_per_s": samples,
            "time_per_iteration_s": 64 / samples,
            "stages": [{"first_layer": 0, "last_layer": 1, "load_s": 1e-3,
                        "recompute": False, "memory_bytes": 1e9},
                       {"first_layer": 2, "last_layer": 3, "load_s": 2e-3,
                        "recompute": True, "memory_bytes": 1e9}]}


class Outputs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.dir = self.tmp.name
        best = dict(plan(200), chip=chip(2e6))
        summary = {"workload": "w", "devices": 4, "best": best,
                   "baseline_optimal": dict(plan(100), chip=chip(3e6)),
                   "baseline_fixed": None,
                   "speedup_vs_baseline_optimal": 2.0}
        with open(os.path.join(d, "summary.json"), "w") as f:
            json.dump(summary, f)
        with open(os.path.join(d, "results.jsonl"), "w") as f:
            for i, (area, s) in enumerate([(2e6, 200), (3e6, 100)]):
                f.write(json.dumps({"id": i, "status": "evaluated",
                                    "chip": chip(area),
                                    "best": plan(s)}) + "\n")
            f.write(json.dumps({"id": 2, "status": "pruned",
                                "chip": chip(1e6)}) + "\n")
        with open(os.path.join(d, "pareto.csv"), "w") as f:
            f.write("id,area_um2,samples_per_s,recompute\n0,2000000,200,off\n")

    def tearDown(self):
        self.tmp.cleanup()

    def test_load(self):
        r = load_results(self.dir)
        self.assertEqual(len(r.journal), 3)
        self.assertEqual([x["id"] for x in r.evaluated], [0, 1])
        self.assertEqual(r.pareto[0]["samples_per_s"], 200.0)
        self.assertIsNone(r.trace)

    def test_bad_journal_line_is_located(self):
        with open(os.path.join(self.dir, "results.jsonl"), "a") as f:
            f.write("{cut\n")
        with self.assertRaisesRegex(ValueError, r"results.jsonl:4"):
            load_results(self.dir)

    def test_plots(self):
        r = load_results(self.dir)
        out = os.path.join(self.dir, "p.png")
        w, h = png_size(plots.pareto(r, out))
        self.assertGreater(w, 300)
        self.assertGreater(h, 200)
        png_size(plots.placement(r.summary["best"],
                                 os.path.join(self.dir, "pl.png")))
        events = [{"name": "a", "ph": "X", "ts": 0, "dur": 5, "pid": "f",
                   "tid": "tensor 0"},
                  {"name": "b", "ph": "X", "ts": 5, "dur": 2, "pid": "f",
                   "tid": "vector 0"},
                  {"name": "c", "ph": "X", "ts": 0, "dur": 1, "pid": "g",
                   "tid": "network"}]
        png_size(plots.gantt(events, os.path.join(self.dir, "g.png")))
        png_size(plots.embedding({"intrinsic": "1x16x16",
                                  "shapes": [{"speedup": 1.0},
                                             {"speedup": 4.0}]},
                                 os.path.join(self.dir, "e.png")))

    def test_gantt_rejects_an_empty_trace(self):
        with self.assertRaises(ValueError):
            plots.gantt([], os.path.join(self.dir, "g.png"))

    def test_report(self):
        from phaze.report import write_report
        out = os.path.join(self.dir, "r.html")
        self.assertEqual(write_report(self.dir, out), 2)
        with open(out) as f:
            page = f.read()
        self.assertIn("<td>best</td>", page)
        self.assertIn("2.00×", page)  # speedup vs the optimal baseline
        self.assertEqual(page.count('<img class="figure"'), 2)


class Tools(unittest.TestCase):
    def test_missing_tool(self):
        old = os.environ.get("PHAZE_BIN")
        os.environ["PHAZE_BIN"] = "/nonexistent"
        try:
            with self.assertRaises(phaze.tools.ToolError):
                phaze.find_tool("no-such-phaze-tool")
        finally:
            if old is None:
                del os.environ["PHAZE_BIN"]
            else:
                os.environ["PHAZE_BIN"] = old


if __name__ == "__main__":
    unittest.main()
