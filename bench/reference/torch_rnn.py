#!/usr/bin/env python3
"""PyTorch reference for bench/rnn.ts (Debian's python3-torch).

argv: <threads> <steps> <data dir>. Fashion-MNIST training images as sequences of 28 rows (pixels
scaled to [0, 1]): LSTM(28, 128, batch_first=True) then Linear(128, 10) on the last step, batch
128, Adam lr 1e-3, cross entropy; the same with GRU. Each training step is zero_grad, forward,
loss, backward, step. Prints one JSON object {"threads": n, "lstm": s, "gru": s}: the median
seconds per step over <steps> steps after 5 warm-up steps, consecutive batches of the file.
Run by the bench as: OPENBLAS_CORETYPE=<core> /usr/bin/python3 torch_rnn.py <threads> <steps> <dir>
"""
import json
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn as nn

from idx import read_idx

BATCH = 128


class Classifier(nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1])


def seconds_per_step(cell, x, y, steps):
    torch.manual_seed(0)
    model = Classifier(cell)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    batches = x.shape[0] // BATCH
    times = []
    for s in range(5 + steps):
        b = s % batches
        xb, yb = x[b * BATCH:(b + 1) * BATCH], y[b * BATCH:(b + 1) * BATCH]
        t = time.perf_counter()
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        if s >= 5:
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main():
    threads, steps, root = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    torch.set_num_threads(threads)
    n = BATCH * 40
    x = torch.from_numpy(read_idx(f"{root}/train-images-idx3-ubyte.gz")[:n].astype(np.float32) / 255)
    y = torch.from_numpy(read_idx(f"{root}/train-labels-idx1-ubyte.gz")[:n].astype(np.int64))
    print(json.dumps({"threads": threads, "lstm": seconds_per_step(nn.LSTM, x, y, steps),
                      "gru": seconds_per_step(nn.GRU, x, y, steps)}))


if __name__ == "__main__":
    main()
