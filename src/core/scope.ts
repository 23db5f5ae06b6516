/**
 * Memory scopes: `tidy(fn)` disposes every tensor created while `fn` runs, except those it
 * returns (which move to the enclosing scope) and those passed to `keep`.
 */
import type { Tensor } from './tensor.js';

const scopes: Set<Tensor>[] = [];

/**
 * Called by the Tensor constructor: the innermost scope owns every new tensor. A tensor made
 * outside any scope is left to its owner and, failing that, the garbage collector.
 */
export function trackTensor(t: Tensor): void {
  // (no read past the end of `scopes`: an out-of-bounds read deoptimises the hot caller)
  const depth = scopes.length;
  if (depth > 0) scopes[depth - 1].add(t);
  else t.storage.guard();
}

/** Remove a tensor from all scopes so no `tidy` disposes it (its owner will). */
export function keep<T extends Tensor>(t: T): T {
  for (const s of scopes) s.delete(t);
  t.storage.guard();
  return t;
}

/** Tensors found in a returned value: a tensor, or arrays/plain objects holding tensors. */
function collectTensors(value: unknown, into: Set<Tensor>, isTensor: (v: unknown) => v is Tensor, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  if (isTensor(value)) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectTensors(v, into, isTensor, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value as Record<string, unknown>)) collectTensors(v, into, isTensor, depth + 1);
  }
}

/**
 * Runs `fn` and disposes the tensors it created, except the ones it returns.
 *
 * @example
 * const y = dl.tidy(() => x.mul(2).add(1).relu()); // the temporaries are freed, y survives
 */
export function tidyWith<T>(fn: () => T, isTensor: (v: unknown) => v is Tensor): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function');
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (err) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw err;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new Error('tidy: the function returned a Promise; tidy scopes are synchronous (await outside, or dispose explicitly)');
  }
  const survivors = new Set<Tensor>();
  collectTensors(result, survivors, isTensor);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (!survivors.has(t)) t.dispose();
    else if (parent !== undefined) parent.add(t);
    else t.storage.guard(); // leaves the last scope: the garbage collector is its safety net now
  }
  return result;
}
