#!/usr/bin/env python3
"""PyTorch reference for bench/mlp.ts: one shuffled epoch of Fashion-MNIST on an MLP.

MLP 784-256-128-10 (ReLU), batch 128, Adam lr 1e-3, cross entropy; pixels scaled to [0, 1].
Batches are taken by indexing a random permutation (PyTorch's fastest in-memory path), or with
`dataloader` as the third argument through the idiomatic DataLoader over a TensorDataset, which
collates sample by sample and is about twice as slow (shown by the bench for context only).
Prints one JSON object: {"seconds": first epoch training time, "accuracy": test accuracy after it,
"second_epoch_seconds": the next epoch's time, "threads": n}.

Run by the bench as: OPENBLAS_CORETYPE=SkylakeX /usr/bin/python3 torch_mlp.py <threads> <data dir> [index|dataloader]
"""
import json
import sys
import time

import numpy as np
import torch

from idx import read_idx


def main():
    threads = int(sys.argv[1]) if len(sys.argv) > 1 else 1
    root = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
    mode = sys.argv[3] if len(sys.argv) > 3 else "index"
    if mode not in ("index", "dataloader"):
        sys.exit(f"torch_mlp.py: batch mode must be index or dataloader, got {mode!r}")
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    x_train = torch.from_numpy(read_idx(f"{root}/train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    y_train = torch.from_numpy(read_idx(f"{root}/train-labels-idx1-ubyte.gz").astype(np.int64))
    x_test = torch.from_numpy(read_idx(f"{root}/t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255)
    y_test = torch.from_numpy(read_idx(f"{root}/t10k-labels-idx1-ubyte.gz").astype(np.int64))

    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(),
        torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x_train, y_train), batch_size=128, shuffle=True)

    def batches():
        if mode == "dataloader":
            yield from loader
            return
        perm = torch.randperm(x_train.shape[0])
        for i in range(0, x_train.shape[0], 128):
            idx = perm[i:i + 128]
            yield x_train[idx], y_train[idx]

    def run_epoch():
        start = time.perf_counter()
        for xb, yb in batches():
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
        return time.perf_counter() - start

    seconds = run_epoch()

    with torch.no_grad():
        accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    second = run_epoch()
    print(json.dumps({"seconds": seconds, "accuracy": accuracy, "second_epoch_seconds": second, "threads": threads}))


if __name__ == "__main__":
    main()
