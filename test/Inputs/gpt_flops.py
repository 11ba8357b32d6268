#!/usr/bin/env python3
"""Checks a GPT model's tensor FLOPs against the closed form of Narayanan et
al. (SC'21) / Korthikanti et al. (MLSys'23):

  F(fwd+bwd) = 72 * B * s * l * h^2 * (1 + s / (6 h) + V / (12 h l))

The forward pass alone is one third of it. Usage:

  gpt_flops.py REPORT.json --batch B --seq S --layers L --hidden H --vocab V
               [--passes 1|3] [--tolerance 0.005]

REPORT.json is phaze-analyze-ops' JSON report; its module total of
tensor-class FLOPs is compared. Prints the two values, their relative
difference and "within tolerance: yes|no"; exits non-zero when outside.
"""

import argparse
import json
import sys


def main():
    p = argparse.ArgumentParser()
    p.add_argument("report")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--seq", type=int, required=True)
    p.add_argument("--layers", type=int, required=True)
    p.add_argument("--hidden", type=int, required=True)
    p.add_argument("--vocab", type=int, required=True)
    p.add_argument("--passes", type=int, default=1, choices=[1, 3])
    p.add_argument("--tolerance", type=float, default=0.005)
    a = p.parse_args()
    B, s, l, h, V = a.batch, a.seq, a.layers, a.hidden, a.vocab
    full = 72 * B * s * l * h * h * (1 + s / (6 * h) + V / (12 * h * l))
    expected = full * a.passes / 3
    with open(a.report) as f:
        got = json.load(f)["totals"]["tensor"]["flops"]
    rel = abs(got - expected) / expected
    print("formula FLOPs: %.6e" % expected)
    print("phaze FLOPs: %.6e" % got)
    print("relative difference: %.2e" % rel)
    ok = rel <= a.tolerance
    print("within tolerance: %s" % ("yes" if ok else "no"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
