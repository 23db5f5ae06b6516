/**
 * The seeded random number generator behind rand/randn/randint, dropout and shuffling.
 *
 * Two streams, both seeded by `manualSeed`:
 * - scalar draws in JavaScript (shuffles, randint, randperm): xoshiro128** (Blackman & Vigna) on
 *   four 32-bit words, seeded through SplitMix32 so nearby seeds give unrelated streams; normal
 *   variates by Box–Muller, caching the second one;
 * - tensor fills (rand, randn, dropout masks, uniform_/normal_): the counter-based Philox4x32-10
 *   stream, computed by the backend's `random` kernel. The generator hands out disjoint counter
 *   ranges, so fills are reproducible and can run in parallel (or on a GPU).
 * The whole state is a few numbers, saved and restored exactly (checkpoints resume the stream).
 */
export interface GeneratorState {
  words: [number, number, number, number];
  spareNormal: number | null;
  /** Key and next block counter of the Philox stream that tensor fills draw from. */
  philox?: { key: [number, number]; offset: number };
}

/** Where a tensor fill reads the counter-based Philox stream (see the `random` kernel). */
export interface PhiloxSlice {
  key0: number;
  key1: number;
  offset: number;
}

export class Generator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;
  private philoxKey: [number, number] = [0, 0];
  private philoxOffset = 0;

  constructor(seed = 0x2545f491) {
    this.manualSeed(seed);
  }

  /** Reseed deterministically. Accepts any safe integer. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) throw new TypeError(`manualSeed: seed must be a safe integer, got ${seed}`);
    let x = (seed >>> 0) ^ Math.floor(seed / 0x100000000);
    const next = (): number => {
      // SplitMix32: a well-mixed sequence to fill the state words.
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next(); this.s1 = next(); this.s2 = next(); this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
    this.philoxKey = [next(), next()];
    this.philoxOffset = 0;
    return this;
  }

  /** Reserve the Philox blocks for `n` values (four per block) and say where they start. */
  philoxSlice(n: number): PhiloxSlice {
    const slice = { key0: this.philoxKey[0], key1: this.philoxKey[1], offset: this.philoxOffset };
    this.philoxOffset += Math.ceil(n / 4);
    return slice;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 24 random bits (exactly representable in float32). */
  nextFloat(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  nextDouble(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal variate (Box–Muller). */
  nextNormal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.nextDouble();
    const v = this.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Uniform integer in [low, high) without modulo bias. */
  nextInt(low: number, high: number): number {
    const range = high - low;
    if (range <= 0x100000000) {
      const limit = 0x100000000 - (0x100000000 % range);
      let x = this.nextUint32();
      while (x >= limit) x = this.nextUint32();
      return low + (x % range);
    }
    return low + Math.floor(this.nextDouble() * range);
  }

  getState(): GeneratorState {
    return {
      words: [this.s0, this.s1, this.s2, this.s3],
      spareNormal: this.spare,
      philox: { key: [...this.philoxKey], offset: this.philoxOffset },
    };
  }

  setState(state: GeneratorState): void {
    const w = state.words;
    if (!Array.isArray(w) || w.length !== 4 || w.some((x) => !Number.isInteger(x))) {
      throw new TypeError('Generator.setState: expected { words: [4 integers], spareNormal }');
    }
    [this.s0, this.s1, this.s2, this.s3] = w.map((x) => x >>> 0) as [number, number, number, number];
    this.spare = state.spareNormal ?? null;
    if (state.philox !== undefined) {
      const { key, offset } = state.philox;
      if (!Array.isArray(key) || key.length !== 2 || !Number.isSafeInteger(offset) || offset < 0) {
        throw new TypeError('Generator.setState: philox must be { key: [2 integers], offset: a non-negative integer }');
      }
      this.philoxKey = [key[0] >>> 0, key[1] >>> 0];
      this.philoxOffset = offset;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The process-wide default generator that `dl.manualSeed` reseeds. */
export const defaultGenerator = new Generator();

/** Seed the default generator (like `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
