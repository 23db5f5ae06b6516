/**
 * The `random` kernel: Philox4x32-10 (Salmon, Moraes, Dror & Shaw, "Parallel random numbers:
 * as easy as 1, 2, 3", SC'11), a counter-based generator — each block of four 32-bit words is a
 * pure function of (key, counter), so element i can be computed independently of the others.
 */
import type { OpArgs } from '../ops.js';
import type { ArrayOf, KernelTable } from './strided.js';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;
const TWO_POW_24 = 16777216;

/** High and low 32 bits of the 64-bit product of two unsigned 32-bit words. */
function mulHiLo(a: number, b: number, out: Uint32Array, hiIndex: number, loIndex: number): void {
  const aLo = a & 0xffff;
  const aHi = a >>> 16;
  const bLo = b & 0xffff;
  const bHi = b >>> 16;
  const ll = aLo * bLo;
  const lh = aLo * bHi;
  const hl = aHi * bLo;
  const hh = aHi * bHi;
  const mid = (ll >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  out[loIndex] = ((mid & 0xffff) << 16) | (ll & 0xffff);
  out[hiIndex] = hh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16);
}

/** Ten Philox rounds on counter (c0, c1, c2, c3) under key (k0, k1); result in `block`. */
export function philoxBlock(c0: number, c1: number, k0: number, k1: number, block: Uint32Array, c2 = 0, c3 = 0): void {
  const tmp = new Uint32Array(4);
  block[0] = c0; block[1] = c1; block[2] = c2; block[3] = c3;
  let key0 = k0 >>> 0;
  let key1 = k1 >>> 0;
  for (let round = 0; round < 10; round++) {
    mulHiLo(M0, block[0], tmp, 0, 1); // hi0, lo0
    mulHiLo(M1, block[2], tmp, 2, 3); // hi1, lo1
    const x0 = (tmp[2] ^ block[1] ^ key0) >>> 0;
    const x1 = tmp[3];
    const x2 = (tmp[0] ^ block[3] ^ key1) >>> 0;
    const x3 = tmp[1];
    block[0] = x0; block[1] = x1; block[2] = x2; block[3] = x3;
    key0 = (key0 + W0) >>> 0;
    key1 = (key1 + W1) >>> 0;
  }
}

/** Fill `out` (contiguous float32) from the Philox stream at (key, offset). */
export function randomKernel(args: OpArgs['random'], arrayOf: ArrayOf): void {
  const { out, distribution, a, b, key0, key1, offset } = args;
  const data = arrayOf(out) as Float32Array;
  const n = out.shape.reduce((x, y) => x * y, 1);
  const block = new Uint32Array(4);
  const values = new Float64Array(4);
  for (let start = 0; start < n; start += 4) {
    const counter = offset + start / 4;
    philoxBlock(counter % 0x100000000, Math.floor(counter / 0x100000000), key0, key1, block);
    if (distribution === 'normal') {
      for (let pair = 0; pair < 4; pair += 2) {
        const u1 = ((block[pair] >>> 8) + 1) / TWO_POW_24;
        const u2 = (block[pair + 1] >>> 8) / TWO_POW_24;
        const r = Math.sqrt(-2 * Math.log(u1));
        values[pair] = a + b * (r * Math.cos(2 * Math.PI * u2));
        values[pair + 1] = a + b * (r * Math.sin(2 * Math.PI * u2));
      }
    } else {
      for (let lane = 0; lane < 4; lane++) {
        const u = (block[lane] >>> 8) / TWO_POW_24;
        values[lane] = distribution === 'uniform' ? a + (b - a) * u : u < a ? b : 0;
      }
    }
    for (let lane = 0; lane < 4 && start + lane < n; lane++) data[out.offset + start + lane] = values[lane];
  }
}

/** This family's kernels, by op kind. */
export const RANDOM_KERNELS: KernelTable<'random'> = { random: randomKernel };
