/**
 * Writes an image folder (one subfolder per class, PNG files) from Fashion-MNIST, for comparing
 * dlflow's auto CNN with the MLP on image folders (README figures, /work/briefs/readme_cnn.md).
 *
 *   node --import tsx scripts/make_fashion_folder.ts <out dir> [per-class count (default 300)] [IDX folder]
 *
 * Takes the first `count` training images of each class, in file order, so the folder is the
 * same on every run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { FASHION_MNIST_DIR, loadFashionMnist } from '../src/data/sources/mnist.js';

const [out, countArg, dir] = process.argv.slice(2);
if (out === undefined) {
  process.stderr.write('usage: node --import tsx scripts/make_fashion_folder.ts <out dir> [per-class count] [IDX folder]\n');
  process.exit(2);
}
const perClass = Number(countArg ?? 300);
const { train, classNames } = loadFashionMnist(dir ?? FASHION_MNIST_DIR);
const [n, h, w] = train.shape;
const taken = new Array<number>(classNames.length).fill(0);
for (let i = 0; i < n; i++) {
  const k = train.labels[i];
  if (taken[k] >= perClass) continue;
  const folder = join(out, classNames[k].replace(/[^A-Za-z0-9-]/g, '_'));
  mkdirSync(folder, { recursive: true });
  const png = new PNG({ width: w, height: h, colorType: 0 });
  for (let p = 0; p < h * w; p++) {
    const v = train.images[i * h * w + p];
    png.data.set([v, v, v, 255], 4 * p);
  }
  writeFileSync(join(folder, `${String(i).padStart(5, '0')}.png`), PNG.sync.write(png, { colorType: 0 }));
  taken[k]++;
}
process.stdout.write(`wrote ${taken.reduce((a, b) => a + b, 0)} images (${perClass} per class) under ${out}\n`);
