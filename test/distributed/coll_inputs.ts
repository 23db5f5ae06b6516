/**
 * The inputs each rank feeds the collectives in test/distributed/coll_collectives.ts (the
 * expected results are computed separately, in test/distributed_mpi.test.ts).
 */
export const N = 7;
/** Elements of the large all-reduce (4 MiB of float32). */
export const BIG = 1 << 20;

/** Rank r's float32 input: multiples of 0.25, negative and positive, exact in float32. */
export function floatInput(r: number): number[] {
  return Array.from({ length: N }, (_, i) => (r + 1) * (i - 3) + 0.25 * r);
}

/** Rank r's int32 input. */
export function intInput(r: number): number[] {
  return Array.from({ length: N }, (_, i) => (r + 1) * (i - 3) * 1000 + r);
}

/** Rank r's block k of the reduce-scatter input (3 elements). */
export function scatterBlock(r: number, k: number): number[] {
  return Array.from({ length: 3 }, (_, i) => (r + 1) * 10 + k + i * 0.5);
}

/** Rank r's element i of the large all-reduce. */
export function bigInput(r: number, i: number): number {
  return ((i * 7 + r * 13) % 101) - 50;
}

/** Indices of the large all-reduce the worker reports. */
export const BIG_PROBES = [0, 1, 100, 4095, 65_536, BIG - 1];
