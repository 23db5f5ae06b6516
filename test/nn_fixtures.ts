/** Loading the PyTorch fixtures written by scripts/make_nn_fixtures.py. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as dl from '../src/index.js';

/** A tensor as the fixture script writes it. */
export interface FixtureTensor {
  s: number[];
  d: number[];
  t?: 'int64';
}

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./fixtures/nn/${name}`, import.meta.url)), 'utf8')) as T;
}

/** A dlflow tensor from a fixture tensor (float32 unless marked int64). */
export function T(f: FixtureTensor, requiresGrad = false): dl.Tensor {
  if (f.t === 'int64') return dl.tensor(BigInt64Array.from(f.d.map((v) => BigInt(v))), { shape: f.s });
  return dl.tensor(Float32Array.from(f.d), { shape: f.s, requiresGrad });
}

/** A state dict of fixture tensors as dlflow tensors. */
export function stateOf(state: Record<string, FixtureTensor>): Record<string, dl.Tensor> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [k, T(v)]));
}
