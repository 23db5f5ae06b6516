/**
 * dl.onnx.export against its peers: every exported model passes ONNX's own checker
 * (onnx.checker.check_model, full_check) and runs in onnxruntime-node with outputs within 1e-4
 * of dlflow's, at the export batch size and at another one (the symbolic batch dim). Models:
 * MLP, CNN, 1-D CNN, bidirectional 2-layer LSTM, GRU, RNN, and functional-op coverage; plus the
 * errors for what cannot be exported.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import * as dl from '../src/index.js';
import { decodeModel } from '../src/onnx/proto.js';
import { onnxProtoModule } from '../src/onnx/proto_source.js';
import { checkModels, maxDiff, ort, scratchFile } from './onnx_helpers.js';

const { nn } = dl;
type Net = dl.nn.Module;

class Functional extends nn.Module {
  fc = new nn.Linear(6, 6);
  ln = new nn.LayerNorm([6]);
  emb = new nn.Embedding(10, 6);
  override forward(x: dl.Tensor): dl.Tensor {
    const h = this.ln.forward(this.fc.forward(x));
    const idx = x.abs().mul(3).floor().clamp(0, 9).to('int64');
    const e = this.emb.forward(idx).mean(1);
    const parts = [h.sigmoid(), h.tanh().mul(2), dl.nn.functional.gelu(h), dl.nn.functional.silu(h), h.exp().log1p(), h.square().sqrt(), e];
    const joined = dl.cat(parts, 1);
    const t = joined.reshape([x.shape[0], 7, 6]).transpose(1, 2);
    const sliced = t.narrow(2, 1, 4).sum(2).add(t.select(2, 0)).sub(t.max(2).values);
    const w = dl.where(sliced.gt(0), sliced, sliced.mul(0.1));
    return dl.stack([w.softmax(1), w.logSoftmax(1), w.div(w.abs().add(1)).pow(2)], 1).flatten(1);
  }
}

class Conv1dNet extends nn.Module {
  c1 = new nn.Conv1d(3, 8, 5, { stride: 2, padding: 2 });
  bn = new nn.BatchNorm1d(8);
  c2 = new nn.Conv1d(8, 4, 3, { dilation: 2 });
  pool = new nn.AvgPool1d(2);
  fc = new nn.Linear(4 * 3, 2);
  override forward(x: dl.Tensor): dl.Tensor {
    const h = this.pool.forward(this.c2.forward(this.bn.forward(this.c1.forward(x)).relu()));
    return this.fc.forward(h.flatten(1));
  }
}

/** Vision layers beyond the plain CNN: grouped, depthwise, reflect-padded and transposed convolutions, norms, upsampling, pools. */
class VisionExtras extends nn.Module {
  grouped = new nn.Conv2d(4, 8, 3, { padding: 1, groups: 2 });
  gn = new nn.GroupNorm(4, 8);
  depthwise = new nn.Conv2d(8, 8, 3, { padding: 'same', groups: 8, paddingMode: 'reflect', bias: false });
  inorm = new nn.InstanceNorm2d(8, { affine: true });
  up = new nn.Upsample({ scaleFactor: 2, mode: 'nearest' });
  down = new nn.Conv2d(8, 6, 3, { stride: 2, padding: 1, dilation: 1, paddingMode: 'replicate' });
  deconv = new nn.ConvTranspose2d(6, 4, 3, { stride: 2, padding: 1, outputPadding: 1 });
  maxpool = new nn.MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true });
  avgpool = new nn.AvgPool2d(2, { ceilMode: true, countIncludePad: false });
  amax = new nn.AdaptiveMaxPool2d([2, 3]);
  fc = new nn.Linear(4 * 6 + 4, 3);
  override forward(x: dl.Tensor): dl.Tensor {
    let h = this.gn.forward(this.grouped.forward(x));
    h = new nn.LeakyReLU(0.1).forward(h);
    h = this.inorm.forward(this.depthwise.forward(h)).add(h);
    h = nn.functional.elu(this.down.forward(this.up.forward(h)));
    h = nn.functional.hardswish(this.deconv.forward(h));
    const pooled = this.avgpool.forward(this.maxpool.forward(h));
    const bil = nn.functional.interpolate(pooled, { size: [5, 5], mode: 'bilinear', alignCorners: false });
    const corners = nn.functional.interpolate(pooled, { size: [3, 3], mode: 'bilinear', alignCorners: true });
    const tail = bil.mean([2, 3]).add(corners.amax([2, 3]));
    return this.fc.forward(dl.cat([this.amax.forward(h).flatten(1), nn.functional.softplus(tail)], 1));
  }
}

/** Volumes: Conv3d, BatchNorm3d, MaxPool3d, ConvTranspose1d and more activations. */
class VolumeNet extends nn.Module {
  c = new nn.Conv3d(1, 4, 3, { padding: 1 });
  bn = new nn.BatchNorm3d(4);
  pool = new nn.MaxPool3d(2);
  gap = new nn.AdaptiveAvgPool3d(1);
  t1 = new nn.ConvTranspose1d(4, 2, 3, { stride: 2 });
  fc = new nn.Linear(2 * 3, 2);
  override forward(x: dl.Tensor): dl.Tensor {
    const h = nn.functional.selu(this.pool.forward(this.bn.forward(this.c.forward(x))));
    const v = this.gap.forward(new nn.Mish().forward(h)).flatten(2);
    return this.fc.forward(new nn.ReLU6().forward(this.t1.forward(v)).flatten(1));
  }
}

/** The three cells, each from the state the previous one left (LSTMCell from zeros). */
class Cells extends nn.Module {
  lstm = new nn.LSTMCell(4, 6);
  gru = new nn.GRUCell(4, 6);
  rnn = new nn.RNNCell(4, 6, { nonlinearity: 'relu' });
  override forward(x: dl.Tensor): dl.Tensor[] {
    const [h, c] = this.lstm.forward(x);
    const g = this.gru.forward(x, h);
    return [h, c, g, this.rnn.forward(x, g)];
  }
}

/** Gives BatchNorm layers non-trivial running statistics (a few training steps' worth). */
function warmBatchNorm(m: Net, x: dl.Tensor): void {
  m.train();
  dl.noGrad(() => { m.forward(x); m.forward(x.mul(1.5).add(0.3)); });
  m.eval();
}

const CASES: { name: string; make: () => Net; input: (batch: number) => dl.Tensor; warm?: boolean }[] = [
  { name: 'mlp', make: () => new nn.Sequential(new nn.Linear(4, 16), new nn.ReLU(), new nn.Dropout(0.5), new nn.Linear(16, 8), new nn.Tanh(), new nn.Linear(8, 3)), input: (n) => dl.randn([n, 4]) },
  {
    name: 'cnn', warm: true, input: (n) => dl.randn([n, 2, 12, 12]),
    make: () => new nn.Sequential(new nn.Conv2d(2, 6, 3, { padding: 1 }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(6, 8, 3), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 3)),
  },
  { name: 'vision', warm: true, make: () => new VisionExtras(), input: (n) => dl.randn([n, 4, 9, 11]) },
  { name: 'volume', warm: true, make: () => new VolumeNet(), input: (n) => dl.randn([n, 1, 6, 6, 6]) },
  { name: 'cnn1d', warm: true, make: () => new Conv1dNet(), input: (n) => dl.randn([n, 3, 20]) },
  { name: 'lstm', make: () => new nn.LSTM(5, 7, { numLayers: 2, bidirectional: true, batchFirst: true }), input: (n) => dl.randn([n, 9, 5]) },
  { name: 'gru', make: () => new nn.GRU(4, 6, { numLayers: 2, batchFirst: true }), input: (n) => dl.randn([n, 8, 4]) },
  { name: 'rnn', make: () => new nn.RNN(4, 5, { nonlinearity: 'relu', bidirectional: true, batchFirst: true }), input: (n) => dl.randn([n, 6, 4]) },
  { name: 'functional', make: () => new Functional(), input: (n) => dl.randn([n, 6]) },
  { name: 'cells', make: () => new Cells(), input: (n) => dl.randn([n, 4]) },
];

function outputsOf(y: unknown): dl.Tensor[] {
  return y instanceof dl.Tensor ? [y] : (y as unknown[]).flatMap(outputsOf);
}

describe('dl.onnx.export: onnx.checker and onnxruntime agree with dlflow', () => {
  dl.manualSeed(7);
  const files: string[] = [];
  for (const c of CASES) {
    test(`${c.name}: ORT matches within 1e-4 at the export batch (3) and at batch 5`, async () => {
      const model = c.make();
      if (c.warm === true) warmBatchNorm(model, c.input(6));
      model.eval();
      const bytes = dl.onnx.exportBytes(model, c.input(3), { opset: 17, dynamicBatch: true });
      files.push(scratchFile(`${c.name}.onnx`, bytes));
      const session = await ort.InferenceSession.create(bytes);
      for (const n of [3, 5]) {
        const x = c.input(n);
        const expected = outputsOf(dl.noGrad(() => model.forward(x)));
        const r = await session.run({ input: new ort.Tensor('float32', Float32Array.from(x.dataSync() as Float32Array), x.shape) });
        assert.equal(session.outputNames.length, expected.length);
        session.outputNames.forEach((name, i) => {
          assert.deepEqual([...r[name].dims], expected[i].shape, `${name} shape`);
          const d = maxDiff(r[name].data as Float32Array, expected[i].contiguous().dataSync() as Float32Array);
          assert.ok(d < 1e-4, `${c.name} ${name} at batch ${n}: max |ORT − dlflow| = ${d}`);
        });
      }
    });
  }
  test('every exported model passes onnx.checker.check_model(full_check=True), IR 8, opset 17', () => {
    assert.equal(files.length, CASES.length);
    for (const r of checkModels(files)) {
      assert.ok(r.ok, `${r.file}: ${r.error}`);
      assert.deepEqual(r.opset, { 'ai.onnx': 17 });
      assert.equal(r.ir_version, 8);
    }
  });
});

describe('dl.onnx.export: graph contents and errors', () => {
  test('parameters are initializers under their state-dict names; the batch dim is symbolic', () => {
    const model = new nn.Sequential(new nn.Linear(3, 2));
    const m = decodeModel(dl.onnx.exportBytes(model, dl.randn([4, 3])));
    assert.deepEqual(m.graph.initializer.map((t) => t.name).sort(), ['0.bias', '0.weight']);
    assert.deepEqual(m.graph.input[0].type.tensor_type.shape.dim, [{ dim_param: 'batch' }, { dim_value: 3 }]);
    const fixed = decodeModel(dl.onnx.exportBytes(model, dl.randn([4, 3]), { dynamicBatch: false }));
    assert.deepEqual(fixed.graph.input[0].type.tensor_type.shape.dim, [{ dim_value: 4 }, { dim_value: 3 }]);
    assert.equal(m.metadata_props.find((p) => p.key === 'dlflow_version')?.value, JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  test('an op without an ONNX equivalent is an error naming it and the module path', () => {
    class Noisy extends nn.Module {
      fc = new nn.Linear(3, 3);
      override forward(x: dl.Tensor): dl.Tensor { return this.fc.forward(x).add(dl.randn([3])); }
    }
    class Outer extends nn.Module {
      layers = new nn.Sequential(new nn.Linear(3, 3), new Noisy());
      override forward(x: dl.Tensor): dl.Tensor { return this.layers.forward(x); }
    }
    assert.throws(() => dl.onnx.exportBytes(new Outer(), dl.randn([2, 3])),
      (e: Error) => e instanceof dl.onnx.OnnxExportError && /kernel random/.test(e.message) && /module layers\.1 \(Noisy\)/.test(e.message));
  });

  test('unknown options and opsets are refused', () => {
    const model = new nn.Linear(2, 2);
    assert.throws(() => dl.onnx.exportBytes(model, dl.randn([1, 2]), { opset: 13 }), RangeError);
    assert.throws(() => dl.onnx.exportBytes(model, dl.randn([1, 2]), { dynamic: true } as never), /unknown option/i);
  });

  test('src/onnx/onnx_proto.ts is generated from src/onnx/onnx.proto (npx tsx scripts/gen_onnx_proto.ts)', () => {
    assert.equal(readFileSync('src/onnx/onnx_proto.ts', 'utf8'), onnxProtoModule(readFileSync('src/onnx/onnx.proto', 'utf8')));
  });
});
