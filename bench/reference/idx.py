"""Reads an IDX file (gzipped, as Debian's dataset-fashion-mnist ships them) into a NumPy array;
shared by the PyTorch references of bench/."""
import gzip

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
