#!/usr/bin/env python3
"""OpenBLAS (through Debian's NumPy) matmul timings for bench/matmul.ts.

Reads a JSON list of {name, m, n, k, transA, transB} on stdin and prints a JSON list of
{name, gflops}. transA/transB mean the operand is a transposed view of a row-major array.
Timing: 3 warm-up calls, then the best of 7 timed loops of at least 0.1 s each.

Run by the bench as: OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=<t> /usr/bin/python3 numpy_matmul.py
(OpenBLAS's auto-detection picks a slow SSE3 kernel on these CPUs, hence the forced core type.)
"""
import json
import sys
import time

import numpy as np


def best_seconds(fn):
    for _ in range(3):
        fn()
    best = float("inf")
    for _ in range(7):
        iters = 0
        start = time.perf_counter()
        while True:
            fn()
            iters += 1
            elapsed = time.perf_counter() - start
            if elapsed > 0.1 and iters >= 3:
                break
        best = min(best, elapsed / iters)
    return best


def main():
    shapes = json.load(sys.stdin)
    rng = np.random.default_rng(0)
    results = []
    for s in shapes:
        m, n, k = s["m"], s["n"], s["k"]
        a = rng.standard_normal((k, m) if s["transA"] else (m, k), dtype=np.float32)
        b = rng.standard_normal((n, k) if s["transB"] else (k, n), dtype=np.float32)
        A = a.T if s["transA"] else a
        B = b.T if s["transB"] else b
        out = np.empty((m, n), dtype=np.float32)
        seconds = best_seconds(lambda: np.matmul(A, B, out=out))
        results.append({"name": s["name"], "gflops": 2.0 * m * n * k / seconds / 1e9})
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
