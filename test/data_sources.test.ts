import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { encodeIdx, loadIdx } from '../src/data/sources/idx.js';
import { FASHION_MNIST_DIR, loadFashionMnist, loadMnistFolder, normalizeImages } from '../src/data/sources/mnist.js';
import { loadVolume, readNpy } from '../src/data/sources/npy.js';
import { readWav, toMono, wavInfo } from '../src/data/sources/wav.js';
import { tempDir, wavBytes, sine } from './data_files.js';

const npyDir = 'test/fixtures/data/npy';

test('IDX: every element type, gzipped or not, round trip', () => {
  const dir = tempDir();
  const cases = [new Uint8Array([0, 1, 255, 7, 8, 9]), new Int8Array([-128, 0, 127, 1, 2, 3]), new Int16Array([-300, 0, 300, 1, 2, 3]),
    new Int32Array([-70000, 0, 70000, 1, 2, 3]), new Float32Array([1.5, -2.25, 0, 1, 2, 3]), new Float64Array([Math.PI, -1e300, 0, 1, 2, 3])];
  for (const data of cases) {
    const bytes = encodeIdx([2, 3], data);
    for (const gz of [false, true]) {
      const f = join(dir, `a-${data.constructor.name}${gz ? '.gz' : ''}`);
      writeFileSync(f, gz ? gzipSync(bytes) : bytes);
      const a = loadIdx(f);
      assert.deepEqual(a.dims, [2, 3]);
      assert.deepEqual(Array.from(a.data), Array.from(data));
      assert.equal(a.data.constructor, data.constructor);
    }
  }
});

test('IDX: truncated file names the file and both byte counts; bad magic and type code rejected', () => {
  const dir = tempDir();
  const bytes = encodeIdx([10, 4, 4], new Uint8Array(160));
  const f = join(dir, 'train-images-idx3-ubyte');
  writeFileSync(f, bytes.subarray(0, 100));
  assert.throws(() => loadIdx(f), (e: Error) => e.message.includes(f) && /expected 176 bytes/.test(e.message) && /found 100/.test(e.message));
  writeFileSync(f, gzipSync(bytes.subarray(0, 100)));
  assert.throws(() => loadIdx(f), /expected 176 bytes.*found 100/);
  const bad = Uint8Array.from(bytes); bad[0] = 1;
  writeFileSync(f, bad);
  assert.throws(() => loadIdx(f), /not an IDX file: magic number starts 0x0100/);
  const code = Uint8Array.from(bytes); code[2] = 0x0a;
  writeFileSync(f, code);
  assert.throws(() => loadIdx(f), /unknown IDX element type code 0x0a/);
  writeFileSync(f, Buffer.concat([bytes, Buffer.alloc(3)]));
  assert.throws(() => loadIdx(f), /3 bytes after the data/);
});

test('MNIST-style folder: train/t10k images and labels, normalized to [0, 1]', () => {
  const dir = tempDir();
  const img = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i * 20);
  writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([3, 2, 2], img)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([3], new Uint8Array([0, 2, 1]))));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), encodeIdx([1, 2, 2], new Uint8Array(4)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([1], new Uint8Array([1])));
  const m = loadMnistFolder(dir);
  assert.deepEqual(m.train.shape, [3, 2, 2]);
  assert.deepEqual(Array.from(m.train.labels), [0, 2, 1]);
  assert.deepEqual(m.classNames, ['0', '1', '2']);
  const n = normalizeImages(m.train);
  assert.deepEqual(n.shape, [3, 1, 2, 2]);
  assert.ok(Math.abs(n.data[11] - 220 / 255) < 1e-7);
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), encodeIdx([2], new Uint8Array([1, 1])));
  assert.throws(() => loadMnistFolder(dir), /2 labels for 1 images/);
});

test('Fashion-MNIST loads in one call', { skip: existsSync(FASHION_MNIST_DIR) ? false : `${FASHION_MNIST_DIR} not installed (apt-get install dataset-fashion-mnist)` }, () => {
  const f = loadFashionMnist();
  assert.deepEqual(f.train.shape, [60000, 28, 28]);
  assert.deepEqual(f.test.shape, [10000, 28, 28]);
  assert.equal(f.train.labels.length, 60000);
  const counts = new Array(10).fill(0);
  for (const l of f.train.labels) counts[l]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
  assert.equal(f.classNames[9], 'Ankle boot');
});

test('.npy: NumPy-written files in every dtype, version and order match NumPy', () => {
  const index = JSON.parse(readFileSync(join(npyDir, 'index.json'), 'utf8')) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
  for (const [name, e] of Object.entries(index)) {
    const a = readNpy(join(npyDir, name));
    assert.deepEqual(a.shape, e.shape, name);
    const got = Array.from(a.data as ArrayLike<number | bigint>, Number);
    if (a.dtype === 'float32') e.values.forEach((v, i) => assert.equal(got[i], Math.fround(v), `${name}[${i}]`));
    else assert.deepEqual(got, e.values, name);
  }
  assert.equal(readNpy(join(npyDir, 'v3_i4.npy')).version, '3.0');
  assert.equal(readNpy(join(npyDir, 'f4_fortran_3d.npy')).fortranOrder, true);
});

test('.npy volumes: 3-D gets C = 1, 4-D kept, other ranks refused', () => {
  const v = loadVolume(join(npyDir, 'f4_3d.npy'));
  assert.deepEqual(v.shape, [1, 2, 3, 4]);
  assert.deepEqual(loadVolume(join(npyDir, 'f8_fortran_4d.npy')).shape, [2, 2, 3, 2]);
  assert.throws(() => loadVolume(join(npyDir, 'f8_2d.npy')), /f8_2d\.npy: a volume needs a 3-D/);
});

test('.npy: truncated and corrupt files give clear errors naming the file', () => {
  const dir = tempDir();
  const good = readFileSync(join(npyDir, 'f4_3d.npy'));
  const f = join(dir, 'vol.npy');
  writeFileSync(f, good.subarray(0, good.length - 5));
  assert.throws(() => readNpy(f), (e: Error) => e.message.startsWith(f) && /truncated \.npy file: expected 224 bytes .* found 219/.test(e.message));
  writeFileSync(f, good.subarray(0, 40));
  assert.throws(() => readNpy(f), /truncated \.npy header/);
  writeFileSync(f, Buffer.from('PK\x03\x04 not numpy at all'));
  assert.throws(() => readNpy(f), /not a \.npy file/);
  const c = Buffer.from(good); c.write("'<c8'", c.indexOf("'<f4'"), 'latin1');
  writeFileSync(f, c);
  assert.throws(() => readNpy(f), /unsupported dtype "<c8"/);
  const s = Buffer.from(good); s.write('shap!', s.indexOf('shape'), 'latin1');
  writeFileSync(f, s);
  assert.throws(() => readNpy(f), /corrupt \.npy header/);
});

test('WAV: PCM 8/16/24/32 and float 32/64, mono/stereo/4 channels, plain and extensible', () => {
  const dir = tempDir();
  const rate = 8000, n = 400;
  for (const enc of [8, 16, 24, 32, 'f32', 'f64'] as const) {
    for (const nch of [1, 2, 4]) {
      for (const ext of [false, true]) {
        const chans = Array.from({ length: nch }, (_, c) => sine(440 * (c + 1), rate, n, 0.6));
        const f = join(dir, `t_${enc}_${nch}_${ext}.wav`);
        writeFileSync(f, wavBytes(chans, rate, enc, ext));
        const w = readWav(f);
        assert.equal(w.sampleRate, rate); assert.equal(w.channels.length, nch); assert.equal(w.length, n);
        assert.equal(w.extensible, ext);
        const tol = enc === 8 ? 1 / 128 : enc === 16 ? 1 / 32768 : 1e-6;
        for (let c = 0; c < nch; c++) for (let i = 0; i < n; i += 37) assert.ok(Math.abs(w.channels[c][i] - chans[c][i]) <= tol, `${enc} ${nch} ch${c} [${i}]: ${w.channels[c][i]} vs ${chans[c][i]}`);
        assert.equal(wavInfo(f).duration, n / rate);
      }
    }
  }
  const mono = toMono([new Float32Array([1, 0]), new Float32Array([0, 0])]);
  assert.deepEqual(Array.from(mono), [0.5, 0]);
});

test('WAV: unsupported encodings name the file and the format code; truncation reported', () => {
  const dir = tempDir();
  const ch = [sine(100, 8000, 64)];
  for (const [code, name] of [[7, 'µ-law'], [6, 'A-law'], [2, 'Microsoft ADPCM'], [0x11, 'IMA ADPCM']] as const) {
    for (const ext of [false, true]) {
      const f = join(dir, `c${code}_${ext}.wav`);
      writeFileSync(f, wavBytes(ch, 8000, { code, bits: code <= 7 && code >= 6 ? 8 : 4 }, ext));
      assert.throws(() => readWav(f), (e: Error) => e.message.startsWith(f) && e.message.includes(`format code 0x${code.toString(16).padStart(4, '0')} (${name})`));
    }
  }
  const f = join(dir, 'short.wav');
  const b = wavBytes(ch, 8000, 16);
  writeFileSync(f, b.subarray(0, b.length - 10));
  assert.throws(() => readWav(f), /short\.wav: truncated data chunk: header says 128 bytes, found 118/);
  const streamed = Buffer.from(b); streamed.writeUInt32LE(0xffffffff, streamed.indexOf('data') + 4);
  writeFileSync(f, streamed);
  assert.equal(readWav(f).length, 64, 'a streamed data size (0xFFFFFFFF) reads to the end');
  writeFileSync(f, Buffer.from('RIFX0000WAVE'));
  assert.throws(() => readWav(f), /not a RIFF\/WAVE file/);
  writeFileSync(f, wavBytes(ch, 8000, { code: 1, bits: 12 }));
  assert.throws(() => readWav(f), /unsupported PCM sample size: 12 bits/);
});
