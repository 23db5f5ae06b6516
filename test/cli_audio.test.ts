/** `dlflow train` on an audio folder (one subfolder of WAV files per class), then evaluate and predict. */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { dlflow, scratch } from './cli_helpers.js';

/** A 16-bit PCM mono WAV file, written byte by byte (RIFF header, fmt chunk, data chunk). */
function wav(samples: Float32Array, rate: number): Buffer {
  const data = Buffer.alloc(samples.length * 2);
  samples.forEach((v, i) => data.writeInt16LE(Math.round(Math.max(-1, Math.min(1, v)) * 32767), 2 * i));
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE(rate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Low (300 Hz) and high (2 kHz) tones with varied phase, loudness and length. */
function writeClips(root: string): void {
  for (const [cls, hz] of [['high', 2000], ['low', 300]] as const) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const n = 3000 + 97 * i;
      const s = Float32Array.from({ length: n }, (_, t) => (0.3 + 0.02 * i) * Math.sin(2 * Math.PI * hz * t / 8000 + i) + 0.01 * Math.sin(t * 0.37 * (i + 1)));
      writeFileSync(join(root, cls, `${i}.wav`), wav(s, 8000));
    }
  }
}

describe('dlflow on an audio folder', () => {
  test('train, evaluate and predict', () => {
    const dir = scratch();
    writeClips(join(dir, 'clips'));
    const train = dlflow(dir, 'train', '--data', 'clips', '--epochs', '10', '--name', 'audio', '--log', 'plain');
    assert.equal(train.code, 0, train.stderr);
    const model = JSON.parse(readFileSync(join(dir, 'runs', 'audio', 'model.json'), 'utf8')) as {
      preprocessing: { type: string; nMels: number; frames: number; sampleRate: number; target: { classes: string[] } };
      inputShape: number[]; architecture: { layers: { type: string }[] };
    };
    assert.equal(model.preprocessing.type, 'audio');
    // each clip is a one-channel spectrogram, and the auto model is the CNN of images
    assert.deepEqual(model.inputShape, [1, 40, model.preprocessing.frames]);
    assert.ok(model.architecture.layers.some((l) => l.type === 'conv2d'), JSON.stringify(model.architecture.layers.map((l) => l.type)));
    assert.equal(model.preprocessing.nMels, 40);
    assert.equal(model.preprocessing.sampleRate, 8000);
    assert.deepEqual(model.preprocessing.target.classes, ['high', 'low']);
    const evaluation = dlflow(dir, 'evaluate', 'runs/audio', '--data', 'clips', '--json');
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const metrics = JSON.parse(evaluation.stdout) as { rows: number; accuracy: number };
    assert.equal(metrics.rows, 32);
    assert.ok(metrics.accuracy >= 0.9, `accuracy ${metrics.accuracy} on clearly different tones`);
    const predict = dlflow(dir, 'predict', 'runs/audio', '--data', 'clips', '--out', 'preds.csv');
    assert.equal(predict.code, 0, predict.stderr);
    assert.equal(readFileSync(join(dir, 'preds.csv'), 'utf8').trim().split('\n')[0], 'row,file,prediction,prob_high,prob_low,error');
  });

  test('SpecAugment masks train; crop and flip are refused for spectrograms', () => {
    const dir = scratch();
    writeClips(join(dir, 'clips'));
    const masked = dlflow(dir, 'train', '--data', 'clips', '--epochs', '2', '--name', 'masked', '--log', 'plain', '--data.augment.mask.freq', '8', '--data.augment.mask.time', '4', '--data.augment.mask.count', '2');
    assert.equal(masked.code, 0, masked.stderr);
    assert.match(readFileSync(join(dir, 'runs', 'masked', 'config.resolved.yaml'), 'utf8'), /mask:\n\s+freq: 8\n\s+time: 4\n\s+count: 2/);
    const flipped = dlflow(dir, 'train', '--data', 'clips', '--epochs', '1', '--name', 'flipped', '--data.augment.flip', 'horizontal');
    assert.equal(flipped.code, 2, flipped.stderr);
    assert.match(flipped.stderr, /data\.augment\.crop and data\.augment\.flip apply to images; a spectrogram takes data\.augment\.mask/);
  });
});
