/** Dispatch overhead: the cost of one op on tiny tensors from TypeScript (target ≤ 2 µs). */
import * as dl from '../src/index.js';
import { bestSeconds, printTable } from './timing.js';

export function benchDispatch(): void {
  console.log(`\n== dispatch overhead (backend ${dl.getBackend().name})`);
  const a = dl.ones([4]);
  const b = dl.ones([4]);
  const w = dl.ones([4], { requiresGrad: true });
  const rows = [
    ['add of two [4] tensors, result disposed', bestSeconds(() => a.add(b).dispose())],
    ['add of two [4] tensors inside tidy', bestSeconds(() => dl.tidy(() => { a.add(b); }))],
    ['mul [4] by a scalar', bestSeconds(() => a.mul(2).dispose())],
    ['add recording autograd', bestSeconds(() => a.add(w).dispose())],
    ['sum of [4]', bestSeconds(() => a.sum().dispose())],
  ].map(([name, s]) => [name as string, ((s as number) * 1e6).toFixed(2)]);
  printTable(['op', 'µs per op'], rows);
}
