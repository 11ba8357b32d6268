#!/usr/bin/env python3
"""Compares a plan's iteration time with a measured one, and its MFU with
the closed-form model FLOPs of a GPT (Narayanan et al. SC'21, Korthikanti
et al. MLSys'23):

  F = 72 * B * s * l * h^2 * (1 + s / (6 h) + V / (12 h l))  per iteration

Reads phaze-opt's output (MLIR with phaze.plan / phaze.fixed_plan) on stdin.

Usage: check_iteration.py --attr fixed_plan --measured 18.13 --tolerance 0.15
           --batch 64 --seq 2048 --layers 96 --hidden 12288 --vocab 51200
           --peak 312e12

Prints the predicted and measured times, their relative difference, the
plan's MFU and the closed form's MFU at the predicted time; exits non-zero
when the time is outside the tolerance or the MFUs differ by more than 2%.
"""

import argparse
import re
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--attr", default="plan")
    p.add_argument("--measured", type=float, required=True)
    p.add_argument("--tolerance", type=float, default=0.15)
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seq", type=int, required=True)
    p.add_argument("--layers", type=int, required=True)
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--peak", type=float, required=True)
    a = p.parse_args()
    text = sys.stdin.read()
    key = "phaze.%s = #phaze.plan<" % a.attr
    start = text.find(key)
    if start < 0:
        sys.exit("no phaze.%s in the input" % a.attr)
    # The attribute's body, up to its matching '>'.
    depth, i = 1, start + len(key)
    while depth:
        depth += {"<": 1, ">": -1}.get(text[i], 0)
        i += 1
    body = text[start + len(key):i - 1]

    def field(name):
        return re.search(r"\b%s = ([^,>\]]+)" % name, body).group(1)

    t, d, pp = (int(field(x)) for x in ("t", "d", "p"))
    time = float(field("time_per_iteration_s"))
    mfu = float(re.findall(r"\bmfu = ([0-9.e+-]+)", body)[-1])
    B, s, l, h, V = a.batch, a.seq, a.layers, a.hidden, a.vocab
    flops = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * h * l))
    closed = flops / (time * t * d * pp * a.peak)
    rel = (time - a.measured) / a.measured
    print("predicted %.3f s, measured %.3f s, difference %+.1f%%" %
          (time, a.measured, 100 * rel))
    print("mfu %.3f, closed form %.3f" % (mfu, closed))
    ok = abs(rel) <= a.tolerance and abs(mfu - closed) <= 0.02 * closed
    print("within tolerance: %s" % ("yes" if ok else "no"))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
