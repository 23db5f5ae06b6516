#!/usr/bin/env python3
"""PyTorch reference for bench/workflow.ts: the training `dlflow train --data <fashion-mnist>
--epochs 15` runs, written directly against PyTorch, timed as a whole (data loading included).

Same choices as dlflow's defaults for an IDX folder: pixels standardised with the training
mean/std, 15% of the training file held out for validation (the test file kept as test), an MLP
784-256-128-10 with ReLU and dropout 0.2, Adam lr 1e-3, batch 64, validation loss and accuracy
every epoch, early stopping with patience 10 restoring the best weights, test accuracy at the end.
Prints one JSON object: {"seconds": wall time, "accuracy": test accuracy}.

Run by the bench as: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_workflow.py <data dir> <epochs>
"""
import copy
import json
import sys
import time

import numpy as np
import torch

from torch_mlp import read_idx  # the same IDX reader as the MLP bench (same folder)


def main():
    start = time.perf_counter()
    root, epochs = sys.argv[1], int(sys.argv[2])
    torch.set_num_threads(1)
    torch.manual_seed(0)
    images = read_idx(f"{root}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    labels = read_idx(f"{root}/train-labels-idx1-ubyte.gz").astype(np.int64)
    mean, std = images.mean(), images.std()
    x = torch.from_numpy((images - mean) / std)
    y = torch.from_numpy(labels)
    x_test = torch.from_numpy((read_idx(f"{root}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255 - mean) / std)
    y_test = torch.from_numpy(read_idx(f"{root}/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    perm = torch.randperm(x.shape[0])
    n_val = int(round(x.shape[0] * 0.15 / 0.85))
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    x_train, y_train, x_val, y_val = x[train_idx], y[train_idx], x[val_idx], y[val_idx]

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Dropout(0.2),
        torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    best, best_state, waited = float("inf"), None, 0
    for _ in range(epochs):
        model.train()
        order = torch.randperm(x_train.shape[0])
        for i in range(0, x_train.shape[0], 64):
            idx = order[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            logits = model(x_val)
            val_loss = loss_fn(logits, y_val).item()
            _ = (logits.argmax(1) == y_val).float().mean().item()
        if val_loss < best:
            best, best_state, waited = val_loss, copy.deepcopy(model.state_dict()), 0
        else:
            waited += 1
            if waited >= 10:
                break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    print(json.dumps({"seconds": time.perf_counter() - start, "accuracy": accuracy}))


if __name__ == "__main__":
    main()
