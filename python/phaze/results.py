# ===- phaze/results.py - load phaze-search outputs --------------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""Load what phaze-search writes (docs/Search.md, "Outputs")."""

import csv
import json
import os


class SearchResults:
    """A search's outputs: `summary` (summary.json), `journal` (the lines of
    results.jsonl), `pareto` (rows of pareto.csv as dicts), `trace` (the
    winner's Chrome trace events, or None) and `directory`."""

    def __init__(self, directory, summary, journal, pareto, trace):
        self.directory = directory
        self.summary = summary
        self.journal = journal
        self.pareto = pareto
        self.trace = trace

    @property
    def evaluated(self):
        """The journal lines of evaluated candidates with a placement."""
        return [r for r in self.journal if r.get("status") == "evaluated"]


def load_trace(path):
    """The events of a Chrome trace written by phaze-schedule."""
    with open(path) as f:
        return json.load(f)["traceEvents"]


def load_results(directory):
    """Loads a phaze-search output directory; raises FileNotFoundError or
    ValueError with the file's name when something is missing or bad."""
    def path(name):
        return os.path.join(directory, name)

    try:
        with open(path("summary.json")) as f:
            summary = json.load(f)
    except json.JSONDecodeError as e:
        raise ValueError(f"{path('summary.json')}: {e}") from e
    journal = []
    with open(path("results.jsonl")) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                journal.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise ValueError(f"{path('results.jsonl')}:{n}: {e}") from e
    with open(path("pareto.csv")) as f:
        pareto = [{k: (v if k == "recompute" else float(v))
                   for k, v in row.items()} for row in csv.DictReader(f)]
    trace = None
    if os.path.exists(path("best-trace.json")):
        trace = load_trace(path("best-trace.json"))
    return SearchResults(directory, summary, journal, pareto, trace)
