# ===- phaze/__init__.py - phaze's Python package ----------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""Run phaze's tools, load their JSON outputs, and draw them.

    import phaze
    out = phaze.run_search("bert-large", "bert-out", extra=["--quiet"])
    results = phaze.load_results(out)        # summary, journal, Pareto front
    phaze.plots.pareto(results, "pareto.png")

`python3 -m phaze.report RESULTS_DIR -o report.html` writes a self-contained
HTML page with the plots and the summary table (docs/Python.md).
"""

from .tools import find_tool, run_opt, run_search, run_embed
from .results import SearchResults, load_results, load_trace

__all__ = ["find_tool", "run_opt", "run_search", "run_embed",
           "SearchResults", "load_results", "load_trace"]
