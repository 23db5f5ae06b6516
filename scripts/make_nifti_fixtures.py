#!/usr/bin/python3
"""Small NIfTI files written by nibabel, with the voxel values nibabel reads back, for the NIfTI
reader tests (test/data_nifti.test.ts), a trilinear-resampling reference computed by SciPy for
the volume data step, and a tiny class folder of NIfTI volumes for the CLI tests
(test/cli_volumes.test.ts). Rerun from the repository root:

    /usr/bin/python3 scripts/make_nifti_fixtures.py

With `--blobs DIR [--per-class N] [--size S] [--seed K]` it writes the blob data set instead
(the README's volume measurement: 60 volumes of 16³ per class by default), the same volumes
twice: DIR/nifti/<class>/<n>.nii.gz (int16 with a slope) and DIR/npy/<class>/<n>.npy (float32).

Needs Debian's python3-nibabel and python3-scipy. Writes to test/fixtures/nifti/:
- *.nii, *.nii.gz and index.json: per file the datatype, byte order, nibabel's shape
  (i, j, k[, t]), the scaling in the file, and the values of `img.get_fdata()` (scl_slope and
  scl_inter applied, float64) arranged as dlflow's volume [C, i, j, k] (the 4th NIfTI dimension
  as channels, first; C = 1 for 3-D images), flattened in C order;
- resample.json: a random [2, 3, 4, 5] volume resized to [2, 5, 3, 7] and to [2, 2, 2, 2] by
  scipy.ndimage.zoom with order 1, grid_mode=True and mode='nearest': linear interpolation
  between voxel centres with the edges replicated, which is PyTorch's
  F.interpolate(mode='trilinear', align_corners=False);
- blobs/<class>/<n>.nii.gz: 3 classes × 6 blob volumes of 8³.

Blob volumes: three classes of shapes at a random position, size and brightness, on Gaussian
noise (σ 0.35) with a random offset and gain per volume: `ball` (one isotropic Gaussian blob,
σ ≈ side/8), `rod` (a blob 4× longer than wide along a random axis) and `pair` (two small blobs
side/3 apart in a random direction). Seeded (numpy's default_rng).
"""
import argparse
import json
import os
import shutil

import nibabel as nib
import numpy as np
from scipy import ndimage

OUT = os.path.join('test', 'fixtures', 'nifti')
CLASSES = ('ball', 'pair', 'rod')


def nifti1(raw, slope=None, inter=None, big_endian=False):
    """A NIfTI-1 image of `raw` stored in its dtype, with the scaling given (none by default)."""
    header = nib.Nifti1Header(endianness='>' if big_endian else '<')
    header.set_data_dtype(raw.dtype)  # a given header's datatype wins over the array's
    image = nib.Nifti1Image(raw, np.diag([1.5, 1.0, 2.0, 1.0]), header=header)
    if slope is not None:
        image.header.set_slope_inter(slope, inter)
    return image


def as_channels_first(data):
    """nibabel's (i, j, k[, t]) array as dlflow's [C, i, j, k]."""
    return data[np.newaxis] if data.ndim == 3 else np.moveaxis(data, 3, 0)


def save_read_back(index, name, image):
    """Saves `image` as test/fixtures/nifti/<name> and records what nibabel reads back."""
    path = os.path.join(OUT, name)
    nib.save(image, path)
    back = nib.load(path)
    data = back.get_fdata()
    index[name] = {
        'format': 'nifti2' if isinstance(back, nib.Nifti2Image) else 'nifti1',
        'datatype': str(back.get_data_dtype()),
        'littleEndian': back.header.endianness == '<',
        'nibabelShape': list(data.shape),
        'slope': float(back.dataobj.slope),
        'inter': float(back.dataobj.inter),
        'values': [float(v) for v in as_channels_first(data).ravel(order='C')],
    }


def write_json(name, value):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(value, f, indent=1)
        f.write('\n')


def reader_fixtures(rng):
    index = {}
    # The two files the tests are built on: int16 with a slope and an intercept (.nii), and 4-D
    # float32 with a slope (.nii.gz; its 4th dimension is read as 2 channels).
    save_read_back(index, 'int16_scaled.nii', nifti1((np.arange(5 * 4 * 3).reshape(5, 4, 3) * 7 - 200).astype(np.int16), slope=0.5, inter=-10.0))
    save_read_back(index, 'float32_4d_scaled.nii.gz', nifti1(rng.standard_normal((4, 3, 2, 2)).astype(np.float32), slope=2.0, inter=1.0))
    # The other datatypes: big-endian uint8, int32 (gzipped), float64 in a NIfTI-2 file.
    save_read_back(index, 'uint8_big_endian.nii', nifti1(rng.integers(0, 256, (3, 2, 4)).astype(np.uint8), big_endian=True))
    save_read_back(index, 'int32.nii.gz', nifti1(rng.integers(-100000, 100000, (2, 3, 3)).astype(np.int32)))
    save_read_back(index, 'float64_nifti2.nii', nib.Nifti2Image(rng.standard_normal((3, 3, 2)), np.eye(4)))
    write_json('index.json', index)


def resample_fixture(rng):
    volume = rng.standard_normal((2, 3, 4, 5))
    out = {'input': {'shape': list(volume.shape), 'values': [float(v) for v in volume.ravel()]}, 'outputs': []}
    for size in ([5, 3, 7], [2, 2, 2]):
        zoom = [1.0] + [s / n for s, n in zip(size, volume.shape[1:])]
        resized = ndimage.zoom(volume, zoom, order=1, mode='nearest', grid_mode=True)
        assert list(resized.shape[1:]) == size, resized.shape
        out['outputs'].append({'size': size, 'values': [float(v) for v in resized.ravel()]})
    write_json('resample.json', out)


def gaussian(grid, centre, sigma):
    """exp(-½ Σ ((x − c) / σ)²) over a voxel grid, sigma per axis."""
    return np.exp(-0.5 * sum(((g - c) / s) ** 2 for g, c, s in zip(grid, centre, sigma)))


def blob_volume(cls, side, rng):
    """One volume of class `cls` (see the module notes), float32 [side, side, side]."""
    grid = np.meshgrid(*[np.arange(side)] * 3, indexing='ij')
    centre = rng.uniform(side / 4, side - side / 4, 3)
    sigma = side / 8 * rng.uniform(0.8, 1.2)
    if cls == 'ball':
        shape = gaussian(grid, centre, [sigma] * 3)
    elif cls == 'rod':
        widths = [sigma * 0.6] * 3
        widths[rng.integers(3)] = sigma * 2.4
        shape = gaussian(grid, centre, widths)
    else:
        direction = rng.standard_normal(3)
        offset = direction / np.linalg.norm(direction) * side / 6
        shape = gaussian(grid, centre + offset, [sigma * 0.6] * 3) + gaussian(grid, centre - offset, [sigma * 0.6] * 3)
    signal = rng.uniform(0.7, 1.3) * shape + rng.standard_normal((side,) * 3) * 0.35
    return (rng.uniform(-1, 1) + rng.uniform(0.5, 2.0) * signal).astype(np.float32)


def as_int16_nifti(volume):
    """The volume as int16 voxels with the slope that spans them (how scanners store intensities)."""
    slope = float(np.abs(volume).max()) / 30000
    return nifti1(np.round(volume / slope).astype(np.int16), slope=slope, inter=0.0)


def write_blobs(root, per_class, side, seed, npy_too):
    """Blob volumes as root/nifti/<class>/<n>.nii.gz (and root/npy/<class>/<n>.npy), or root/<class>/<n>.nii.gz alone."""
    rng = np.random.default_rng(seed)
    for cls in CLASSES:
        nifti_dir = os.path.join(root, 'nifti', cls) if npy_too else os.path.join(root, cls)
        os.makedirs(nifti_dir, exist_ok=True)
        if npy_too:
            os.makedirs(os.path.join(root, 'npy', cls), exist_ok=True)
        for n in range(per_class):
            volume = blob_volume(cls, side, rng)
            nib.save(as_int16_nifti(volume), os.path.join(nifti_dir, f'{n:03d}.nii.gz'))
            if npy_too:
                np.save(os.path.join(root, 'npy', cls, f'{n:03d}.npy'), volume)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--blobs', help='write the blob data set to this folder (and nothing else)')
    parser.add_argument('--per-class', type=int, default=60)
    parser.add_argument('--size', type=int, default=16)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    if args.blobs is not None:
        write_blobs(args.blobs, args.per_class, args.size, args.seed, npy_too=True)
        print(f'wrote {args.per_class} volumes of {args.size}³ per class ({", ".join(CLASSES)}) to {args.blobs}/nifti and {args.blobs}/npy')
        return
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(11)
    reader_fixtures(rng)
    resample_fixture(rng)
    shutil.rmtree(os.path.join(OUT, 'blobs'), ignore_errors=True)
    write_blobs(os.path.join(OUT, 'blobs'), 6, 8, 1, npy_too=False)
    print(f'wrote the NIfTI reader fixtures, resample.json and blobs/ to {OUT}')


if __name__ == '__main__':
    main()
