/**
 * The CNN of `dlflow train`: the architecture `cnnLayers` picks, checked against PyTorch
 * (scripts/make_cnn_fixtures.py: output shapes, parameter counts, state-dict keys, and a forward
 * pass with PyTorch's weights loaded unchanged), layer lists with conv entries, the `model.cnn`
 * schema, and the CLI on a tiny IDX folder (shapes [N, 1, 28, 28] end to end).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveConfig } from '../src/cli/config/resolve.js';
import { cnnLayers, type CnnOptions } from '../src/cli/model/architectures.js';
import { buildModel } from '../src/cli/model/build.js';
import { resolveLayerList } from '../src/cli/model/layer_list.js';
import { buildSequential, type LayerSpec } from '../src/cli/model/layers.js';
import { layerInfos } from '../src/cli/run/setup.js';
import { encodeIdx } from '../src/data/sources/idx.js';
import * as dl from '../src/index.js';
import { dlflow, scratch } from './cli_helpers.js';
import { assertClose } from './helpers.js';
import { stateOf, T, type FixtureTensor } from './nn_fixtures.js';

interface Case {
  name: string; inputShape: number[]; classes: number; channels: number[]; grid: number; hidden: number; dropout: number;
  layers: { type: string; outputShape: number[]; params: number }[]; totalParams: number; stateDict: Record<string, number[]>;
  weights?: Record<string, FixtureTensor>; input?: FixtureTensor; output?: FixtureTensor;
}
const FIXTURE = JSON.parse(readFileSync(fileURLToPath(new URL('./fixtures/cnn/architectures.json', import.meta.url)), 'utf8')) as { cases: Case[] };
const AUTO: CnnOptions = { channels: null, kernelSize: 3, blocks: null, pool: 'max', grid: null, hidden: 128, dropout: 0.2 };
const optionsOf = (c: Case): CnnOptions => (c.name === 'small' ? { ...AUTO, channels: c.channels, grid: c.grid, hidden: c.hidden, dropout: c.dropout } : AUTO);

describe('the auto CNN against PyTorch', () => {
  for (const c of FIXTURE.cases) {
    test(`${c.name}: [${c.inputShape.join(', ')}] → layers, shapes, parameters and state-dict keys`, () => {
      const layers = cnnLayers(c.inputShape, c.classes, optionsOf(c));
      const model = buildSequential(layers);
      const info = layerInfos(model, c.inputShape);
      assert.deepEqual(info.layers.map((l) => l.type), c.layers.map((l) => l.type));
      assert.deepEqual(info.layers.map((l) => [1, ...l.outputShape.slice(1)]), c.layers.map((l) => l.outputShape));
      assert.deepEqual(info.layers.map((l) => l.params), c.layers.map((l) => l.params));
      assert.equal(info.totalParams, c.totalParams);
      const keys = Object.entries(model.stateDict()).map(([k, t]) => [k, [...t.shape]]);
      assert.deepEqual(Object.fromEntries(keys), c.stateDict);
    });
  }

  test('small: PyTorch weights load unchanged and give the same eval-mode output', () => {
    const c = FIXTURE.cases.find((k) => k.name === 'small')!;
    const model = buildSequential(cnnLayers(c.inputShape, c.classes, optionsOf(c)));
    model.loadStateDict(stateOf(c.weights!));
    model.eval();
    const y = dl.noGrad(() => model.forward(T(c.input!)));
    assert.deepEqual([...y.shape], c.output!.s);
    assertClose(y, c.output!.d, 1e-4, 1e-5, 'logits');
  });
});

describe('layer lists with conv entries', () => {
  test('sizes chain through conv, pool and flatten', () => {
    const layers = resolveLayerList([{ type: 'conv2d', channels: 8 }, 'batchnorm2d', 'relu', 'maxpool2d', { type: 'adaptiveavgpool2d', outputSize: 2 }, 'dropout2d', 'flatten', { type: 'linear', units: 16 }, 'relu', 'linear'], [1, 12, 12], 3);
    const expected: LayerSpec[] = [
      { type: 'conv2d', in: 1, out: 8, kernelSize: 3, stride: 1, padding: 1 }, { type: 'batchnorm2d', features: 8 }, { type: 'activation', name: 'relu' },
      { type: 'maxpool2d', kernelSize: 2, stride: 2 }, { type: 'adaptiveavgpool2d', outputSize: [2, 2] }, { type: 'dropout2d', p: 0.5 }, { type: 'flatten' },
      { type: 'linear', in: 32, out: 16 }, { type: 'activation', name: 'relu' }, { type: 'linear', in: 16, out: 3 },
    ];
    assert.deepEqual(layers, expected);
    assert.deepEqual([...buildSequential(layers).forward(dl.zeros([2, 1, 12, 12])).shape], [2, 3]);
  });

  test('a misspelt option gets a suggestion; a linear layer on images asks for flatten; a too-large window names the layer', () => {
    assert.throws(() => resolveLayerList([{ type: 'conv2d', chanels: 8 }, 'flatten', 'linear'], [1, 8, 8], 2), /model\.layers\[0\]\.chanels: unknown key \(did you mean 'channels'\?\)/);
    assert.throws(() => resolveLayerList(['linear'], [1, 8, 8], 2), /model\.layers\[0\] \(linear\): needs flat input \[features\], got \[1, 8, 8\]; add 'flatten' before it/);
    assert.throws(() => resolveLayerList([{ type: 'maxpool2d', kernelSize: 4 }, 'flatten', 'linear'], [1, 3, 3], 2), /model\.layers\[0\] \(maxpool2d\): a 4×4 window does not fit the 3×3 input/);
    assert.throws(() => resolveLayerList(['conv2d', 'linear'], [4], 2), /model\.layers\[0\] \(conv2d\): needs image input \[C, H, W\], got \[4\]/);
  });
});

describe('model.arch and model.cnn in the config', () => {
  test('auto is a CNN for images and an MLP for tables; mlp flattens images; cnn refuses tables', async () => {
    const config = resolveConfig({});
    const kinds = async (shape: number[], arch: string): Promise<string[]> => {
      const { architecture } = await buildModel({ ...config, model: { ...config.model, arch } }, shape, 3);
      return architecture.kind === 'sequential' ? architecture.layers.map((l) => l.type) : [];
    };
    assert.equal((await kinds([1, 28, 28], 'auto'))[0], 'conv2d');
    assert.deepEqual(await kinds([7], 'auto'), ['linear', 'activation', 'dropout', 'linear', 'activation', 'dropout', 'linear']);
    assert.deepEqual((await kinds([3, 8, 8], 'mlp')).slice(0, 2), ['flatten', 'linear']);
    await assert.rejects(kinds([7], 'cnn'), /model\.arch 'cnn' needs images \[C, H, W\], but each example of this data is \[7\]/);
  });

  test('model.cnn options are validated with did-you-mean; channels set the blocks', async () => {
    assert.throws(() => resolveConfig({ raw: { model: { cnn: { chanels: [8] } } } }), /model\.cnn\.chanels: unknown key \(did you mean 'channels'\?\)/);
    assert.throws(() => resolveConfig({ raw: { model: { cnn: { pool: 'mean' } } } }), /model\.cnn\.pool: expected one of 'max', 'avg'/);
    assert.throws(() => resolveConfig({ raw: { model: { cnn: { channels: [8, 16], blocks: 3 } } } }), /model\.cnn\.blocks: 3 blocks but 2 channel counts/);
    const config = resolveConfig({ raw: { model: { arch: 'cnn', cnn: { channels: [8, 16, 32], pool: 'avg', hidden: 32, dropout: 0 } } } });
    const { architecture } = await buildModel(config, [3, 32, 32], 4);
    assert.ok(architecture.kind === 'sequential');
    const convs = architecture.layers.filter((l) => l.type === 'conv2d').map((l) => (l as { out: number }).out);
    assert.deepEqual(convs, [8, 16, 32]);
    assert.equal(architecture.layers.filter((l) => l.type === 'avgpool2d').length, 3);
    assert.ok(!architecture.layers.some((l) => l.type === 'dropout'));
  });
});

/** A tiny IDX folder: `n` train and `m` t10k images of 28×28, three classes told apart by where a bright square is. */
function writeIdxFolder(dir: string, n = 60, m = 30): void {
  mkdirSync(dir, { recursive: true });
  const write = (prefix: string, count: number): void => {
    const images = new Uint8Array(count * 784);
    const labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const k = i % 3;
      labels[i] = k;
      for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
        const inside = y >= 4 + 7 * k && y < 11 + 7 * k && x >= 8 && x < 20;
        images[i * 784 + y * 28 + x] = inside ? 200 + ((i * 13 + x) % 50) : (i * 7 + x * 3 + y) % 40;
      }
    }
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte`), encodeIdx([count, 28, 28], images));
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte`), encodeIdx([count], labels));
  };
  write('train', n);
  write('t10k', m);
}

describe('dlflow on an IDX folder builds a CNN', () => {
  test('train, summary, evaluate and predict see [N, 1, 28, 28]', () => {
    const dir = scratch();
    writeIdxFolder(join(dir, 'digits'));
    const train = dlflow(dir, 'train', '--data', 'digits', '--epochs', '3', '--name', 'cnn', '--log', 'plain', '--batch-size', '16');
    assert.equal(train.code, 0, train.stderr);
    assert.match(train.stdout, /input 1×28×28 per example/);
    assert.match(train.stdout, /0 \(Conv2d\)\s+\[N, 32, 28, 28\]\s+320/);
    const info = JSON.parse(readFileSync(join(dir, 'runs', 'cnn', 'model.json'), 'utf8')) as { inputShape: number[]; preprocessing: { shape: number[]; source: string }; layers: { outputShape: number[] }[] };
    assert.deepEqual(info.inputShape, [1, 28, 28]);
    assert.deepEqual(info.preprocessing.shape, [1, 28, 28]);
    assert.equal(info.preprocessing.source, 'idx');
    assert.deepEqual(info.layers[0].outputShape, [-1, 32, 28, 28]);
    const svg = readFileSync(join(dir, 'runs', 'cnn', 'architecture.svg'), 'utf8');
    assert.match(svg, /N × 1 × 28 × 28/);
    assert.match(svg, /N × 32 × 14 × 14/);
    const evaluation = dlflow(dir, 'evaluate', 'runs/cnn', '--json');
    assert.equal(evaluation.code, 0, evaluation.stderr);
    const metrics = JSON.parse(evaluation.stdout) as { rows: number; accuracy: number };
    assert.equal(metrics.rows, 30);
    assert.ok(metrics.accuracy >= 0.9, `accuracy ${metrics.accuracy} on separable digits`);
    const predict = dlflow(dir, 'predict', 'runs/cnn', '--data', join('digits', 't10k-images-idx3-ubyte'));
    assert.equal(predict.code, 0, predict.stderr);
    assert.equal(predict.stdout.trim().split('\n').length, 31);
  });
});

describe('augmentation', () => {
  test('shorthands: crop: 4, flip: false; on from the command line too', () => {
    const a = resolveConfig({ raw: { data: { augment: { crop: 4, flip: false } } } });
    assert.deepEqual(a.data.augment, { crop: { padding: 4 }, flip: 'none', mask: null });
    const b = resolveConfig({ flags: [['data.augment.crop.padding', '2'], ['data.augment.flip', 'horizontal']] });
    assert.deepEqual(b.data.augment, { crop: { padding: 2 }, flip: 'horizontal', mask: null });
    assert.deepEqual(resolveConfig({}).data.augment, { crop: null, flip: 'none', mask: null }, 'off by default');
    assert.throws(() => resolveConfig({ raw: { data: { augment: { flip: 'vertical' } } } }), /data\.augment\.flip: expected one of 'horizontal', 'none'/);
  });

  test('exact resume holds with crop and flip: 4 epochs straight equal 2 + --resume to 4', () => {
    const dir = scratch();
    writeIdxFolder(join(dir, 'digits'), 48, 12);
    // a constant rate: the default cosine schedule of image data is planned over the epochs asked, which a resume to more epochs changes by definition
    writeFileSync(join(dir, 'aug.yaml'), 'data:\n  path: digits\n  augment: { crop: 3, flip: horizontal }\nmodel:\n  cnn: { channels: [4], hidden: 8 }\nhyperparameters:\n  batchSize: 16\n  scheduler: { type: none }\n');
    const args = ['--log', 'plain', '--epochs', '4'];
    const full = dlflow(dir, 'train', 'aug.yaml', '--name', 'full', ...args);
    assert.equal(full.code, 0, full.stderr);
    assert.equal(dlflow(dir, 'train', 'aug.yaml', '--name', 'half', ...args, '--epochs', '2').code, 0);
    const resumed = dlflow(dir, 'train', '--resume', join('runs', 'half'), '--epochs', '4');
    assert.equal(resumed.code, 0, resumed.stderr);
    const history = (name: string): Record<string, number>[] => readFileSync(join(dir, 'runs', name, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
    const a = history('full'), b = history('half');
    assert.equal(b.length, 4);
    for (const k of ['train_loss', 'val_loss']) assert.deepEqual(b.map((r) => r[k]), a.map((r) => r[k]), k);
    assert.deepEqual(readFileSync(join(dir, 'runs', 'half', 'model.safetensors')), readFileSync(join(dir, 'runs', 'full', 'model.safetensors')));
    const plain = dlflow(dir, 'train', '--data', 'digits', '--name', 'plain', '--model.cnn.channels', '4', '--model.cnn.hidden', '8', '--batch-size', '16', '--hyperparameters.scheduler.type', 'none', ...args);
    assert.equal(plain.code, 0, plain.stderr);
    assert.notDeepEqual(history('plain').map((r) => r.train_loss), a.map((r) => r.train_loss), 'augmentation changes training');
  });

  test('augmenting a table is a usage error', () => {
    const dir = scratch();
    const r = dlflow(dir, 'train', '--data.augment.flip', 'horizontal', '--epochs', '1');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /data\.augment applies to images \(IDX or image folders\) and spectrograms \(audio folders\), but this data is a table/);
  });
});
