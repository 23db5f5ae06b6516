#!/usr/bin/env python3
"""NumPy/OpenBLAS sgemm GFLOP/s for the same shapes as native/bench/gemm_bench.cc.

Run as:  OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 native/bench/gemm_numpy.py [threads ...]
(OpenBLAS auto-detection picks a slow SSE3 kernel on these AMD CPUs, hence CORETYPE.)
Each thread count is measured in a fresh subprocess because OpenBLAS reads
OPENBLAS_NUM_THREADS at import time. The best (minimum) time per call is reported, as in
the C++ harness. Note: for the tiny shapes (a few microseconds) NumPy's own per-call
overhead (~1 us) is part of the OpenBLAS figure.
"""
import os
import subprocess
import sys
import time

# (name, M, N, K, transA, transB[, batch]): C(MxN) = op(A) . op(B); trans means the operand is
# a transposed view of a row-major array (what the MLP backward pass uses); batch > 1 is a
# stacked matmul of contiguous (batch, M, K) x (batch, K, N) arrays.
SHAPES = [
    ("sq256", 256, 256, 256, False, False),
    ("sq512", 512, 512, 512, False, False),
    ("sq1024", 1024, 1024, 1024, False, False),
    ("sq2048", 2048, 2048, 2048, False, False),
    ("L1.fwd X.W", 128, 256, 784, False, False),
    ("L1.gW Xt.G", 784, 256, 128, True, False),
    ("L1.gX G.Wt", 128, 784, 256, False, True),
    ("L2.fwd X.W", 128, 128, 256, False, False),
    ("L2.gW Xt.G", 256, 128, 128, True, False),
    ("L2.gX G.Wt", 128, 256, 128, False, True),
    ("L3.fwd X.W", 128, 10, 128, False, False),
    ("L3.gW Xt.G", 128, 10, 128, True, False),
    ("L3.gX G.Wt", 128, 128, 10, False, True),
    ("bmm64x64^3", 64, 64, 64, False, False, 64),
    ("bmm16x128^3", 128, 128, 128, False, False, 16),
    ("bmm4x256^3", 256, 256, 256, False, False, 4),
]


def measure():
    import numpy as np

    rng = np.random.default_rng(0)
    for name, m, n, k, ta, tb, *rest in SHAPES:
        batch = rest[0] if rest else 1
        if batch > 1:
            A = rng.standard_normal((batch, m, k), dtype=np.float32)
            B = rng.standard_normal((batch, k, n), dtype=np.float32)
            out = np.empty((batch, m, n), dtype=np.float32)
        else:
            a = rng.standard_normal((k, m) if ta else (m, k), dtype=np.float32)
            b = rng.standard_normal((n, k) if tb else (k, n), dtype=np.float32)
            A = a.T if ta else a
            B = b.T if tb else b
            out = np.empty((m, n), dtype=np.float32)
        flops = 2.0 * batch * m * n * k
        # Best (minimum) time per call over groups of back-to-back calls (a group lasts
        # >= ~50 us), sampled for ~0.7 s: on a shared machine the minimum catches quiet moments.
        for _ in range(3):
            np.matmul(A, B, out=out)
        t0 = time.perf_counter()
        np.matmul(A, B, out=out)
        group = max(1, int(50e-6 / max(time.perf_counter() - t0, 1e-9)))
        best = float("inf")
        start = time.perf_counter()
        groups = 0
        while groups < 5 or time.perf_counter() - start < 0.7:
            g0 = time.perf_counter()
            for _ in range(group):
                np.matmul(A, B, out=out)
            best = min(best, (time.perf_counter() - g0) / group)
            groups += 1
        print(f"{name:<14} M={m:<5} N={n:<5} K={k:<5} {flops / best / 1e9:8.1f} GFLOP/s", flush=True)


if __name__ == "__main__":
    if os.environ.get("_GEMM_NUMPY_CHILD"):
        measure()
        sys.exit(0)
    threads = [int(t) for t in sys.argv[1:]] or [1, 2]
    for t in threads:
        env = dict(os.environ, OPENBLAS_NUM_THREADS=str(t), OMP_NUM_THREADS=str(t), _GEMM_NUMPY_CHILD="1")
        env.setdefault("OPENBLAS_CORETYPE", "SkylakeX")
        print(f"# NumPy/OpenBLAS, {t} thread(s), CORETYPE={env['OPENBLAS_CORETYPE']}", flush=True)
        subprocess.run([sys.executable, __file__], env=env, check=True)
