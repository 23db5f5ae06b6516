#!/usr/bin/python3
"""Small .npy files written by NumPy itself, for the .npy reader tests
(format versions 1.0, 2.0 and 3.0, each supported dtype, C and Fortran
order, 3-D and 4-D volumes). Rerun from the repository root:

    /usr/bin/python3 scripts/make_npy_fixtures.py

Writes test/fixtures/data/npy/*.npy and index.json (each file's dtype,
shape and values flattened in C order).
"""
import json
import os

import numpy as np
from numpy.lib import format as npf

OUT = os.path.join('test', 'fixtures', 'data', 'npy')
os.makedirs(OUT, exist_ok=True)
index = {}


def save(name, arr, version=None):
    path = os.path.join(OUT, name)
    with open(path, 'wb') as f:
        if version is None:
            np.save(f, arr)
        else:
            npf.write_array(f, arr, version=version)
    flat = np.ascontiguousarray(arr).ravel(order='C')
    if arr.dtype == np.bool_:
        values = [int(v) for v in flat]
    elif arr.dtype.kind == 'f':
        values = [float(v) for v in flat]
    else:
        values = [int(v) for v in flat]
    index[name] = {'dtype': arr.dtype.str, 'shape': list(arr.shape), 'fortran': bool(np.isfortran(arr)), 'values': values}


rng = np.random.default_rng(4)
save('f4_3d.npy', rng.standard_normal((2, 3, 4)).astype('<f4'))
save('f8_2d.npy', rng.standard_normal((3, 5)).astype('<f8'))
save('i4_1d.npy', np.arange(-3, 4, dtype='<i4'))
save('i8_2d.npy', (np.arange(12, dtype='<i8').reshape(3, 4) - 6) * 1000003)
save('u1_3d.npy', rng.integers(0, 256, (2, 2, 3)).astype('|u1'))
save('b1_1d.npy', np.array([True, False, True, True]))
save('f4_fortran_3d.npy', np.asfortranarray(rng.standard_normal((2, 3, 4)).astype('<f4')))
save('f8_fortran_4d.npy', np.asfortranarray(rng.standard_normal((2, 2, 3, 2))))
save('f4_4d.npy', rng.standard_normal((2, 3, 2, 2)).astype('<f4'))
save('v2_f4.npy', np.arange(6, dtype='<f4').reshape(2, 3), version=(2, 0))
save('v3_i4.npy', np.arange(6, dtype='<i4').reshape(3, 2), version=(3, 0))
save('scalar_f8.npy', np.array(2.5))
save('big_endian_f4.npy', np.arange(4, dtype='>f4'))

with open(os.path.join(OUT, 'index.json'), 'w') as f:
    json.dump(index, f, indent=1)
print(f'wrote {len(index)} files to {OUT}')
