#!/usr/bin/env python3
"""PyTorch reference for bench/rnn.ts (Debian's python3-torch).

argv: <threads> <rounds>. Prints one JSON object {"threads": n, "forward": s, "forward_backward": s}:
the best of <rounds> timed calls (after 3 warm-up calls) of LSTM(28, 128, num_layers=2,
batch_first=True) on a [128, 28, 28] normal batch, forward alone (no autograd graph) and
forward + backward of output.sum() (gradients of the input and every parameter).
Run by the bench as: OPENBLAS_CORETYPE=<core> /usr/bin/python3 torch_rnn.py <threads> <rounds>
"""
import json
import sys
import time

import torch
import torch.nn as nn


def best(fn, rounds):
    for _ in range(3):
        fn()
    times = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    threads, rounds = int(sys.argv[1]), int(sys.argv[2])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    lstm = nn.LSTM(28, 128, num_layers=2, batch_first=True)
    x = torch.randn(128, 28, 28, requires_grad=True)

    def forward():
        with torch.no_grad():
            lstm(x)

    def forward_backward():
        lstm.zero_grad()
        x.grad = None
        lstm(x)[0].sum().backward()

    print(json.dumps({'threads': threads, 'forward': best(forward, rounds), 'forward_backward': best(forward_backward, rounds)}))


if __name__ == '__main__':
    main()
