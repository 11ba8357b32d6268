# ===- phaze/tools.py - run phaze's command-line tools -----------------------===#
#
# Part of the phaze project, under the Apache License v2.0 with LLVM
# Exceptions.
#
# ===------------------------------------------------------------------------===#
"""Locate and run phaze-search, phaze-opt and phaze-embed."""

import os
import shutil
import subprocess


class ToolError(RuntimeError):
    """A phaze tool exited with an error; the message holds its stderr."""


def find_tool(name):
    """The path of tool `name`: $PHAZE_BIN/name, the build tree next to this
    package (build/bin), or the PATH."""
    candidates = []
    if os.environ.get("PHAZE_BIN"):
        candidates.append(os.path.join(os.environ["PHAZE_BIN"], name))
    here = os.path.dirname(os.path.abspath(__file__))
    candidates.append(os.path.join(here, "..", "..", "build", "bin", name))
    for c in candidates:
        if os.access(c, os.X_OK):
            return os.path.abspath(c)
    found = shutil.which(name)
    if found:
        return found
    raise ToolError(f"{name} not found: set PHAZE_BIN or build phaze "
                    f"(bash scripts/build.sh)")


def _run(args):
    proc = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        raise ToolError(f"{' '.join(args)} failed ({proc.returncode}):\n"
                        f"{proc.stderr}")
    return proc.stdout


def run_search(workload, output_dir, extra=()):
    """Runs phaze-search on `workload` (model-zoo name or MLIR file) into
    `output_dir`; returns the directory. `extra` are more options."""
    _run([find_tool("phaze-search"), workload, "-o", output_dir, *extra])
    return output_dir


def run_opt(input_file, output_file, pipeline_args):
    """Runs phaze-opt INPUT [pipeline_args...] -o OUTPUT; returns stdout."""
    return _run([find_tool("phaze-opt"), input_file, *pipeline_args, "-o",
                 output_file])


def run_embed(args, json_file):
    """Runs phaze-embed with `args` and --json=json_file; returns the file."""
    _run([find_tool("phaze-embed"), *args, f"--json={json_file}"])
    return json_file
