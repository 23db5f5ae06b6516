/** Argument checks shared by the optimizers, with PyTorch's messages. */

/** Throws a RangeError naming `what` unless `value >= 0`. */
export function checkNonNegative(optimizer: string, what: string, value: number): void {
  if (!(value >= 0)) throw new RangeError(`${optimizer}: Invalid ${what}: ${value}`);
}

/** Throws unless both betas lie in [0, 1). */
export function checkBetas(optimizer: string, betas: readonly [number, number]): void {
  betas.forEach((b, i) => {
    if (!(b >= 0 && b < 1)) throw new RangeError(`${optimizer}: Invalid beta parameter at index ${i}: ${b}`);
  });
}
