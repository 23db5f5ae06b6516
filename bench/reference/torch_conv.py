#!/usr/bin/env python3
"""PyTorch reference for bench/conv.ts (Debian's python3-torch).

argv: <threads> <steps>. Prints one JSON object:
  {"threads": n, "step_seconds": best of <steps> timed training steps (after 5 warm-up steps),
   "convs": {name: {"forward": s, "backward": s}}}: the issue's CNN (Conv2d(1, 32, 3, padding=1),
ReLU, MaxPool2d(2), Conv2d(32, 64, 3, padding=1), ReLU, MaxPool2d(2), Flatten, Linear(3136, 128),
ReLU, Linear(128, 10)), batch 128 of [1, 28, 28] normal inputs and random labels, Adam lr 1e-3,
cross entropy; and each convolution alone, forward and forward + backward (input and weight
gradients), best of 10.
Run by the bench as: OPENBLAS_CORETYPE=<core> /usr/bin/python3 torch_conv.py <threads> <steps>
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def best(fn, rounds=10):
    for _ in range(3):
        fn()
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    threads, steps = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    net = nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    x = torch.randn(128, 1, 28, 28)
    y = torch.randint(0, 10, (128,))

    def step():
        opt.zero_grad()
        F.cross_entropy(net(x), y).backward()
        opt.step()

    step_seconds = best(step, steps)
    convs = {}
    for name, shape, cin, cout in [('conv1 1→32 @28×28', [128, 1, 28, 28], 1, 32), ('conv2 32→64 @14×14', [128, 32, 14, 14], 32, 64)]:
        xi = torch.randn(shape, requires_grad=True)
        w = torch.randn(cout, cin, 3, 3, requires_grad=True)
        fwd = best(lambda: F.conv2d(xi, w, padding=1))

        def fwd_bwd():
            F.conv2d(xi, w, padding=1).sum().backward()
        convs[name] = {'forward': fwd, 'forward_backward': best(fwd_bwd)}
    print(json.dumps({'threads': threads, 'step_seconds': step_seconds, 'convs': convs}))


if __name__ == '__main__':
    main()
