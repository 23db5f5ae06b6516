#!/usr/bin/python3
"""JPEG files and their pixels as Pillow decodes them (libjpeg-turbo: ISLOW IDCT, fancy chroma
upsampling), the reference for dlflow's JPEG decoding (test/data_decode.test.ts). Debian's
python3-pil and python3-numpy. Rerun from the repository root:

    /usr/bin/python3 scripts/make_image_fixtures.py

Writes test/fixtures/images/<name>.jpg and <name>_pil.png (the decoded pixels, lossless) for a
128 x 96 photograph-like pattern (smooth shading, saturated colour blocks, noise) saved with 4:2:0
and 4:4:4 chroma, and in grayscale.
"""
import os

import numpy as np
from PIL import Image, features

OUT = os.path.join('test', 'fixtures', 'images')
W, H = 128, 96


def pattern():
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:H, 0:W].astype(np.float64)
    base = 128 + 90 * np.sin(x / W * 6) * np.cos(y / H * 4)
    rgb = np.stack([base, 255 - base, (base * 0.5 + x) % 256], axis=-1)
    blocks = ((x // 12 + y // 12) % 2 == 0) & (x > W / 2)
    rgb[blocks] = [230, 30, 40]
    rgb += rng.normal(0, 6, rgb.shape)
    return np.clip(np.round(rgb), 0, 255).astype(np.uint8)


def main():
    os.makedirs(OUT, exist_ok=True)
    print('Pillow', Image.__version__, 'libjpeg API', features.version('jpg'), 'turbo', features.check_feature('libjpeg_turbo'))
    img = Image.fromarray(pattern(), 'RGB')
    files = {
        'photo_420': (img, {'quality': 90, 'subsampling': 2}),
        'photo_444': (img, {'quality': 90, 'subsampling': 0}),
        'gray': (img.convert('L'), {'quality': 90}),
    }
    for name, (im, opts) in files.items():
        path = os.path.join(OUT, f'{name}.jpg')
        im.save(path, 'JPEG', **opts)
        Image.open(path).convert('RGB').save(os.path.join(OUT, f'{name}_pil.png'))
        print('wrote', path)


if __name__ == '__main__':
    main()
