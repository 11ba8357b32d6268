#!/usr/bin/env python3
"""Prints one function's totals from phaze-analyze-ops' JSON report.

Usage: layer_report.py REPORT.json FUNCTION
Prints "executions N", then "<class> macs M" and "<class> ops N bytes B" for
the tensor and collective classes.
"""

import json
import sys

with open(sys.argv[1]) as f:
    report = json.load(f)
for fn in report["functions"]:
    if fn["name"] == sys.argv[2]:
        t = fn["totals"]
        print("executions %d" % fn["executions"])
        print("tensor macs %d" % t["tensor"]["macs"])
        print("collective ops %d bytes %d" % (t["collective"]["ops"],
                                              t["collective"]["bytes_read"]))
        sys.exit(0)
print("no function %s" % sys.argv[2])
sys.exit(1)
