#!/usr/bin/env python3
"""Counts the MACs of a torch-mlir linalg model from its operand shapes.

Usage: count_macs.py MODEL.mlir [PHAZE_REPORT.json]

An independent check of phaze-analyze-ops: it reads the named linalg
convolution and matmul ops as text and computes MACs from their operand
shapes alone (output elements times the reduction extent from the filter or
the shared matmul dimension). It knows nothing of indexing maps.
Prints "MACs: N". Given phaze-analyze-ops' JSON report, also compares its
module total of tensor-class MACs and ops with this count, prints
"match: yes" or "match: no", and exits non-zero on a mismatch.
"""

import json

import re
import sys
from functools import reduce

OP = re.compile(r"linalg\.(conv_2d_nchw_fchw|depthwise_conv_2d_nchw_chw|"
                r"matmul|batch_matmul)\b.*?ins\((.*?)\)\s*outs\((.*?)\)")
TENSOR = re.compile(r"tensor<([0-9x]+)x[a-z0-9]+>")


def shape(text):
    return [int(d) for d in text.split("x")]


def prod(xs):
    return reduce(lambda a, b: a * b, xs, 1)


def main():
    total = 0
    count = 0
    with open(sys.argv[1]) as f:
        for line in f:
            m = OP.search(line)
            if not m:
                continue
            kind = m.group(1)
            ins = [shape(t) for t in TENSOR.findall(m.group(2))]
            outs = [shape(t) for t in TENSOR.findall(m.group(3))]
            out = outs[0]
            if kind == "conv_2d_nchw_fchw":      # filter F x C x KH x KW
                total += prod(out) * prod(ins[1][1:])
            elif kind == "depthwise_conv_2d_nchw_chw":  # filter C x KH x KW
                total += prod(out) * prod(ins[1][1:])
            elif kind == "matmul":                # [M, K] x [K, N]
                total += prod(out) * ins[0][-1]
            elif kind == "batch_matmul":          # [B, M, K] x [B, K, N]
                total += prod(out) * ins[0][-1]
            count += 1
    print("ops: %d" % count)
    print("MACs: %d" % total)
    if len(sys.argv) > 2:
        with open(sys.argv[2]) as f:
            tensor = json.load(f)["totals"]["tensor"]
        print("phaze ops: %d" % tensor["ops"])
        print("phaze MACs: %d" % tensor["macs"])
        ok = tensor["macs"] == total and tensor["ops"] == count
        print("match: %s" % ("yes" if ok else "no"))
        sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
