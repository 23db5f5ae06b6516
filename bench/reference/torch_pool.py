#!/usr/bin/env python3
"""PyTorch reference for bench/pool.ts (Debian's python3-torch).

argv: <threads>; stdin: one JSON object {"kernels": [{"torch": "<python lambda of x>", "shape":
[...], "channelsLast": bool}], "layers": [[N, C, H, W] input of each stage of the CNN]}.
Prints one JSON object:
  {"kernels": [[forward s, forward + backward s] per kernel case],
   "layers": [[forward s, forward + backward s] per stage]}
Kernel cases run each op on a normal input (channels-last memory when asked), forward under
no_grad, and forward + backward with a random output gradient. The stages are the issue's CNN
(bench/conv.ts) cut into its layers: Conv2d(1, 32, 3, padding=1) + ReLU, MaxPool2d(2),
Conv2d(32, 64, 3, padding=1) + ReLU, MaxPool2d(2), Flatten + Linear(3136, 128) + ReLU,
Linear(128, 10); each timed alone on an input of its own shape, backward including the weight
gradients. Times are the best of 7 loops of at least 0.1 s, after 3 warm-up calls.
Run by the bench as: OPENBLAS_CORETYPE=<core> /usr/bin/python3 torch_pool.py <threads> < cases.json
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def best(fn, rounds=7, min_s=0.1):
    for _ in range(3):
        fn()
    b = float('inf')
    for _ in range(rounds):
        n, t0 = 0, time.perf_counter()
        while True:
            fn()
            n += 1
            e = time.perf_counter() - t0
            if e >= min_s and n >= 3:
                break
        b = min(b, e / n)
    return b


def forward_and_backward(op, x):
    """Best seconds of op(x) without grad, and of op(x).backward(g) with x requiring grad."""
    xg = x.clone().requires_grad_(True)
    g = torch.randn(op(x).shape)

    def fwd():
        with torch.no_grad():
            op(x)

    def fwd_bwd():
        xg.grad = None
        op(xg).backward(g)
    return [best(fwd), best(fwd_bwd)]


def kernel_times(cases):
    out = []
    for c in cases:
        op = eval(c['torch'], {'F': F, 'torch': torch})
        x = torch.randn(c['shape'])
        if c.get('channelsLast'):
            x = x.contiguous(memory_format=torch.channels_last if x.dim() == 4 else torch.channels_last_3d)
        out.append(forward_and_backward(op, x))
    return out


def cnn_stages():
    return [
        nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU()), nn.MaxPool2d(2),
        nn.Sequential(nn.Conv2d(32, 64, 3, padding=1), nn.ReLU()), nn.MaxPool2d(2),
        nn.Sequential(nn.Flatten(), nn.Linear(3136, 128), nn.ReLU()), nn.Linear(128, 10),
    ]


def main():
    torch.set_num_threads(int(sys.argv[1]))
    torch.manual_seed(0)
    spec = json.load(sys.stdin)
    layers = [forward_and_backward(stage, torch.randn(shape)) for stage, shape in zip(cnn_stages(), spec['layers'])]
    print(json.dumps({'kernels': kernel_times(spec['kernels']), 'layers': layers}))


if __name__ == '__main__':
    main()
